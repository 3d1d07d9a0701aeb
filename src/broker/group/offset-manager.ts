import * as E from './error-codes.ts';
import type {
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetCommitResponseTopic,
  OffsetFetchRequest,
  OffsetFetchRequestTopic,
  OffsetFetchResponse,
  OffsetFetchResponseGroup,
  OffsetFetchResponsePartition,
  OffsetFetchResponseTopic,
} from './messages.ts';
import type { OffsetCommitEntry, OffsetStore } from './offset-log.ts';
import type { OffsetTable } from './offset-table.ts';
import type { Rebalancer } from './rebalance.ts';

/** OffsetCommit v9+ says GROUP_ID_NOT_FOUND where older versions said ILLEGAL_GENERATION. */
const FIRST_COMMIT_VERSION_WITH_GROUP_NOT_FOUND = 9;
/** OffsetFetch v2+ carries a top-level error code; older versions repeat it per partition. */
const FIRST_FETCH_VERSION_WITH_TOP_LEVEL_ERROR = 2;
const FIRST_FETCH_VERSION_WITH_GROUPS = 8;

export interface OffsetManagerConfig {
  /** Kafka's offset.metadata.max.bytes (checked in characters, as Kafka does). */
  offsetMetadataMaxBytes: number;
  topicExists?: (topic: string, partition: number) => boolean;
  /** Set once the coordinator is closed. */
  isClosed: () => boolean;
  /** Whether a transaction has an offset pending for this partition (UNSTABLE_OFFSET_COMMIT). */
  hasPendingTxnOffset: (groupId: string, topic: string, partition: number) => boolean;
}

/** OffsetCommit and OffsetFetch over the offset table, durable through the store. */
export class OffsetManager {
  readonly #rb: Rebalancer;
  readonly #table: OffsetTable;
  readonly #store: OffsetStore;
  readonly #config: OffsetManagerConfig;

  constructor(rb: Rebalancer, table: OffsetTable, store: OffsetStore, config: OffsetManagerConfig) {
    this.#rb = rb;
    this.#table = table;
    this.#store = store;
    this.#config = config;
  }

  commit(req: OffsetCommitRequest, version: number): OffsetCommitResponse {
    const generationId = req.generationIdOrMemberEpoch ?? req.generationId ?? -1;
    const memberId = req.memberId ?? '';
    const instanceId = req.groupInstanceId ?? null;
    const groupError = this.#validateCommit(req.groupId, generationId, memberId, instanceId, version);
    if (groupError !== E.NONE) return commitResponse(req, () => groupError);

    const group = this.#rb.groups.get(req.groupId);
    // A commit from a member keeps its session alive, as a heartbeat would.
    if (group !== undefined && (group.is('Stable') || group.is('PreparingRebalance')) && group.has(memberId)) {
      this.#rb.resetHeartbeat(group.member(memberId));
    }
    const now = this.#rb.now();
    const accepted = new Map<string, OffsetCommitEntry>();
    const errors = new Map<string, number>();
    for (const t of req.topics) {
      for (const p of t.partitions) {
        const key = `${p.partitionIndex}:${t.name}`;
        const metadata = p.committedMetadata ?? '';
        if (metadata.length > this.#config.offsetMetadataMaxBytes) errors.set(key, E.OFFSET_METADATA_TOO_LARGE);
        else if (this.#config.topicExists?.(t.name, p.partitionIndex) === false) errors.set(key, E.UNKNOWN_TOPIC_OR_PARTITION);
        else {
          const ts = p.commitTimestamp === undefined ? -1 : Number(p.commitTimestamp);
          accepted.set(key, {
            type: 'offset',
            groupId: req.groupId,
            topic: t.name,
            partition: p.partitionIndex,
            offset: BigInt(p.committedOffset),
            leaderEpoch: p.committedLeaderEpoch ?? -1,
            metadata,
            commitTimestamp: ts >= 0 ? ts : now,
          });
        }
      }
    }
    if (accepted.size > 0) {
      try {
        this.#store.append([...accepted.values()]);
        for (const e of accepted.values()) this.#table.put(e);
      } catch {
        for (const key of accepted.keys()) errors.set(key, E.COORDINATOR_NOT_AVAILABLE);
      }
    }
    return commitResponse(req, (topic, partition) => errors.get(`${partition}:${topic}`) ?? E.NONE);
  }

  #validateCommit(groupId: string, generationId: number, memberId: string, instanceId: string | null, version: number): number {
    if (this.#config.isClosed()) return E.COORDINATOR_NOT_AVAILABLE;
    // The empty group id "" is a group like any other here, as Kafka keeps it for old clients.
    let group = this.#rb.groups.get(groupId);
    if (group !== undefined) this.#rb.fireDue(group);
    if (group === undefined) {
      if (generationId >= 0) {
        return version >= FIRST_COMMIT_VERSION_WITH_GROUP_NOT_FOUND ? E.GROUP_ID_NOT_FOUND : E.ILLEGAL_GENERATION;
      }
      // Generation -1: a consumer managing its own partitions (or an admin tool) creates a
      // "simple" group that only holds offsets.
      group = this.#rb.getOrCreate(groupId);
    }
    if (group.is('Dead')) return E.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && group.is('Empty')) return E.NONE;
    if (generationId >= 0 || memberId !== '' || instanceId !== null) {
      const err = group.validateMember(memberId, instanceId);
      if (err !== E.NONE) return err;
      if (generationId !== group.generationId) return E.ILLEGAL_GENERATION;
    } else {
      // Anonymous commits would overwrite what the group's members commit.
      return E.UNKNOWN_MEMBER_ID;
    }
    // Valid member, but the assignment is not out yet: let it finish the rebalance first.
    if (group.is('CompletingRebalance')) return E.REBALANCE_IN_PROGRESS;
    return E.NONE;
  }

  fetch(req: OffsetFetchRequest, version: number): OffsetFetchResponse {
    const requireStable = req.requireStable ?? false;
    if (version >= FIRST_FETCH_VERSION_WITH_GROUPS) {
      const groups = (req.groups ?? []).map((g) => this.#fetchGroup(g.groupId, g.topics, requireStable));
      return { throttleTimeMs: 0, topics: [], errorCode: E.NONE, groups };
    }
    const g = this.#fetchGroup(req.groupId ?? '', req.topics ?? null, requireStable);
    if (version < FIRST_FETCH_VERSION_WITH_TOP_LEVEL_ERROR && g.errorCode !== E.NONE) {
      for (const t of g.topics) for (const p of t.partitions) p.errorCode = g.errorCode;
    }
    return { throttleTimeMs: 0, topics: g.topics, errorCode: g.errorCode, groups: [] };
  }

  #fetchGroup(groupId: string, topics: OffsetFetchRequestTopic[] | null, requireStable: boolean): OffsetFetchResponseGroup {
    const errorCode = this.#config.isClosed() ? E.COORDINATOR_NOT_AVAILABLE : E.NONE;
    if (errorCode !== E.NONE) {
      const out = (topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((i) => missing(i, errorCode)) }));
      return { groupId, topics: out, errorCode };
    }
    const read = (topic: string, partition: number): OffsetFetchResponsePartition => {
      if (requireStable && this.#config.hasPendingTxnOffset(groupId, topic, partition)) return missing(partition, E.UNSTABLE_OFFSET_COMMIT);
      const e = this.#table.get(groupId, topic, partition);
      if (e === undefined) return missing(partition, E.NONE);
      return { partitionIndex: partition, committedOffset: e.offset, committedLeaderEpoch: e.leaderEpoch, metadata: e.metadata ?? '', errorCode: E.NONE };
    };
    let out: OffsetFetchResponseTopic[];
    if (topics === null) {
      out = [...this.#table.topics(groupId).entries()].map(([name, parts]) => ({
        name,
        partitions: [...parts.keys()].sort((a, b) => a - b).map((i) => read(name, i)),
      }));
    } else {
      out = topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((i) => read(t.name, i)) }));
    }
    return { groupId, topics: out, errorCode: E.NONE };
  }
}

/** Unknown partitions answer offset -1 with no error, like Kafka. */
function missing(partitionIndex: number, errorCode: number): OffsetFetchResponsePartition {
  return { partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode };
}

function commitResponse(req: OffsetCommitRequest, errorOf: (topic: string, partition: number) => number): OffsetCommitResponse {
  const topics: OffsetCommitResponseTopic[] = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errorOf(t.name, p.partitionIndex) })),
  }));
  return { throttleTimeMs: 0, topics };
}
