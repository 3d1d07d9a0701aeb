import type { Consumer, ClusterMetadata } from '@platformatic/kafka';
import { setTimeout as sleep } from 'node:timers/promises';
import { SluiceErrorCodes } from '../../core/errors/codes.ts';
import { logger } from '../../util/logger.ts';
import { KafkaConnectorError } from '../../core/errors/kafka-errors.ts';
import { kafkaClientLibrary } from '../../kafka/client-library.ts';
import { resetOffset } from './offsets.ts';
import type { OffsetResetStrategy } from './source-config.ts';
import type { CodecFetchedPartition } from './fetch-request.ts';
import type { FetchedBatch } from './fetched-batches.ts';

/** Sluice's Fetch exchange and batch reader (src/protocol), loaded with the first fetch: `import 'sluice'` does not load the codec. */
type FetchCodec = typeof import('./fetch-codec.ts');
let fetchCodec: Promise<FetchCodec> | undefined;
const loadFetchCodec = (): Promise<FetchCodec> => (fetchCodec ??= import('./fetch-codec.ts'));

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
  /** Emitted batches are replaced by an empty one ({@link nextBatch}). */
  readonly batches: FetchedBatch[];
  records: number;
  /** Emission cursor: batch index, record index in that batch. */
  bi: number;
  ri: number;
}

const EMITTED: FetchedBatch = Object.freeze({ firstOffset: 0n, lastOffsetDelta: 0, firstTimestamp: 0, maxTimestamp: 0, attributes: 0, producerId: -1n, records: Object.freeze([]) });

/**
 * The reader emitted the chunk's current batch: on to the next one, and the emitted batch (its
 * decoded records) is let go at once rather than with the whole chunk — a chunk of a large fetch
 * lasts long enough for its records to survive young-generation collections otherwise.
 */
export function nextBatch(chunk: FetchedChunk): void {
  chunk.batches[chunk.bi++] = EMITTED;
  chunk.ri = 0;
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
    const codec = await loadFetchCodec();
    const topics = [...new Set(active.map((p) => p.topic))];
    if (this.#metadata === undefined || topics.some((t) => !this.#metadata!.topics.has(t))) {
      this.#metadata = await c.metadata({ topics, forceUpdate: true });
    }
    const md = this.#metadata;
    const byNode = new Map<number, Map<string, PartitionState[]>>();
    for (const p of active) {
      const leader = md.topics.get(p.topic)?.partitions[p.partition]?.leader;
      if (leader === undefined || leader < 0) {
        this.#metadata = undefined;
        continue;
      }
      const topicsOfNode = byNode.get(leader) ?? byNode.set(leader, new Map()).get(leader)!;
      (topicsOfNode.get(p.topic) ?? topicsOfNode.set(p.topic, []).get(p.topic)!).push(p);
    }
    if (byNode.size === 0) {
      await sleep(100);
      return;
    }
    const f = this.#o.fetch;
    await Promise.all(
      [...byNode].map(async ([node, byTopic]) => {
        const requested = new Map<string, PartitionState>();
        const request = [...byTopic].map(([name, ps]) => ({
          name,
          partitions: ps.map((p) => {
            requested.set(`${name}:${p.partition}`, p);
            return { partition: p.partition, fetchOffset: p.fetchOffset, partitionMaxBytes: f.partitionMaxBytes, currentLeaderEpoch: -1 };
          }),
        }));
        const response = await codec.fetchWithCodec(kafkaClientLibrary(), c, md, { node, topics: request, maxWaitMs: f.maxWaitTime, minBytes: f.minBytes, maxBytes: f.maxBytes, readCommitted: this.#o.readCommitted });
        await this.#handle(codec, response, requested);
      }),
    );
  }

  async #handle(codec: FetchCodec, response: CodecFetchedPartition[], requested: Map<string, PartitionState>): Promise<void> {
    for (const part of response) {
      const ps = requested.get(`${part.topic}:${part.partition}`);
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
      // A corrupt batch: found here (CRC, framing), or when the reader decodes its records.
      const corrupt = (e: Error): KafkaConnectorError => new KafkaConnectorError(SluiceErrorCodes.KAFKA_SOURCE, `reading ${ps.topic}/${ps.partition}: ${e.message}`, undefined);
      let read;
      try {
        read = codec.readFetchedBatches(part.records, ps.fetchOffset, this.#o.readCommitted ? part.abortedTransactions : null, corrupt);
      } catch (e) {
        if (!(e instanceof codec.CorruptBatchError)) throw e;
        throw corrupt(e);
      }
      if (read.next <= ps.fetchOffset) continue;
      ps.fetchOffset = read.next;
      if (read.batches.length === 0) continue; // only aborted data: nothing to emit, the next fetch starts after it
      this.#buffered += read.records;
      this.#o.onChunk({ ps, batches: read.batches, records: read.records, bi: 0, ri: 0 });
    }
  }
}
