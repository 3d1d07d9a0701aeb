import type { BytesConsumer, KafkaClients, KafkaConnection, PartitionOffset } from '../../../core/kafka-clients.ts';
import { InputStatus, type ReaderOutput, type SourcePositions, type SourceReader, type SourceReaderContext, type SplitProgress } from '../../../core/source.ts';
import type { RepartitionTopic } from '../../../runtime/graph/repartition.ts';
import { computeKeyGroupRangeForOperatorIndex } from '../../../runtime/partitioning/key-groups.ts';
import { logger } from '../../../util/logger.ts';
import { KafkaConnectorError } from '../../../core/errors/kafka-errors.ts';
import { SluiceErrorCodes } from '../../../core/errors/codes.ts';
import { decodeTime, HEADER_MARKER, HEADER_TIMESTAMP, HEADER_WRITER, type ExchangeSerde } from './exchange-records.ts';
import { ExchangeWatermarks, type ExchangeWatermarkState } from './exchange-watermarks.ts';
import { FetchLoop, nextBatch, type FetchedChunk, type PartitionState } from '../fetch-loop.ts';
import { resolveStartingOffsets, tpKey } from '../offsets.ts';
import { ensureRepartitionTopic } from './repartition-topic-setup.ts';
import { BroadcastConsumption, type PurgeBound } from './broadcast-consumption.ts';

/** What a repartition reader puts in checkpoints: next offset per partition and the watermark of every channel heard from. */
export interface RepartitionReaderState {
  readonly offsets: ReadonlyArray<readonly [partition: number, offset: string]>;
  readonly watermarks: ExchangeWatermarkState;
}

const IS_CONTROL = 0x20;
const RECORDS_PER_POLL = 256;

/**
 * The downstream end of a repartition topic for one receiving subtask: reads the partitions of
 * the subtask's key-group range, read_committed (under exactly-once the writers' records appear
 * when their checkpoint's transaction commits), turns data records back into values with their
 * event timestamps, and markers into the reader's watermark and idleness
 * ({@link ExchangeWatermarks}). Offsets and per-channel watermarks are its checkpoint state; the
 * offsets are committed with the checkpoint (exactly-once: in the worker's transaction), after
 * which the consumed records are deleted (DeleteRecords) so the topic stays small.
 */
export class RepartitionReader implements SourceReader<unknown> {
  readonly #topic: RepartitionTopic;
  readonly #serde: ExchangeSerde<unknown>;
  readonly #ctx: SourceReaderContext;
  #restored: RepartitionReaderState | undefined;
  readonly #partitions = new Map<string, PartitionState>();
  readonly #queue: FetchedChunk[] = [];
  readonly #pending = new Map<number, PartitionOffset[]>();
  readonly #purged = new Map<number, bigint>();
  /** DeleteRecords requests not answered yet: close() waits for them (the last checkpoint's too). */
  readonly #purging = new Set<Promise<void>>();
  #connection!: KafkaConnection;
  #clients!: KafkaClients;
  #consumer: BytesConsumer | undefined;
  /** A broadcast topic's reader: how it takes part in purging the topic (broadcast-consumption.ts). */
  #broadcast: BroadcastConsumption | undefined;
  #loop: FetchLoop | undefined;
  #loopDone: Promise<void> = Promise.resolve();
  #watermarks!: ExchangeWatermarks;
  #output: ReaderOutput<unknown> | undefined;
  #error: Error | undefined;
  #waiter: (() => void) | undefined;

  constructor(topic: RepartitionTopic, serde: ExchangeSerde<unknown>, ctx: SourceReaderContext, restored?: RepartitionReaderState) {
    this.#topic = topic;
    this.#serde = serde;
    this.#ctx = ctx;
    this.#restored = restored;
  }

  async start(): Promise<void> {
    const topic = this.#topic;
    if (this.#ctx.kafka === undefined) throw new TypeError('a repartition reader runs only inside a Sluice worker');
    this.#connection = await topic.connection();
    this.#clients = this.#ctx.kafka.clients(this.#connection);
    await ensureRepartitionTopic(this.#clients, topic);
    if (topic.broadcast) {
      const b = (this.#broadcast = new BroadcastConsumption(topic, this.#ctx.subtaskIndex, this.#clients, this.#ctx.clock));
      this.#restored ??= (await b.inherit()) as RepartitionReaderState | undefined;
      const position = this.#restored?.offsets.find(([p]) => p === 0)?.[1];
      if (position !== undefined) await b.checkResumable(BigInt(position));
    }
    // A broadcast reader reads every partition; the others the partitions of their key-group range.
    const range = topic.broadcast ? { start: 0, size: topic.partitions } : computeKeyGroupRangeForOperatorIndex(topic.partitions, topic.readers, this.#ctx.subtaskIndex);
    const owned = Array.from({ length: range.size }, (_, i) => range.start + i);
    this.#watermarks = new ExchangeWatermarks(owned, topic.writers, {
      onWatermark: (w) => this.#output?.emitWatermark(w),
      onIdle: (idle) => (idle ? this.#output?.markIdle() : this.#output?.markActive()),
    });
    const c = (this.#consumer = this.#clients.consumer(`repartition-${this.#ctx.subtaskIndex}`, topic.jobId));
    const restored = new Map((this.#restored?.offsets ?? []).map(([p, o]) => [p, BigInt(o)]));
    const tps = owned.filter((p) => !restored.has(p)).map((partition) => ({ topic: topic.topic, partition }));
    // No checkpoint: the job group's committed offsets, else the beginning (a broadcast reader's
    // offsets are its own, never committed to the group: from the beginning).
    const starts = topic.broadcast ? new Map<string, bigint>() : await resolveStartingOffsets(c, tps, 'committed', 'earliest', true);
    for (const partition of owned) {
      const start = restored.get(partition) ?? starts.get(tpKey(topic.topic, partition)) ?? 0n;
      this.#partitions.set(tpKey(topic.topic, partition), { topic: topic.topic, partition, splitId: `${topic.topic}-${partition}`, position: start, fetchOffset: start, stop: undefined, finished: false });
    }
    this.#loop = new FetchLoop({
      consumer: c,
      partitions: () => this.#partitions.values(),
      fetch: { maxWaitTime: 100, minBytes: 1, maxBytes: 52_428_800, partitionMaxBytes: 1_048_576 },
      readCommitted: true,
      fallback: 'earliest',
      maxBuffered: 100_000,
      onChunk: (chunk) => {
        this.#queue.push(chunk);
        this.#notify();
      },
      onError: (e) => {
        this.#error ??= e;
        this.#notify();
      },
    });
    this.#loopDone = this.#loop.run();
  }

  pollNext(output: ReaderOutput<unknown>): InputStatus {
    if (this.#error !== undefined) throw this.#error;
    if (this.#output === undefined) {
      this.#output = output;
      // The watermarks of the checkpoint this reader restored from.
      if (this.#restored !== undefined) this.#watermarks.restore(this.#restored.watermarks);
    }
    if (this.#watermarks.ended()) return InputStatus.END_OF_INPUT;
    const chunk = this.#queue[0];
    if (chunk === undefined) return InputStatus.NOTHING_AVAILABLE;
    this.#emit(chunk, output);
    return this.#queue.length > 0 || this.#watermarks.ended() ? InputStatus.MORE_AVAILABLE : InputStatus.NOTHING_AVAILABLE;
  }

  #emit(chunk: FetchedChunk, output: ReaderOutput<unknown>): void {
    const ps = chunk.ps;
    let budget = RECORDS_PER_POLL;
    let consumed = 0;
    while (budget > 0 && chunk.bi < chunk.batches.length) {
      const batch = chunk.batches[chunk.bi]!;
      const records = batch.records;
      const control = (batch.attributes & IS_CONTROL) !== 0;
      while (budget > 0 && chunk.ri < records.length) {
        const r = records[chunk.ri++]!;
        budget--;
        consumed++;
        if (control) continue;
        const offset = batch.firstOffset + BigInt(r.offsetDelta);
        if (offset < ps.position) continue;
        ps.position = offset + 1n;
        let marker: Buffer | undefined;
        let writer: Buffer | undefined;
        let time: Buffer | undefined;
        for (const [k, v] of r.headers) {
          if (k === null || v === null) continue;
          if (k.equals(HEADER_TIMESTAMP)) time = v;
          else if (k.equals(HEADER_MARKER)) marker = v;
          else if (k.equals(HEADER_WRITER)) writer = v;
        }
        if (marker !== undefined) {
          if (writer !== undefined) this.#watermarks.update(ps.partition, writer.toString('utf8'), marker.toString('latin1') as 'w' | 'i' | 'a', decodeTime(time));
          continue;
        }
        output.collect(this.#deserialize(r.value ?? Buffer.alloc(0), ps.partition, offset), decodeTime(time));
      }
      if (chunk.ri >= records.length) {
        const next = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
        if (next > ps.position) ps.position = next;
        nextBatch(chunk);
      }
    }
    if (chunk.bi >= chunk.batches.length) this.#queue.shift();
    this.#loop!.consumed(consumed);
  }

  #deserialize(bytes: Buffer, partition: number, offset: bigint): unknown {
    try {
      return this.#serde.deserialize(bytes);
    } catch (e) {
      throw new KafkaConnectorError(
        SluiceErrorCodes.KAFKA_SOURCE,
        `the exchange serde could not deserialize the record at offset ${offset} of ${this.#topic.topic}/${partition}; the writer and reader of an exchange must use the same serde (withExchangeSerde), and a serde must read back what it wrote`,
        e,
      );
    }
  }

  isAvailable(): Promise<void> {
    if (this.#queue.length > 0 || this.#error !== undefined) return Promise.resolve();
    return new Promise<void>((resolve) => (this.#waiter = resolve));
  }

  #notify(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }

  snapshotState(checkpointId: number): RepartitionReaderState {
    const parts = [...this.#partitions.values()];
    this.#pending.set(
      checkpointId,
      parts.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.position, leaderEpoch: -1 })),
    );
    return { offsets: parts.map((p) => [p.partition, String(p.position)] as const), watermarks: this.#watermarks.snapshot() };
  }

  /** Committed to the job's group (exactly-once: with its generation, inside the worker's transaction). */
  positionsToCommit(checkpointId: number): SourcePositions | undefined {
    if (this.#topic.broadcast) return undefined; // every reader has its own position in the same partitions: kept in the checkpoint only
    const offsets = this.#pending.get(checkpointId);
    if (offsets === undefined || offsets.length === 0) return undefined;
    return { connection: this.#connection, group: { groupId: this.#topic.jobId, generationId: -1, memberId: '', groupInstanceId: null }, offsets };
  }

  /** The checkpoint committed: what it consumed is deleted from the topic (it is never read again). */
  notifyCheckpointComplete(checkpointId: number): void {
    const offsets = this.#pending.get(checkpointId);
    for (const id of this.#pending.keys()) if (id <= checkpointId) this.#pending.delete(id);
    if (offsets === undefined) return;
    // A broadcast topic: only below what every reader subtask consumed.
    if (this.#broadcast !== undefined) this.#broadcast.completed(offsets, (bounds) => this.#purge(bounds));
    else this.#purge(offsets);
  }

  #purge(consumed: readonly PurgeBound[]): void {
    const purge = consumed.filter((o) => o.offset > (this.#purged.get(o.partition) ?? 0n));
    if (purge.length === 0) return;
    const purging: Promise<void> = this.#clients
      .admin()
      .deleteRecords({ topics: [{ name: this.#topic.topic, partitions: purge.map((o) => ({ partition: o.partition, offset: o.offset })) }] })
      .then(() => {
        for (const o of purge) if (o.offset > (this.#purged.get(o.partition) ?? 0n)) this.#purged.set(o.partition, o.offset);
      })
      .catch((e: unknown) => logger.debug({ err: e, topic: this.#topic.topic }, 'purging consumed repartition records failed; the next checkpoint tries again'))
      .finally(() => this.#purging.delete(purging));
    this.#purging.add(purging);
  }

  splitProgress(): SplitProgress[] {
    return [...this.#partitions.values()].map((p) => ({ splitId: p.splitId, topic: p.topic, partition: p.partition, position: Number(p.position), ...(p.endOffset !== undefined && { end: Number(p.endOffset) }) }));
  }

  async close(): Promise<void> {
    this.#loop?.stop();
    await this.#broadcast?.close();
    await Promise.all(this.#purging);
    if (this.#consumer !== undefined) {
      await this.#consumer.close(true).catch(() => {});
      this.#clients.release(this.#consumer);
    }
    this.#loopDone.catch(() => {});
  }
}
