import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkerConsumer } from './client-supplier.ts';
import { dropAbortedBatches } from './aborted-filter.ts';
import { describeKafkaError } from './error-classification.ts';
import { KAFKA_SUBSTRATE_CODES, KafkaRequestError } from './errors.ts';

type FetchResponse = Awaited<ReturnType<WorkerConsumer['fetch']>>;

/** One committed data record of a partition. */
export interface ReadRecord {
  readonly partition: number;
  readonly offset: bigint;
  readonly timestamp: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export interface ReadToEndOptions {
  /** Start offset per partition (default: the log start). */
  readonly from?: ReadonlyMap<number, bigint>;
  readonly maxBytes?: number;
  /** Called after each fetched chunk with the bytes it held. */
  readonly onChunk?: (records: number, bytes: number) => void;
}

/** An error thrown by the caller's callback: not Kafka's, so never retried. */
class CallbackError extends Error {
  readonly original: unknown;
  constructor(original: unknown) {
    super('record callback failed');
    this.original = original;
  }
}

const CONTROL = 1 << 5;
const OFFSET_OUT_OF_RANGE = 1;
const RETRIABLE = new Set([3, 5, 6, 7, 13, 74, 75]);

/**
 * Reads partitions of a topic read_committed from a start (default: the beginning) up to the last
 * stable offset as it was when the read began, handing every committed data record to `onRecord`
 * in offset order per partition. Aborted transactions and control records are skipped (with
 * Kafka's semantics, even several aborted transactions of one producer in one response).
 * Returns the end offset of each partition (where a reader continues from).
 */
export async function readToEnd(
  consumer: WorkerConsumer,
  topic: string,
  partitions: readonly number[],
  onRecord: (record: ReadRecord) => void,
  options: ReadToEndOptions = {},
): Promise<Map<number, bigint>> {
  const ends = new Map<number, bigint>();
  if (partitions.length === 0) return ends;
  const lso = await consumer.listOffsets({ topics: [topic], partitions: { [topic]: [...partitions] }, timestamp: -1n, isolationLevel: 1 });
  const starts = await consumer.listOffsets({ topics: [topic], partitions: { [topic]: [...partitions] }, timestamp: -2n, isolationLevel: 1 });
  const position = new Map<number, bigint>();
  for (const p of partitions) {
    const end = lso.get(topic)?.[p] ?? 0n;
    const start = starts.get(topic)?.[p] ?? 0n;
    const from = options.from?.get(p);
    ends.set(p, end);
    position.set(p, from !== undefined && from > start ? from : start);
  }
  let failures = 0;
  for (;;) {
    const active = partitions.filter((p) => position.get(p)! < ends.get(p)!);
    if (active.length === 0) return ends;
    try {
      await fetchRound(consumer, topic, active, position, ends, onRecord, options);
      failures = 0;
    } catch (e) {
      if (e instanceof CallbackError) throw e.original;
      if (++failures > 10) throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, `reading '${topic}' to its end keeps failing: ${describeKafkaError(e)}`, e);
      await sleep(Math.min(100 * failures, 1000));
    }
  }
}

/**
 * One read_committed Fetch per leader for `active` partitions from `position`, stopping at `ends`
 * (exclusive) when given; advances `position` past what it handed to `onRecord` and past
 * aborted data and control records.
 */
export async function fetchRound(
  consumer: WorkerConsumer,
  topic: string,
  active: readonly number[],
  position: Map<number, bigint>,
  ends: ReadonlyMap<number, bigint> | undefined,
  onRecord: (record: ReadRecord) => void,
  options: { maxBytes?: number; maxWaitMs?: number; onChunk?: (records: number, bytes: number) => void } = {},
): Promise<void> {
  const md = await consumer.metadata({ topics: [topic] });
  const info = md.topics.get(topic);
  if (info === undefined) throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, `topic '${topic}' does not exist`);
  const byLeader = new Map<number, number[]>();
  for (const p of active) {
    const leader = info.partitions[p]?.leader ?? -1;
    if (leader < 0) throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, `${topic}/${p} has no leader`);
    (byLeader.get(leader) ?? byLeader.set(leader, []).get(leader)!).push(p);
  }
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  await Promise.all(
    [...byLeader].map(async ([node, ps]) => {
      let response: FetchResponse;
      try {
        response = await consumer.fetch({
          node,
          topics: [{ topicId: info.id, partitions: ps.map((p) => ({ partition: p, fetchOffset: position.get(p)!, partitionMaxBytes: maxBytes, currentLeaderEpoch: -1, lastFetchedEpoch: -1 })) }],
          maxWaitTime: options.maxWaitMs ?? 500,
          minBytes: 1,
          maxBytes,
          isolationLevel: 1,
        });
      } catch (e) {
        const partial = (e as { response?: FetchResponse }).response;
        if (partial?.responses === undefined) throw e;
        response = partial;
      }
      // Where each partition continues, from the raw batches (aborted ones included).
      const next = new Map<number, bigint>();
      for (const t of response.responses) {
        for (const part of t.partitions) {
          const last = part.records?.[part.records.length - 1];
          if (last !== undefined) next.set(part.partitionIndex, last.firstOffset + BigInt(last.lastOffsetDelta) + 1n);
        }
      }
      dropAbortedBatches(response);
      for (const t of response.responses) {
        for (const part of t.partitions) {
          const p = part.partitionIndex;
          if (!position.has(p)) continue;
          if (part.errorCode === OFFSET_OUT_OF_RANGE) {
            const earliest = await consumer.listOffsets({ topics: [topic], partitions: { [topic]: [p] }, timestamp: -2n, isolationLevel: 1 });
            position.set(p, earliest.get(topic)?.[p] ?? position.get(p)!);
            continue;
          }
          if (part.errorCode !== 0) {
            if (RETRIABLE.has(part.errorCode)) throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, `${topic}/${p}: retriable Kafka error ${part.errorCode}`);
            throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, `reading ${topic}/${p} failed with Kafka error ${part.errorCode}`);
          }
          const from = position.get(p)!;
          const end = ends?.get(p);
          let records = 0;
          let bytes = 0;
          for (const batch of part.records ?? []) {
            if (batch.attributes & CONTROL) continue;
            for (const r of batch.records) {
              const offset = batch.firstOffset + BigInt(r.offsetDelta);
              if (offset < from || (end !== undefined && offset >= end)) continue;
              records++;
              bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
              try {
                onRecord({ partition: p, offset, timestamp: batch.firstTimestamp + r.timestampDelta, key: r.key, value: r.value });
              } catch (e) {
                throw new CallbackError(e);
              }
            }
          }
          const n = next.get(p);
          if (n !== undefined && n > from) position.set(p, end === undefined || n < end ? n : end);
          if (records > 0) options.onChunk?.(records, bytes);
        }
      }
    }),
  );
}
