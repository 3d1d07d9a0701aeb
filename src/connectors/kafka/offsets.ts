import type { Consumer } from '@platformatic/kafka';
import { KafkaConnectorError } from '../../core/errors/kafka-errors.ts';
import type { OffsetResetStrategy, PartitionOffsets, StartingOffsets, StoppingOffsets } from './source-config.ts';
import { SluiceErrorCodes } from '../../core/errors/codes.ts';

/** A topic partition. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}
export const tpKey = (topic: string, partition: number): string => `${topic}:${partition}`;

const EARLIEST = -2n;
const LATEST = -1n;

/** Offsets by timestamp (-2 earliest, -1 latest, else ms) for the partitions; -1 where none. */
export async function listOffsets(consumer: Consumer, tps: readonly TopicPartition[], timestamp: bigint, readCommitted: boolean): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  const topics = [...new Set(tps.map((t) => t.topic))];
  if (topics.length === 0) return out;
  const result = await consumer.listOffsets({ topics, timestamp, isolationLevel: readCommitted ? 1 : 0 });
  for (const { topic, partition } of tps) {
    const off = result.get(topic)?.[partition];
    out.set(tpKey(topic, partition), off ?? -1n);
  }
  return out;
}

/** The group's committed offsets; partitions without one are absent. */
export async function committedOffsets(consumer: Consumer, tps: readonly TopicPartition[]): Promise<Map<string, bigint>> {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of tps) (byTopic.get(topic) ?? byTopic.set(topic, []).get(topic)!).push(partition);
  const out = new Map<string, bigint>();
  if (byTopic.size === 0) return out;
  const topics = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
  const result = await consumer.listCommittedOffsets({ topics });
  for (const { topic, partitions } of topics) {
    const offs = result.get(topic) ?? [];
    partitions.forEach((p, i) => {
      const o = offs[i];
      if (o !== undefined && o >= 0n) out.set(tpKey(topic, p), o);
    });
  }
  return out;
}

function explicit(offsets: PartitionOffsets, tp: TopicPartition): bigint | undefined {
  const o = offsets[tp.topic]?.[tp.partition];
  return o === undefined ? undefined : BigInt(o);
}

/** Where each partition starts, per the `startingOffsets` setting. */
export async function resolveStartingOffsets(
  consumer: Consumer,
  tps: readonly TopicPartition[],
  starting: StartingOffsets,
  fallback: OffsetResetStrategy,
  readCommitted: boolean,
): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  if (tps.length === 0) return out;
  let missing: TopicPartition[] = [...tps];
  let missingStrategy: OffsetResetStrategy = fallback;
  if (starting === 'earliest' || starting === 'latest') {
    missingStrategy = starting;
  } else if (starting === 'committed' || 'committed' in starting) {
    if (typeof starting === 'object') missingStrategy = starting.committed;
    const committed = await committedOffsets(consumer, tps);
    for (const [k, v] of committed) out.set(k, v);
    missing = tps.filter((tp) => !committed.has(tpKey(tp.topic, tp.partition)));
  } else if ('timestamp' in starting) {
    const byTime = await listOffsets(consumer, tps, BigInt(Math.floor(starting.timestamp)), readCommitted);
    missing = [];
    const none: TopicPartition[] = [];
    for (const tp of tps) {
      const o = byTime.get(tpKey(tp.topic, tp.partition)) ?? -1n;
      if (o >= 0n) out.set(tpKey(tp.topic, tp.partition), o);
      else none.push(tp);
    }
    // No record at or after the time: start at the end.
    for (const [k, v] of await listOffsets(consumer, none, LATEST, readCommitted)) out.set(k, v);
  } else {
    missingStrategy = starting.fallback ?? 'earliest';
    missing = [];
    for (const tp of tps) {
      const o = explicit(starting.offsets, tp);
      if (o === undefined) missing.push(tp);
      else out.set(tpKey(tp.topic, tp.partition), o);
    }
  }
  if (missing.length > 0) {
    if (missingStrategy === 'fail') {
      throw new KafkaConnectorError(
        SluiceErrorCodes.KAFKA_SOURCE,
        `no starting offset for ${missing.map((t) => `${t.topic}/${t.partition}`).join(', ')} and the fallback is 'fail' (auto.offset.reset=none); set startingOffsets or auto.offset.reset to 'earliest' or 'latest'`,
      );
    }
    for (const [k, v] of await listOffsets(consumer, missing, missingStrategy === 'earliest' ? EARLIEST : LATEST, readCommitted)) out.set(k, v);
  }
  return out;
}

/** Where each partition stops (exclusive), per the `bounded` setting. */
export async function resolveStoppingOffsets(consumer: Consumer, tps: readonly TopicPartition[], stopping: StoppingOffsets, readCommitted: boolean): Promise<Map<string, bigint>> {
  if (stopping === true || stopping === 'latest') return listOffsets(consumer, tps, LATEST, readCommitted);
  if ('timestamp' in stopping) {
    const byTime = await listOffsets(consumer, tps, BigInt(Math.floor(stopping.timestamp)), readCommitted);
    const ends = await listOffsets(consumer, tps, LATEST, readCommitted);
    for (const [k, v] of byTime) if (v < 0n) byTime.set(k, ends.get(k) ?? 0n);
    return byTime;
  }
  const out = new Map<string, bigint>();
  const ends = await listOffsets(consumer, tps, LATEST, readCommitted);
  // Partitions not listed are read to the end offsets seen at start.
  for (const tp of tps) out.set(tpKey(tp.topic, tp.partition), explicit(stopping.offsets, tp) ?? ends.get(tpKey(tp.topic, tp.partition)) ?? 0n);
  return out;
}

/** The earliest or latest offset of one partition (offset out of range, new partitions). */
export async function resetOffset(consumer: Consumer, tp: TopicPartition, strategy: 'earliest' | 'latest', readCommitted: boolean): Promise<bigint> {
  const m = await listOffsets(consumer, [tp], strategy === 'earliest' ? EARLIEST : LATEST, readCommitted);
  return m.get(tpKey(tp.topic, tp.partition)) ?? 0n;
}
