import type { BytesConsumer, GroupMetadata, KafkaClients, KafkaConnection, PartitionOffset } from '../../core/kafka-clients.ts';
import { InputStatus, type ReaderOutput, type SourceOutput, type SourcePositions, type SourceReader, type SourceReaderContext, type SplitProgress } from '../../core/source.ts';
import { logger } from '../../util/logger.ts';
import { subtaskForPartition } from './assignment.ts';
import { DeserializationErrorHandler } from './deserialization-errors.ts';
import { KafkaConnectorError, errorText, isUnknownTopic } from '../../core/errors/kafka-errors.ts';
import { firstContact } from './reachability.ts';
import { FetchLoop, nextBatch, type FetchedChunk, type PartitionState } from './fetch-loop.ts';
import { GroupMembership } from './group-membership.ts';
import { resetOffset, resolveStartingOffsets, resolveStoppingOffsets, tpKey, type TopicPartition } from './offsets.ts';
import type { KafkaConsumerRecord } from './record.ts';
import type { SourceConfig } from './source-config.ts';
import { SluiceErrorCodes } from '../../core/errors/codes.ts';

/** What a KafkaSource reader puts in checkpoints and savepoints: the next offset per partition. */
export interface KafkaSourceState {
  readonly offsets: ReadonlyArray<readonly [topic: string, partition: number, offset: string]>;
}

const IS_CONTROL = 0x20;
const LOG_APPEND_TIME = 0x08;
const RECORDS_PER_POLL = 256;
const NO_HEADERS: ReadonlyArray<readonly [string, Buffer | null]> = Object.freeze([]);

/**
 * Reads the partitions assigned to one source subtask, with a consumer from the worker's clients
 * of the cluster. Each partition is a split with its own watermark output. The reader never
 * commits: it hands each checkpoint's offsets to the checkpoint coordinator (`positionsToCommit`),
 * which commits them to the group once the sinks have made everything before them durable.
 */
export class KafkaSourceReader<T, K> implements SourceReader<T> {
  readonly #cfg: SourceConfig<T, K>;
  readonly #ctx: SourceReaderContext;
  readonly #restored: Map<string, bigint>;
  readonly #connection: KafkaConnection;
  readonly #clients: KafkaClients;
  readonly #partitions = new Map<string, PartitionState>();
  readonly #outputs = new Map<string, SourceOutput<T>>();
  readonly #released = new Set<string>();
  readonly #queue: FetchedChunk[] = [];
  /** Positions of the checkpoints taken and not yet complete, for the coordinator to commit. */
  readonly #pendingCommits = new Map<number, { group: GroupMetadata; offsets: PartitionOffset[]; dlq: Promise<void> }>();
  #consumer!: BytesConsumer;
  #membership: GroupMembership | undefined;
  readonly #revokedSplits: string[] = [];
  #deser!: DeserializationErrorHandler;
  /** What a record deserializer collected for the current record (emitted after it returned). */
  readonly #many: T[] = [];
  readonly #collectMany = { collect: (v: T): void => void this.#many.push(v) };
  #loop!: FetchLoop;
  #loopDone: Promise<void> = Promise.resolve();
  #error: Error | undefined;
  #waiter: (() => void) | undefined;
  #discovery: ReturnType<typeof setInterval> | undefined;
  #idle = false;
  #newSplits = false;

  constructor(cfg: SourceConfig<T, K>, connection: KafkaConnection, clients: KafkaClients, ctx: SourceReaderContext, restored?: KafkaSourceState) {
    this.#cfg = cfg;
    this.#ctx = ctx;
    this.#connection = connection;
    this.#clients = clients;
    this.#restored = new Map((restored?.offsets ?? []).map(([t, p, o]) => [tpKey(t, p), BigInt(o)]));
  }

  async start(): Promise<void> {
    const cfg = this.#cfg;
    this.#consumer = this.#clients.consumer(`source-${this.#ctx.subtaskIndex}`, cfg.groupId ?? `sluice-source-${process.pid}`, {
      clientId: `${cfg.clientId}-${this.#ctx.subtaskIndex}`,
      ...cfg.group,
    });
    this.#deser = new DeserializationErrorHandler(cfg.policy, cfg.deadLetterTopic, () => this.#clients.producer(), this.#ctx.kafka?.transaction?.(this.#connection));
    this.#loop = new FetchLoop({
      consumer: this.#consumer,
      partitions: () => this.#partitions.values(),
      fetch: cfg.fetch,
      readCommitted: cfg.readCommitted,
      fallback: cfg.fallback,
      maxBuffered: 100_000,
      heldBack: () => {
        let n = 0;
        for (const c of this.#queue) if (c.ps.paused) n += c.records;
        return n;
      },
      onChunk: (chunk) => {
        this.#queue.push(chunk);
        this.#notify();
      },
      onError: (e) => this.#fail(e),
    });
    try {
      await firstContact(this.#consumer, cfg.bootstrap, 'KafkaSource');
      if (cfg.group !== undefined) {
        this.#membership = new GroupMembership(this.#consumer, (owned) => this.#reconcile(owned), (e) => this.#fail(e instanceof Error ? e : new Error(String(e))));
        await this.#membership.join(await this.#partitionCounts());
      } else await this.#assign(await this.#discover(), true);
    } catch (e) {
      await this.close();
      if (e instanceof KafkaConnectorError) throw e;
      if (/connect|ECONNREFUSED|ETIMEDOUT|ENOTFOUND/i.test(errorText(e))) {
        throw new KafkaConnectorError(SluiceErrorCodes.KAFKA_UNREACHABLE, `KafkaSource cannot read from ${cfg.bootstrap.join(',')}; is Kafka running there?`, e, { bootstrap: cfg.bootstrap.join(',') });
      }
      throw new KafkaConnectorError(SluiceErrorCodes.KAFKA_SOURCE, `KafkaSource could not start reading ${cfg.topics?.join(', ') ?? String(cfg.pattern)}`, e);
    }
    this.#loopDone = this.#loop.run();
    if (cfg.discoveryMs > 0) {
      let discovering = false;
      this.#discovery = setInterval(() => {
        if (discovering) return; // the previous round still waits for Kafka
        discovering = true;
        (this.#membership !== undefined ? this.#partitionCounts().then((counts) => this.#membership!.update(counts)) : this.#discover().then((tps) => this.#assign(tps, false)))
          .catch((e: unknown) => logger.warn({ err: e }, 'KafkaSource partition discovery failed; retrying at the next interval'))
          .finally(() => (discovering = false));
      }, cfg.discoveryMs);
      this.#discovery.unref();
    }
  }

  /** All partitions of the subscribed topics that belong to this subtask. */
  async #discover(): Promise<TopicPartition[]> {
    const out: TopicPartition[] = [];
    for (const [topic, n] of await this.#partitionCounts()) {
      for (let p = 0; p < n; p++) if (subtaskForPartition(topic, p, this.#ctx.parallelism) === this.#ctx.subtaskIndex) out.push({ topic, partition: p });
    }
    return out;
  }

  /** The subscribed topics (the pattern's matches) and their partition counts. */
  async #partitionCounts(): Promise<Map<string, number>> {
    let topics = this.#cfg.topics;
    if (topics === undefined) {
      topics = (await this.#clients.admin().listTopics()).filter((t) => this.#cfg.pattern!.test(t) && !t.startsWith('__'));
      if (topics.length === 0) return new Map();
    }
    let md;
    try {
      md = await this.#consumer.metadata({ topics: [...topics], forceUpdate: true });
    } catch (e) {
      if (isUnknownTopic(e)) {
        const named = /Unknown topic ([\w.-]+?)\.?(?:\s|\)|$)/.exec(errorText(e))?.[1];
        const which = named !== undefined && topics.includes(named) ? [named] : topics;
        throw new KafkaConnectorError(
          SluiceErrorCodes.KAFKA_UNKNOWN_TOPIC,
          `KafkaSource: ${which.length === 1 ? `topic '${which[0]}' does not exist` : `topics ${which.map((t) => `'${t}'`).join(', ')} do not all exist`}; create ${which.length === 1 ? 'it' : 'them'} first (sluice topics create ${which.length === 1 ? which[0] : 'NAME'} --partitions N)`,
          e,
          { causeInMessage: false },
        );
      }
      throw e;
    }
    const counts = new Map<string, number>();
    for (const topic of topics) {
      const t = md.topics.get(topic);
      if (t === undefined) throw new KafkaConnectorError(SluiceErrorCodes.KAFKA_UNKNOWN_TOPIC, `KafkaSource: topic '${topic}' does not exist; create it first (sluice topics create ${topic} --partitions N)`);
      counts.set(topic, t.partitionsCount);
    }
    return counts;
  }

  /**
   * A new assignment from the group: partitions no longer owned are dropped (their buffered
   * records too; the new owner continues from the committed offsets), new ones start from the
   * committed offsets.
   */
  async #reconcile(owned: TopicPartition[]): Promise<void> {
    const keep = new Set(owned.map((tp) => tpKey(tp.topic, tp.partition)));
    const revoked = new Set<PartitionState>();
    for (const [k, p] of this.#partitions) {
      if (keep.has(k)) continue;
      this.#partitions.delete(k);
      p.finished = true;
      revoked.add(p);
      this.#revokedSplits.push(p.splitId);
    }
    if (revoked.size > 0) {
      let dropped = 0;
      for (let i = this.#queue.length - 1; i >= 0; i--) {
        if (!revoked.has(this.#queue[i]!.ps)) continue;
        dropped += this.#queue[i]!.records;
        this.#queue.splice(i, 1);
      }
      this.#loop.consumed(dropped);
      logger.info({ revoked: [...revoked].map((p) => p.splitId), subtask: this.#ctx.subtaskIndex }, 'KafkaSource: partitions moved to another group member');
    }
    await this.#assign(owned, true);
    this.#restored.clear(); // a savepoint's offsets apply to the first assignment only
    this.#notify();
  }

  /** Starts reading new partitions: restored offsets first, then `startingOffsets` (initial) or earliest (discovered later). */
  async #assign(tps: TopicPartition[], initial: boolean): Promise<void> {
    const fresh = tps.filter((tp) => !this.#partitions.has(tpKey(tp.topic, tp.partition)));
    if (fresh.length === 0) return;
    const c = this.#consumer;
    const unrestored = fresh.filter((tp) => !this.#restored.has(tpKey(tp.topic, tp.partition)));
    const starts = initial
      ? await resolveStartingOffsets(c, unrestored, this.#cfg.starting, this.#cfg.fallback, this.#cfg.readCommitted)
      : new Map(await Promise.all(unrestored.map(async (tp) => [tpKey(tp.topic, tp.partition), await resetOffset(c, tp, 'earliest', this.#cfg.readCommitted)] as const)));
    const stops = this.#cfg.stopping === undefined ? undefined : await resolveStoppingOffsets(c, fresh, this.#cfg.stopping, this.#cfg.readCommitted);
    for (const tp of fresh) {
      const key = tpKey(tp.topic, tp.partition);
      // Another discovery round may have added it while this one waited for Kafka: a second state
      // would fetch the partition again from its start (duplicates).
      if (this.#partitions.has(key)) continue;
      const start = this.#restored.get(key) ?? starts.get(key) ?? 0n;
      const stop = stops?.get(key);
      this.#partitions.set(key, { topic: tp.topic, partition: tp.partition, splitId: `${tp.topic}-${tp.partition}`, position: start, fetchOffset: start, stop, finished: stop !== undefined && start >= stop });
      if (!initial) logger.info({ topic: tp.topic, partition: tp.partition, subtask: this.#ctx.subtaskIndex }, 'KafkaSource discovered a new partition');
    }
    this.#newSplits = true;
    this.#loop.invalidateMetadata();
    this.#loop.wake();
    this.#notify();
  }

  pollNext(output: ReaderOutput<T>): InputStatus {
    if (this.#error !== undefined) throw this.#error;
    // A bounded reader with nothing (left) to read ends; there is no discovery for bounded sources.
    if (this.#cfg.stopping !== undefined && this.#allFinished()) return this.#finish(output);
    while (this.#revokedSplits.length > 0) {
      const id = this.#revokedSplits.pop()!;
      this.#released.delete(id);
      if (this.#outputs.delete(id)) output.releaseOutputForSplit(id);
    }
    if (this.#partitions.size === 0) {
      if (!this.#idle) {
        output.markIdle();
        this.#idle = true;
      }
      return InputStatus.NOTHING_AVAILABLE;
    }
    if (this.#idle) {
      output.markActive();
      this.#idle = false;
    }
    if (this.#newSplits) {
      // Every assigned partition holds the watermark back from the start, data or not (use
      // WatermarkStrategy.withIdleness for partitions that may stay empty).
      this.#newSplits = false;
      for (const p of this.#partitions.values()) {
        if (!p.finished && !this.#outputs.has(p.splitId)) this.#outputs.set(p.splitId, output.createOutputForSplit(p.splitId));
      }
    }
    const chunk = this.#nextChunk();
    if (chunk === undefined) return InputStatus.NOTHING_AVAILABLE;
    this.#emit(chunk, output);
    return this.#nextChunk() !== undefined || (this.#cfg.stopping !== undefined && this.#allFinished()) ? InputStatus.MORE_AVAILABLE : InputStatus.NOTHING_AVAILABLE;
  }

  /** The oldest fetched chunk of a partition that watermark alignment has not paused. */
  #nextChunk(): FetchedChunk | undefined {
    for (const c of this.#queue) if (!c.ps.paused) return c;
    return undefined;
  }

  /** Watermark alignment: pause or resume partitions (split id `topic-partition`). */
  pauseOrResumeSplits(pause: readonly string[], resume: readonly string[]): void {
    const byId = new Map([...this.#partitions.values()].map((p) => [p.splitId, p]));
    for (const id of pause) {
      const p = byId.get(id);
      if (p !== undefined) p.paused = true;
    }
    for (const id of resume) {
      const p = byId.get(id);
      if (p !== undefined) p.paused = false;
    }
    if (resume.length > 0) {
      this.#loop.wake();
      this.#notify();
    }
  }

  #allFinished(): boolean {
    for (const p of this.#partitions.values()) if (!p.finished) return false;
    return true;
  }

  #finish(output: ReaderOutput<T>): InputStatus {
    for (const p of this.#partitions.values()) this.#release(p, output);
    return InputStatus.END_OF_INPUT;
  }

  #release(p: PartitionState, output: ReaderOutput<T>): void {
    if (this.#released.has(p.splitId)) return;
    this.#released.add(p.splitId);
    if (this.#outputs.delete(p.splitId)) output.releaseOutputForSplit(p.splitId);
  }

  /** Emits up to RECORDS_PER_POLL records of the chunk at the head of the queue. */
  #emit(chunk: FetchedChunk, output: ReaderOutput<T>): void {
    const ps = chunk.ps;
    let out = this.#outputs.get(ps.splitId);
    if (out === undefined && !ps.finished) this.#outputs.set(ps.splitId, (out = output.createOutputForSplit(ps.splitId)));
    const cfg = this.#cfg;
    let budget = RECORDS_PER_POLL;
    let consumed = 0;
    // Stops early when alignment pauses the partition (its watermark ran ahead) mid-chunk.
    while (budget > 0 && chunk.bi < chunk.batches.length && !ps.paused) {
      const batch = chunk.batches[chunk.bi]!;
      const records = batch.records;
      const control = (batch.attributes & IS_CONTROL) !== 0;
      const appendTime = (batch.attributes & LOG_APPEND_TIME) !== 0;
      while (budget > 0 && chunk.ri < records.length && !ps.paused) {
        const r = records[chunk.ri++]!;
        budget--;
        consumed++;
        if (control || ps.finished) continue;
        const offset = batch.firstOffset + BigInt(r.offsetDelta);
        if (offset < ps.position) continue;
        if (ps.stop !== undefined && offset >= ps.stop) {
          ps.finished = true;
          continue;
        }
        const timestamp = appendTime ? batch.maxTimestamp : batch.firstTimestamp + r.timestampDelta;
        const headers = r.headers.length === 0 ? NO_HEADERS : r.headers.map(([k, v]) => [k.toString('utf8'), v] as const);
        const rec = { topic: ps.topic, partition: ps.partition, offset, timestamp, key: r.key as unknown as K, keyBytes: r.key, headers };
        let value: T | null | undefined;
        const many = this.#many;
        try {
          if (cfg.records !== undefined) {
            many.length = 0;
            cfg.records.deserialize({ ...(rec as KafkaConsumerRecord<Buffer | null>), value: r.value }, this.#collectMany);
          } else {
            if (cfg.key !== undefined) rec.key = cfg.key.deserialize(r.key, rec as KafkaConsumerRecord<Buffer | null>);
            value = cfg.value.deserialize(r.value, rec as KafkaConsumerRecord<K>);
          }
        } catch (e) {
          this.#deser.handle({ topic: ps.topic, partition: ps.partition, offset, timestamp, key: r.key, value: r.value, headers }, e);
          ps.position = offset + 1n;
          continue;
        }
        ps.position = offset + 1n;
        if (cfg.records !== undefined) for (const v of many) out!.collect(v, timestamp);
        else if (value !== null && value !== undefined) out!.collect(value, timestamp);
      }
      if (chunk.ri >= records.length) {
        const next = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
        if (!ps.finished && next > ps.position) ps.position = ps.stop !== undefined && next > ps.stop ? ps.stop : next;
        if (ps.stop !== undefined && ps.position >= ps.stop) ps.finished = true;
        nextBatch(chunk);
      }
    }
    if (chunk.bi >= chunk.batches.length) this.#queue.splice(this.#queue.indexOf(chunk), 1);
    this.#loop.consumed(consumed);
    if (ps.finished && out !== undefined) this.#release(ps, output);
  }

  isAvailable(): Promise<void> {
    if (this.#nextChunk() !== undefined || this.#error !== undefined) return Promise.resolve();
    return new Promise<void>((resolve) => (this.#waiter = resolve));
  }

  #notify(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }

  #fail(e: Error): void {
    this.#error ??= e;
    this.#notify();
  }

  snapshotState(checkpointId: number): KafkaSourceState {
    const offsets = [...this.#partitions.values()].map((p) => [p.topic, p.partition, String(p.position)] as const);
    if (this.#cfg.commitOnCheckpoint) {
      const dlq = this.#deser.flush();
      dlq.catch(() => {});
      const c = this.#consumer;
      this.#pendingCommits.set(checkpointId, {
        // A member of the group commits with its generation (a stale one is refused); partitions
        // assigned by Sluice commit as a "simple" consumer (generation -1).
        group: { groupId: this.#cfg.groupId!, generationId: this.#membership !== undefined ? c.generationId : -1, memberId: this.#membership !== undefined ? (c.memberId ?? '') : '', groupInstanceId: null },
        offsets: [...this.#partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition, offset: p.position, leaderEpoch: -1 })),
        dlq,
      });
    }
    return { offsets };
  }

  /** Position and end of every assigned partition (the task's split metrics and records-lag). */
  splitProgress(): SplitProgress[] {
    return [...this.#partitions.values()].map((p) => {
      const end = p.stop ?? p.endOffset;
      return { splitId: p.splitId, topic: p.topic, partition: p.partition, position: Number(p.position), ...(end !== undefined && { end: Number(end) }) };
    });
  }

  /** The offsets of that checkpoint, for the coordinator to commit once the sinks flushed. */
  positionsToCommit(checkpointId: number): SourcePositions | undefined {
    const pending = this.#pendingCommits.get(checkpointId);
    if (pending === undefined || pending.offsets.length === 0) return undefined;
    return { connection: this.#connection, group: pending.group, offsets: pending.offsets, durable: pending.dlq };
  }

  /** That checkpoint and the ones before it are done with. */
  notifyCheckpointComplete(checkpointId: number): void {
    for (const id of this.#pendingCommits.keys()) if (id <= checkpointId) this.#pendingCommits.delete(id);
  }

  async close(): Promise<void> {
    if (this.#discovery !== undefined) clearInterval(this.#discovery);
    this.#loop?.stop();
    await this.#deser?.close();
    if (this.#consumer !== undefined) {
      await this.#consumer.close(true).catch(() => {});
      this.#clients.release(this.#consumer);
    }
    // The loop ends by itself once its in-flight fetch fails on the closed client; no need to wait.
    this.#loopDone.catch(() => {});
  }
}
