import type { PartitionOffset } from '../../../core/kafka-clients.ts';
import type { RepartitionTopic } from '../../../runtime/graph/repartition.ts';

/** Per worker (its Kafka clients), per broadcast topic, per reader subtask: the next offset of each partition as of its last completed checkpoint. */
const consumedByWorker = new WeakMap<object, Map<string, Map<number, Map<number, bigint>>>>();

/**
 * Every reader subtask of a broadcast topic reads all of it, so a record may be deleted only once
 * every one of them consumed it. A worker knows that only when it runs all the readers (one
 * worker, as with `--exchanges kafka`); a worker running some of them purges nothing, as it
 * cannot see how far the others got. Called by each reader when a checkpoint completed with the
 * offsets it committed; returns what may be deleted now (the minimum over the readers, per
 * partition), empty until every reader of the topic reported here.
 */
export function purgeableBroadcast(worker: object, topic: RepartitionTopic, subtask: number, consumed: readonly PartitionOffset[]): Array<{ partition: number; offset: bigint }> {
  const topics = consumedByWorker.get(worker) ?? consumedByWorker.set(worker, new Map()).get(worker)!;
  const readers = topics.get(topic.topic) ?? topics.set(topic.topic, new Map()).get(topic.topic)!;
  readers.set(subtask, new Map(consumed.map((o) => [o.partition, o.offset])));
  if (readers.size < topic.readers) return [];
  const out: Array<{ partition: number; offset: bigint }> = [];
  for (let partition = 0; partition < topic.partitions; partition++) {
    let min: bigint | undefined;
    for (const offsets of readers.values()) {
      const o = offsets.get(partition) ?? 0n;
      if (min === undefined || o < min) min = o;
    }
    if (min !== undefined && min > 0n) out.push({ partition, offset: min });
  }
  return out;
}
