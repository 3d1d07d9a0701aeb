import * as E from './error-codes.ts';
import type { ClassicGroup } from './group.ts';
import type { OffsetLogEntry } from './offset-log.ts';
import type { OffsetTable } from './offset-table.ts';

/** OffsetDelete request and response bodies (api key 47, v0). */
export interface OffsetDeleteRequest {
  groupId: string;
  topics: Array<{ name: string; partitions: Array<{ partitionIndex: number }> }>;
}

export interface OffsetDeleteResponse {
  errorCode: number;
  throttleTimeMs: number;
  topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }>;
}

export interface OffsetDeleteDeps {
  group: ClassicGroup | undefined;
  table: OffsetTable;
  /** Persists tombstones; false when the store failed. */
  append: (entries: OffsetLogEntry[]) => boolean;
  topicExists: (topic: string, partition: number) => boolean;
  closed: boolean;
}

/**
 * The topics a consumer group's members subscribe to, read from their ConsumerProtocolSubscription
 * metadata (version int16, then an array of topic names); null when any member's does not decode.
 */
export function subscribedTopics(group: ClassicGroup): Set<string> | null {
  const topics = new Set<string>();
  for (const member of group.members.values()) {
    const m = member.metadata(group.protocolName);
    try {
      let pos = 2; // version
      const count = m.readInt32BE(pos);
      pos += 4;
      if (count < 0 || count > m.length) return null;
      for (let i = 0; i < count; i++) {
        const len = m.readInt16BE(pos);
        pos += 2;
        if (len < 0 || pos + len > m.length) return null;
        topics.add(m.toString('utf8', pos, pos + len));
        pos += len;
      }
    } catch {
      return null;
    }
  }
  return topics;
}

/**
 * Kafka's OffsetDelete: an empty group's offsets are deleted; in a group with members using the
 * consumer protocol, offsets of topics the group subscribes to are refused with
 * GROUP_SUBSCRIBED_TO_TOPIC and the others deleted; any other group with members is
 * NON_EMPTY_GROUP. Unknown partitions answer UNKNOWN_TOPIC_OR_PARTITION.
 */
export function deleteOffsets(req: OffsetDeleteRequest, deps: OffsetDeleteDeps): OffsetDeleteResponse {
  const perPartition = new Map<string, number>();
  const key = (t: string, p: number) => `${p}:${t}`;
  const candidates: Array<{ topic: string; partition: number }> = [];
  for (const t of req.topics) {
    for (const p of t.partitions) {
      if (!deps.topicExists(t.name, p.partitionIndex)) perPartition.set(key(t.name, p.partitionIndex), E.UNKNOWN_TOPIC_OR_PARTITION);
      else candidates.push({ topic: t.name, partition: p.partitionIndex });
    }
  }
  const respond = (errorCode: number): OffsetDeleteResponse => ({
    errorCode,
    throttleTimeMs: 0,
    topics: req.topics
      .map((t) => ({
        name: t.name,
        partitions: t.partitions
          .filter((p) => perPartition.has(key(t.name, p.partitionIndex)))
          .map((p) => ({ partitionIndex: p.partitionIndex, errorCode: perPartition.get(key(t.name, p.partitionIndex))! })),
      }))
      .filter((t) => t.partitions.length > 0),
  });
  const { group } = deps;
  if (deps.closed) return respond(E.COORDINATOR_NOT_AVAILABLE);
  if (!req.groupId) return respond(E.INVALID_GROUP_ID);
  if (group === undefined || group.is('Dead')) return respond(E.GROUP_ID_NOT_FOUND);
  let deletable = candidates;
  if (!group.is('Empty')) {
    if (group.protocolType !== 'consumer') return respond(E.NON_EMPTY_GROUP);
    const subscribed = subscribedTopics(group);
    // As Kafka: when the subscriptions cannot be read, every topic counts as subscribed.
    const isSubscribed = (topic: string) => subscribed === null || subscribed.has(topic);
    for (const c of candidates) if (isSubscribed(c.topic)) perPartition.set(key(c.topic, c.partition), E.GROUP_SUBSCRIBED_TO_TOPIC);
    deletable = candidates.filter((c) => !isSubscribed(c.topic));
  }
  const present = deletable.filter((c) => deps.table.get(req.groupId, c.topic, c.partition) !== undefined);
  const tombstones: OffsetLogEntry[] = present.map((c) => ({ type: 'offset-tombstone', groupId: req.groupId, topic: c.topic, partition: c.partition }));
  if (tombstones.length > 0 && !deps.append(tombstones)) {
    for (const c of deletable) perPartition.set(key(c.topic, c.partition), E.COORDINATOR_NOT_AVAILABLE);
    return respond(E.NONE);
  }
  for (const c of present) deps.table.delete(req.groupId, c.topic, c.partition);
  for (const c of deletable) perPartition.set(key(c.topic, c.partition), E.NONE);
  return respond(E.NONE);
}
