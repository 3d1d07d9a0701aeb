import type { Consumer, ClusterMetadata, RecordsBatch } from '@platformatic/kafka';
import { SluiceErrorCodes } from '../../core/errors/codes.ts';

type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;
import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '../../util/logger.ts';
import { KafkaConnectorError } from '../../core/errors/kafka-errors.ts';
import { resetOffset } from './offsets.ts';
import type { OffsetResetStrategy } from './source-config.ts';
import { dropAbortedBatches } from '../../kafka/aborted-filter.ts';

/** Reading state of one assigned partition (a split). */
export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly splitId: string;
  /** Next offset to emit (what a checkpoint records). */
  position: bigint;
  /** Next offset to fetch (ahead of `position` by what is buffered). */
  fetchOffset: bigint;
  /** Exclusive end for bounded sources. */
  stop: bigint | undefined;
  finished: boolean;
  /** Paused by watermark alignment: neither fetched nor emitted until resumed. */
  paused?: boolean;
  /** The partition's end in the last fetch response: high watermark, or last stable offset under read_committed (lag). */
  endOffset?: bigint;
}

/** Fetched batches of one partition, waiting to be emitted. */
export interface FetchedChunk {
  readonly ps: PartitionState;
  readonly batches: RecordsBatch[];
  records: number;
  /** Emission cursor: batch index, record index in that batch. */
  bi: number;
  ri: number;
}

export interface FetchLoopOptions {
  consumer: Consumer;
  partitions: () => Iterable<PartitionState>;
  fetch: { maxWaitTime: number; minBytes: number; maxBytes: number; partitionMaxBytes: number };
  readCommitted: boolean;
  fallback: OffsetResetStrategy;
  /** Stop fetching while this many records are buffered. */
  maxBuffered: number;
  /** Buffered records of paused partitions: they do not count, so the others can still be fetched. */
  heldBack?: () => number;
  onChunk(chunk: FetchedChunk): void;
  onError(error: Error): void;
}

const RETRIABLE = new Set([3, 5, 6, 7, 13, 74, 75]); // unknown topic/partition, leader not available, not leader, timeout, network, fenced/unknown epoch
const OFFSET_OUT_OF_RANGE = 1;

/**
 * The fetch loop of one source reader: one Fetch request per leader at a time for every
 * partition that is neither finished nor past its stop offset, parsed batches handed to
 * `onChunk`. It pauses while the reader has `maxBuffered` records waiting (backpressure).
 */
export class FetchLoop {
  readonly #o: FetchLoopOptions;
  #buffered = 0;
  #running = true;
  #wake: (() => void) | undefined;
  #metadata: ClusterMetadata | undefined;
  #failures = 0;

  constructor(o: FetchLoopOptions) {
    this.#o = o;
  }

  /** The reader emitted `n` buffered records. */
  consumed(n: number): void {
    this.#buffered -= n;
    if (this.#waiting() < this.#o.maxBuffered / 2) this.wake();
  }
  /** Records buffered and not held back by a pause. */
  #waiting(): number {
    return this.#buffered - (this.#o.heldBack?.() ?? 0);
  }
  /** Partitions changed or room appeared. */
  wake(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }
  stop(): void {
    this.#running = false;
    this.wake();
  }
  /** Forget cached leaders (new partitions or topics). */
  invalidateMetadata(): void {
    this.#metadata = undefined;
  }

  async run(): Promise<void> {
    while (this.#running) {
      const active = [...this.#o.partitions()].filter((p) => !p.finished && !p.paused && (p.stop === undefined || p.fetchOffset < p.stop));
      if (active.length === 0 || this.#waiting() >= this.#o.maxBuffered) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        continue;
      }
      try {
        await this.#fetchOnce(active);
        this.#failures = 0;
      } catch (e) {
        if (!this.#running) return;
        this.#failures++;
        this.#metadata = undefined;
        if (this.#failures > 20) {
          this.#o.onError(e instanceof KafkaConnectorError ? e : new KafkaConnectorError(SluiceErrorCodes.KAFKA_SOURCE, 'fetching from Kafka keeps failing', e));
          return;
        }
        logger.warn({ err: e, attempt: this.#failures }, 'KafkaSource fetch failed; retrying');
        await sleep(Math.min(100 * this.#failures, 2000));
      }
    }
  }

  async #fetchOnce(active: PartitionState[]): Promise<void> {
    const c = this.#o.consumer;
    const topics = [...new Set(active.map((p) => p.topic))];
    if (this.#metadata === undefined || topics.some((t) => !this.#metadata!.topics.has(t))) {
      this.#metadata = await c.metadata({ topics, forceUpdate: true });
    }
    const md = this.#metadata;
    const byNode = new Map<number, Map<string, PartitionState[]>>();
    for (const p of active) {
      const t = md.topics.get(p.topic);
      const leader = t?.partitions[p.partition]?.leader;
      if (t === undefined || leader === undefined || leader < 0) {
        this.#metadata = undefined;
        continue;
      }
      const topicsOfNode = byNode.get(leader) ?? byNode.set(leader, new Map()).get(leader)!;
      (topicsOfNode.get(t.id) ?? topicsOfNode.set(t.id, []).get(t.id)!).push(p);
    }
    if (byNode.size === 0) {
      await sleep(100);
      return;
    }
    await Promise.all(
      [...byNode].map(async ([node, byTopic]) => {
        const requested = new Map<string, PartitionState>();
        const request = [...byTopic].map(([topicId, ps]) => ({
          topicId,
          partitions: ps.map((p) => {
            requested.set(`${topicId}:${p.partition}`, p);
            return { partition: p.partition, fetchOffset: p.fetchOffset, partitionMaxBytes: this.#o.fetch.partitionMaxBytes, currentLeaderEpoch: -1, lastFetchedEpoch: -1 };
          }),
        }));
        let response: FetchResponse;
        try {
          response = await c.fetch({ node, topics: request, maxWaitTime: this.#o.fetch.maxWaitTime, minBytes: this.#o.fetch.minBytes, maxBytes: this.#o.fetch.maxBytes, isolationLevel: this.#o.readCommitted ? 1 : 0 });
        } catch (e) {
          const partial = (e as { response?: FetchResponse }).response;
          if (partial?.responses === undefined) throw e;
          response = partial;
        }
        // Consumers of a ClientSupplier filter with Kafka's rule already (aborted-filter.ts); a
        // consumer made elsewhere would get @platformatic/kafka's filter, which mishandles some patterns.
        if (this.#o.readCommitted) dropAbortedBatches(response);
        await this.#handle(response, requested);
      }),
    );
  }

  async #handle(response: FetchResponse, requested: Map<string, PartitionState>): Promise<void> {
    for (const t of response.responses) {
      for (const part of t.partitions) {
        const ps = requested.get(`${t.topicId}:${part.partitionIndex}`);
        if (ps === undefined || ps.finished) continue;
        if (part.errorCode === OFFSET_OUT_OF_RANGE) {
          if (this.#o.fallback === 'fail') {
            throw new KafkaConnectorError(SluiceErrorCodes.KAFKA_SOURCE, `offset ${ps.fetchOffset} of ${ps.topic}/${ps.partition} is out of range and auto.offset.reset is 'none'`);
          }
          const to = await resetOffset(this.#o.consumer, ps, this.#o.fallback, this.#o.readCommitted);
          logger.warn({ topic: ps.topic, partition: ps.partition, from: String(ps.fetchOffset), to: String(to) }, `KafkaSource offset out of range; reset to ${this.#o.fallback}`);
          ps.fetchOffset = ps.position = to;
          continue;
        }
        if (part.errorCode !== 0) {
          if (RETRIABLE.has(part.errorCode)) {
            this.#metadata = undefined;
            continue;
          }
          throw new KafkaConnectorError(SluiceErrorCodes.KAFKA_SOURCE, `fetching ${ps.topic}/${ps.partition} failed with Kafka error code ${part.errorCode}`);
        }
        ps.endOffset = this.#o.readCommitted && part.lastStableOffset >= 0n ? part.lastStableOffset : part.highWatermark;
        const batches = part.records;
        if (!batches || batches.length === 0) continue;
        const last = batches[batches.length - 1]!;
        const next = last.firstOffset + BigInt(last.lastOffsetDelta) + 1n;
        if (next <= ps.fetchOffset) continue;
        ps.fetchOffset = next;
        let records = 0;
        for (const b of batches) records += b.records.length;
        this.#buffered += records;
        this.#o.onChunk({ ps, batches, records, bi: 0, ri: 0 });
      }
    }
  }
}
