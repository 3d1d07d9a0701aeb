import { setTimeout as sleep } from 'node:timers/promises';
import { kafkaClientLibrary } from './client-library.ts';
import { KAFKA_SUBSTRATE_CODES, KafkaRequestError } from './errors.ts';
import type { TopicPartition } from './group-protocol.ts';
import { CoordinatorType, type KafkaWire } from './wire.ts';

/** A committed position: the next offset to read, with the metadata string committed beside it. */
export interface CommittedOffset {
  readonly offset: bigint;
  readonly leaderEpoch: number;
  readonly metadata: string | null;
}

const UNSTABLE_OFFSET_COMMIT = 88;
const COORDINATOR_MOVED = new Set([14, 15, 16]);

interface PartitionAnswer {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

/**
 * OffsetFetch with require_stable (v7+, KIP-447): Kafka answers UNSTABLE_OFFSET_COMMIT for a
 * partition whose offsets are pending in an open transaction; then wait and ask again (the
 * transaction commits, aborts, or times out), up to `timeoutMs`. Keys are `topic:partition`;
 * partitions without a committed offset are absent.
 */
export async function fetchStableOffsets(wire: KafkaWire, groupId: string, partitions: readonly TopicPartition[], timeoutMs: number): Promise<Map<string, CommittedOffset>> {
  const out = new Map<string, CommittedOffset>();
  if (partitions.length === 0) return out;
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) (byTopic.get(topic) ?? byTopic.set(topic, []).get(topic)!).push(partition);
  const topics = [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
  const target = { coordinator: CoordinatorType.GROUP, key: groupId } as const;
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    const response = await wire.call(kafkaClientLibrary().offsetFetchV9.api, target, { minVersion: 7, partial: true }, [{ groupId, memberId: null, memberEpoch: -1, topics }], true);
    // v7 answers one group at the top level; v8+ per group.
    const group = response.groups.find((g) => g.groupId === groupId) ?? { errorCode: (response as { errorCode?: number }).errorCode ?? 0, topics: (response as { topics?: typeof response.groups[0]['topics'] }).topics ?? [] };
    let unstable = group.errorCode === UNSTABLE_OFFSET_COMMIT;
    if (COORDINATOR_MOVED.has(group.errorCode)) {
      wire.forgetCoordinator(CoordinatorType.GROUP, groupId);
      unstable = true;
    } else if (group.errorCode !== 0 && !unstable) {
      throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, `fetching the committed offsets of group '${groupId}' failed with Kafka error ${group.errorCode}`);
    }
    if (!unstable) {
      out.clear();
      for (const t of group.topics) {
        for (const p of t.partitions as PartitionAnswer[]) {
          if (p.errorCode === UNSTABLE_OFFSET_COMMIT) unstable = true;
          else if (p.errorCode !== 0) {
            throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, `fetching the committed offset of ${t.name}/${p.partitionIndex} (group '${groupId}') failed with Kafka error ${p.errorCode}`);
          } else if (p.committedOffset >= 0n) out.set(`${t.name}:${p.partitionIndex}`, { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.metadata });
        }
      }
    }
    if (!unstable) return out;
    if (waited >= timeoutMs) {
      throw new KafkaRequestError(
        KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST,
        `the committed offsets of group '${groupId}' stayed pending in an open transaction (UNSTABLE_OFFSET_COMMIT) for ${waited} ms; ` +
          `another worker's transaction has not finished — it ends at the latest after its transaction timeout`,
      );
    }
    const pause = Math.min(50 * attempt, 500);
    await sleep(pause);
    waited += pause;
  }
}
