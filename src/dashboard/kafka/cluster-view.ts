import type { Admin, ClusterMetadata } from '@platformatic/kafka';
import { notFound } from '../errors.ts';
import type { DashboardClients } from './clients.ts';
import { partitionKey, partitionOffsets, type PartitionOffsets } from './offsets.ts';
import { LogDirSizes } from './log-dir-sizes.ts';

export interface TopicSummary {
  name: string;
  internal: boolean;
  partitions: number;
  replicationFactor: number;
  /** Latest minus earliest offset summed over partitions (counts markers and compacted records). */
  messages: number;
  /** Bytes on disk over all partitions (DescribeLogDirs); undefined when the cluster does not tell. */
  sizeBytes?: number;
}

export interface PartitionDetail extends PartitionOffsets {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  sizeBytes?: number;
}

export interface TopicDetail {
  name: string;
  id: string;
  internal: boolean;
  partitions: PartitionDetail[];
  /** Why sizes are missing, when they are. */
  sizesUnavailable?: string;
}

export interface GroupSummary {
  id: string;
  state: string;
  protocolType: string;
  members: number;
  /** Sum of the partition lags (high watermark − committed offset); undefined without committed offsets. */
  lag?: number;
}

export interface GroupMemberView {
  id: string;
  clientId: string;
  host: string;
  groupInstanceId?: string;
  assignments: Array<{ topic: string; partitions: number[] }>;
}

export interface GroupPartitionLag {
  topic: string;
  partition: number;
  /** Committed offset; undefined when the group has none for this partition. */
  committed?: number;
  /** High watermark and last stable offset of the partition. */
  latest?: number;
  lastStable?: number;
  /** latest − committed (what `kafka-consumer-groups --describe` shows); undefined without a committed offset. */
  lag?: number;
  /** Member the partition is assigned to, if any. */
  member?: string;
}

export interface GroupDetail {
  id: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: GroupMemberView[];
  partitions: GroupPartitionLag[];
  lag?: number;
}

const INTERNAL = new Set(['__consumer_offsets', '__transaction_state']);

/**
 * The broker pages' data, read through the Kafka protocol only (Metadata, ListOffsets,
 * DescribeLogDirs, ListGroups, DescribeGroups, OffsetFetch), so they work against any Kafka.
 */
export class KafkaClusterView {
  readonly #clients: DashboardClients;
  readonly #sizes: LogDirSizes;

  constructor(clients: DashboardClients) {
    this.#clients = clients;
    this.#sizes = new LogDirSizes(clients);
  }

  async #metadata(admin: Admin, topics?: string[]): Promise<ClusterMetadata> {
    const names = topics ?? (await this.#clients.call('listing topics', admin.listTopics({ includeInternals: true })));
    return this.#clients.call('reading metadata', admin.metadata({ topics: names, forceUpdate: true }));
  }

  async cluster(): Promise<{ clusterId: string; controller: number; brokers: Array<{ nodeId: number; host: string; port: number; rack?: string }> }> {
    const admin = await this.#clients.admin();
    const md = await this.#metadata(admin, []);
    return {
      clusterId: md.id,
      controller: md.controllerId,
      brokers: [...md.brokers].map(([nodeId, b]) => ({ nodeId, host: b.host, port: b.port, ...(b.rack ? { rack: b.rack } : {}) })),
    };
  }

  /** The topics `visible` accepts (all by default). */
  async topics(visible: (topic: string) => boolean = () => true): Promise<{ topics: TopicSummary[]; sizesUnavailable?: string }> {
    const admin = await this.#clients.admin();
    const names = (await this.#clients.call('listing topics', admin.listTopics({ includeInternals: true }))).filter(visible);
    const md = await this.#metadata(admin, names);
    const wanted = new Map([...md.topics].map(([name, t]) => [name, t.partitions.map((_, i) => i)]));
    const [offsets, sizes] = await Promise.all([this.#clients.call('listing offsets', partitionOffsets(admin, wanted)), this.#sizes.read(wanted)]);
    const topics = [...md.topics]
      .map(([name, t]): TopicSummary => {
        let messages = 0;
        let size: number | undefined = sizes.bytes === undefined ? undefined : 0;
        for (let p = 0; p < t.partitionsCount; p++) {
          const o = offsets.get(partitionKey(name, p));
          if (o) messages += o.latest - o.earliest;
          if (size !== undefined) size += sizes.bytes!.get(partitionKey(name, p)) ?? 0;
        }
        const s: TopicSummary = { name, internal: INTERNAL.has(name), partitions: t.partitionsCount, replicationFactor: t.partitions[0]?.replicas.length ?? 0, messages };
        if (size !== undefined) s.sizeBytes = size;
        return s;
      })
      .sort((a, b) => Number(a.internal) - Number(b.internal) || a.name.localeCompare(b.name));
    return sizes.unavailable === undefined ? { topics } : { topics, sizesUnavailable: sizes.unavailable };
  }

  async topic(name: string): Promise<TopicDetail> {
    const admin = await this.#clients.admin();
    const names = await this.#clients.call('listing topics', admin.listTopics({ includeInternals: true }));
    if (!names.includes(name)) throw notFound(`topic "${name}"`);
    const t = (await this.#metadata(admin, [name])).topics.get(name);
    if (t === undefined) throw notFound(`topic "${name}"`);
    const wanted = new Map([[name, t.partitions.map((_, i) => i)]]);
    const [offsets, sizes] = await Promise.all([this.#clients.call('listing offsets', partitionOffsets(admin, wanted)), this.#sizes.read(wanted)]);
    const partitions = t.partitions.map((p, partition): PartitionDetail => {
      const o = offsets.get(partitionKey(name, partition)) ?? { earliest: 0, latest: 0, lastStable: 0 };
      const d: PartitionDetail = { partition, leader: p.leader, replicas: p.replicas, isr: p.isr, ...o };
      const size = sizes.bytes?.get(partitionKey(name, partition));
      if (size !== undefined) d.sizeBytes = size;
      return d;
    });
    const detail: TopicDetail = { name, id: t.id, internal: INTERNAL.has(name), partitions };
    if (sizes.unavailable !== undefined) detail.sizesUnavailable = sizes.unavailable;
    return detail;
  }

  /** The groups `visible` accepts (all by default); their lag counts only the topics `topicVisible` accepts. */
  async groups(visible: (group: string) => boolean = () => true, topicVisible: (topic: string) => boolean = () => true): Promise<GroupSummary[]> {
    const admin = await this.#clients.admin();
    const listed = await this.#clients.call('listing groups', admin.listGroups());
    const ids = [...listed.keys()].filter(visible);
    if (ids.length === 0) return [];
    const [described, lags] = await Promise.all([
      this.#clients.call('describing groups', admin.describeGroups({ groups: ids })),
      this.#lags(admin, ids, topicVisible),
    ]);
    return ids
      .map((id): GroupSummary => {
        const g = described.get(id);
        const base = listed.get(id)!;
        const s: GroupSummary = { id, state: String(g?.state ?? base.state), protocolType: g?.protocolType ?? base.protocolType, members: g?.members.size ?? 0 };
        const lag = total(lags.get(id) ?? []);
        if (lag !== undefined) s.lag = lag;
        return s;
      })
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** A group; offsets and assignments of topics `topicVisible` refuses are left out (as OffsetFetch leaves them out for Kafka clients). */
  async group(id: string, topicVisible: (topic: string) => boolean = () => true): Promise<GroupDetail> {
    const admin = await this.#clients.admin();
    const [described, lags] = await Promise.all([this.#clients.call('describing the group', admin.describeGroups({ groups: [id] })), this.#lags(admin, [id], topicVisible)]);
    const g = described.get(id);
    const partitions = lags.get(id) ?? [];
    if (g === undefined || (String(g.state).toLowerCase() === 'dead' && partitions.length === 0)) throw notFound(`group "${id}"`);
    const members: GroupMemberView[] = [...g.members.values()]
      .map((m) => {
        const view: GroupMemberView = {
          id: m.id,
          clientId: m.clientId,
          host: m.clientHost,
          assignments: [...(m.assignments?.values() ?? [])].filter((a) => topicVisible(a.topic)).map((a) => ({ topic: a.topic, partitions: [...a.partitions].sort((x, y) => x - y) })),
        };
        if (m.groupInstanceId) view.groupInstanceId = m.groupInstanceId;
        return view;
      })
      .sort((a, b) => a.id.localeCompare(b.id));
    // Assigned partitions without a committed offset are listed too.
    const byKey = new Map(partitions.map((p) => [partitionKey(p.topic, p.partition), p]));
    for (const m of members) {
      for (const a of m.assignments) {
        for (const partition of a.partitions) {
          const key = partitionKey(a.topic, partition);
          const row = byKey.get(key) ?? { topic: a.topic, partition };
          row.member = m.id;
          byKey.set(key, row);
        }
      }
    }
    const rows = [...byKey.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    const detail: GroupDetail = { id, state: String(g.state), protocolType: g.protocolType, protocol: g.protocol, members, partitions: rows };
    const lag = total(rows);
    if (lag !== undefined) detail.lag = lag;
    return detail;
  }

  /** Committed offsets and lag of each group's partitions (OffsetFetch + ListOffsets). */
  async #lags(admin: Admin, groups: string[], topicVisible: (topic: string) => boolean): Promise<Map<string, GroupPartitionLag[]>> {
    const fetched = await this.#clients.call('fetching committed offsets', admin.listConsumerGroupOffsets({ groups }));
    const rows = new Map<string, GroupPartitionLag[]>();
    const wanted = new Map<string, Set<number>>();
    for (const g of fetched) {
      const list: GroupPartitionLag[] = [];
      for (const t of g.topics) {
        if (!topicVisible(t.name)) continue;
        for (const p of t.partitions) {
          if (p.committedOffset < 0n) continue;
          list.push({ topic: t.name, partition: p.partitionIndex, committed: Number(p.committedOffset) });
          wanted.set(t.name, (wanted.get(t.name) ?? new Set()).add(p.partitionIndex));
        }
      }
      rows.set(g.groupId, list);
    }
    if (wanted.size === 0) return rows;
    // Topics deleted since the commit keep their rows without end offsets.
    const existing = new Set(await this.#clients.call('listing topics', admin.listTopics({ includeInternals: true })));
    const live = new Map([...wanted].filter(([t]) => existing.has(t)).map(([t, ps]) => [t, [...ps]]));
    const offsets = await this.#clients.call('listing offsets', partitionOffsets(admin, live));
    for (const list of rows.values()) {
      for (const r of list) {
        const o = offsets.get(partitionKey(r.topic, r.partition));
        if (o === undefined) continue;
        r.latest = o.latest;
        r.lastStable = o.lastStable;
        if (r.committed !== undefined) r.lag = Math.max(0, o.latest - r.committed);
      }
    }
    return rows;
  }
}

function total(rows: readonly GroupPartitionLag[]): number | undefined {
  const lags = rows.flatMap((r) => (r.lag === undefined ? [] : [r.lag]));
  return lags.length === 0 ? undefined : lags.reduce((a, b) => a + b, 0);
}
