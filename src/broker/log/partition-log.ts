import { readdirSync } from 'node:fs';
import { BASE_OFFSET, type BatchSpan } from '../../protocol/records/index.ts';
import { Segment, type ReadPlan } from './segment.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ProducerStateTable, type AbortedTxn } from '../txn/producer-state.ts';
import { buildMarkerBatch } from '../txn/control-records.ts';
import { fileIO } from './file-io.ts';
import { sharedLogStorage, type LogStorage } from './log-storage.ts';
import { loadProducerState, PRODUCER_SNAPSHOT, saveProducerState } from './producer-snapshot.ts';
import { firstRecordAtOrAfter, producerBatchAt, stampLogAppendTime, type OffsetAndTimestamp } from './batch-fields.ts';
import type { TopicConfig } from './topic-config.ts';
import type { Clock } from '../../util/clock.ts';
import { logger } from '../../util/logger.ts';
import { hasCleanerFiles, recoverCleanerFiles, installCleanedSegment, type CleanedSegment } from './cleaner/swap-files.ts';

/** Result of an append: the offsets given to the first and last record. */
export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** The broker's time when the topic uses LogAppendTime, else -1. */
  logAppendTime: number;
  /** True when an idempotent producer resent a batch already in the log (nothing written). */
  duplicate?: boolean;
}

/** An idempotent/transactional batch refused by the producer-state checks (KIP-98). */
export class ProducerStateError extends Error {
  readonly errorCode: number;
  constructor(errorCode: number, message: string) {
    super(message);
    this.errorCode = errorCode;
  }
}


export type { OffsetAndTimestamp } from './batch-fields.ts';

/** Raised for reads outside [logStartOffset, logEndOffset]. */
export class OffsetOutOfRangeError extends Error {}

/** A planned read: which segment, which bytes. */
export interface PlannedRead extends ReadPlan {
  segment: Segment;
}

/**
 * The log of one topic partition: an ordered list of segments, the last one active. Single
 * writer (the broker's event loop); reads are synchronous file reads from the page cache.
 */
export class PartitionLog {
  readonly dir: string;
  #config: TopicConfig;
  readonly #clock: Clock;
  readonly #storage: LogStorage;
  #segments: Segment[] = [];
  #logStartOffset = 0;
  #listeners = new Set<() => void>();
  #producers = new ProducerStateTable();
  /** Messages appended since the last fsync (flush.messages) and when the first of them was (flush.ms). */
  #unflushed = 0;
  #unflushedSince = -1;
  /** segment.jitter.ms drawn for the active segment. */
  #rollJitterMs = 0;
  /** A producer-state snapshot file was found when opening. */
  #hasSnapshot = false;
  /** Bytes of the segments before the active one; null after the list changed (recomputed on use). */
  #sealedBytes: number | null = null;

  private constructor(dir: string, config: TopicConfig, clock: Clock, storage: LogStorage) {
    this.dir = dir;
    this.#config = config;
    this.#clock = clock;
    this.#storage = storage;
  }

  /** A new, empty log for `dir` (nothing is read or created on disk until the first write). */
  static create(dir: string, config: TopicConfig, clock: Clock, storage: LogStorage = sharedLogStorage()): PartitionLog {
    const log = new PartitionLog(dir, config, clock, storage);
    log.#segments.push(Segment.create(dir, 0, config.indexIntervalBytes, clock.now(), storage));
    return log;
  }

  /**
   * Opens (recovering) or creates the log in `dir`. `storage` is the broker's shared handle
   * cache (a process-wide one by default).
   */
  static open(dir: string, config: TopicConfig, clock: Clock, logStartOffset = 0, storage: LogStorage = sharedLogStorage()): PartitionLog {
    // The directory appears with the first write: creating a topic of thousands of partitions
    // costs no file-system work beyond the registry.
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      names = [];
    }
    if (hasCleanerFiles(names)) {
      recoverCleanerFiles(dir); // log cleaner: finish or undo a segment swap a crash interrupted
      names = readdirSync(dir);
    }
    const log = new PartitionLog(dir, config, clock, storage);
    log.#hasSnapshot = names.includes(PRODUCER_SNAPSHOT);
    const bases = names
      .filter((f) => /^\d{20}\.log$/.test(f))
      .map((f) => Number(f.slice(0, 20)))
      .sort((a, b) => a - b);
    const now = clock.now();
    for (let i = 0; i < bases.length; i++) {
      const { segment, truncated } = Segment.open(dir, bases[i]!, config.indexIntervalBytes, now, storage);
      log.#segments.push(segment);
      if (truncated) {
        logger.warn({ dir, segment: bases[i], size: segment.size }, 'truncated a torn or corrupt log tail during recovery');
        for (const later of bases.slice(i + 1)) {
          Segment.open(dir, later, config.indexIntervalBytes, now, storage).segment.delete();
          logger.warn({ dir, segment: later }, 'deleted a segment after a corrupt one');
        }
        break;
      }
    }
    if (log.#segments.length === 0) log.#segments.push(Segment.create(dir, logStartOffset, config.indexIntervalBytes, now, storage));
    log.#logStartOffset = Math.max(logStartOffset, log.#segments[0]!.baseOffset);
    if (log.#logStartOffset > log.logEndOffset) log.#logStartOffset = log.logEndOffset;
    log.#loadProducerState();
    return log;
  }

  get config(): TopicConfig {
    return this.#config;
  }

  set config(config: TopicConfig) {
    this.#config = config;
  }

  get logStartOffset(): number {
    return this.#logStartOffset;
  }

  /** The offset the next record will get (the high watermark on a single-node broker). */
  get logEndOffset(): number {
    return this.#active.nextOffset;
  }

  get sizeInBytes(): number {
    if (this.#sealedBytes === null) {
      let n = 0;
      for (let i = 0; i < this.#segments.length - 1; i++) n += this.#segments[i]!.size;
      this.#sealedBytes = n;
    }
    return this.#sealedBytes + this.#active.size;
  }

  get #active(): Segment {
    return this.#segments[this.#segments.length - 1]!;
  }

  /**
   * Appends validated batches (`spans` from validateBatches), assigning offsets in place.
   */
  append(records: Buffer, spans: BatchSpan[]): AppendResult {
    const batches = spans.map((span) => producerBatchAt(records, span.pos));
    for (let i = 0; i < batches.length; i++) {
      const check = this.#producers.check(batches[i]!);
      if (check.kind === 'reject') throw new ProducerStateError(check.errorCode, check.message);
      if (check.kind === 'duplicate') {
        if (batches.length !== 1) throw new ProducerStateError(87, 'a duplicate batch must be sent alone');
        return { baseOffset: check.firstOffset, lastOffset: check.lastOffset, logAppendTime: -1, duplicate: true };
      }
    }
    const baseOffset = this.logEndOffset;
    let next = baseOffset;
    const now = this.#clock.now();
    const logAppendTime = this.#config.logAppendTime ? now : -1;
    for (const span of spans) {
      records.writeBigInt64BE(BigInt(next), span.pos + BASE_OFFSET);
      if (logAppendTime >= 0) stampLogAppendTime(records, span, now);
      next += span.lastOffsetDelta + 1;
    }
    this.#maybeRoll(records.length, now);
    this.#active.append(records);
    let offset = baseOffset;
    spans.forEach((span, i) => {
      this.#producers.onAppend(batches[i]!, offset, offset + span.lastOffsetDelta);
      offset += span.lastOffsetDelta + 1;
    });
    this.#afterAppend(next - baseOffset, now);
    return { baseOffset, lastOffset: next - 1, logAppendTime };
  }

  // ---- transactions (KIP-98): markers, last stable offset, aborted index ----

  /** Appends a COMMIT or ABORT marker for a producer's transaction; returns its offset. */
  appendMarker(producerId: bigint, producerEpoch: number, commit: boolean): number {
    const now = this.#clock.now();
    const batch = buildMarkerBatch(producerId, producerEpoch, commit, BigInt(now));
    const offset = this.logEndOffset;
    batch.writeBigInt64BE(BigInt(offset), BASE_OFFSET);
    this.#maybeRoll(batch.length, now);
    this.#active.append(batch);
    this.#producers.onMarker(Number(producerId), producerEpoch, commit, offset);
    this.#afterAppend(1, now);
    return offset;
  }

  /** First offset of the oldest undecided transaction, or the log end: read_committed's limit. */
  get lastStableOffset(): number {
    return this.#producers.lastStableOffset(this.logEndOffset);
  }

  /** Aborted transactions the cleaner emptied: no longer listed to read_committed fetches. */
  forgetAbortedTransactions(txns: readonly AbortedTxn[]): void {
    this.#producers.forgetAborted(txns);
  }

  /** Aborted transactions overlapping [from, to), for read_committed fetches. */
  abortedTransactions(from: number, to: number): AbortedTxn[] {
    return this.#producers.abortedBetween(from, to);
  }

  /** Current epoch of a producer in this partition (undefined if it never wrote here). */
  producerEpoch(producerId: number): number | undefined {
    return this.#producers.epochOf(producerId);
  }

  /** Loads the producer-state snapshot of the last clean shutdown and replays the log after it. */
  #loadProducerState(): void {
    this.#producers = loadProducerState(this.dir, this.#segments, this.logEndOffset, this.#hasSnapshot);
  }

  /** Saves the producer table for a fast restart (skipped for an empty log). */
  #saveProducerState(): void {
    if (this.logEndOffset === this.#segments[0]!.baseOffset && this.#segments[0]!.size === 0) return;
    saveProducerState(this.dir, this.logEndOffset, this.#producers);
  }

  /** Wakes long-polling fetches; applies flush.messages / flush.ms and retention.bytes. */
  #afterAppend(messages: number, now: number): void {
    // retention.bytes after every append (cheap: cached sizes), so a partition never holds more
    // than retention.bytes + segment.bytes whatever log.retention.check.interval.ms is.
    const { retentionBytes } = this.#config;
    if (retentionBytes >= 0 && this.#segments.length > 1 && this.sizeInBytes - this.#segments[0]!.size >= retentionBytes) this.applyRetention();
    this.#unflushed += messages;
    if (this.#unflushed >= this.#config.flushMessages) this.flush();
    else if (this.#unflushedSince < 0 && this.#config.flushMs < Number.MAX_SAFE_INTEGER) {
      this.#unflushedSince = now;
      this.#storage.timedFlush.add(this);
    }
    for (const listener of this.#listeners) listener();
  }

  /** flush.ms: fsyncs when the oldest unflushed append is old enough; true when nothing is left to wait for. */
  flushIfDue(now: number): boolean {
    if (this.#unflushedSince < 0) return true;
    if (now - this.#unflushedSince < this.#config.flushMs) return false;
    this.flush();
    return true;
  }

  /** Kafka's roll rules: size, age (segment.ms less jitter, capped by max.compaction.lag.ms when compacted), index full. */
  #maybeRoll(incoming: number, now: number): void {
    const active = this.#active;
    if (active.size === 0) return;
    const config = this.#config;
    const maxAge = config.compact ? Math.min(config.segmentMs, config.maxCompactionLagMs) : config.segmentMs;
    const full = active.size + incoming > config.segmentBytes || active.indexEntries >= config.maxIndexEntries;
    const old = now - active.createdAt >= maxAge - this.#rollJitterMs;
    if (!full && !old) return;
    active.seal();
    this.#segments.push(Segment.create(this.dir, active.nextOffset, config.indexIntervalBytes, now, this.#storage));
    this.#sealedBytes = null;
    this.#rollJitterMs = config.segmentJitterMs > 0 ? Math.floor(Math.random() * Math.min(config.segmentJitterMs, config.segmentMs)) : 0;
  }

  /**
   * Where the whole batches from `offset` lie, up to `maxBytes`, before `maxOffset` (exclusive,
   * e.g. the last stable offset). With `minOneBatch` an oversized first batch is still returned
   * (KIP-74). Null when there is nothing to return; throws OffsetOutOfRangeError outside the log.
   */
  planRead(offset: number, maxBytes: number, maxOffset: number, minOneBatch: boolean): PlannedRead | null {
    if (offset < this.#logStartOffset || offset > this.logEndOffset) {
      throw new OffsetOutOfRangeError(`offset ${offset} is outside [${this.#logStartOffset}, ${this.logEndOffset}]`);
    }
    if (offset >= maxOffset) return null;
    for (let i = this.#segmentIndexFor(offset); i < this.#segments.length; i++) {
      const segment = this.#segments[i]!;
      if (offset >= segment.nextOffset) continue;
      const plan = segment.plan(offset, maxBytes, maxOffset, minOneBatch);
      return plan ? { ...plan, segment } : null;
    }
    return null;
  }

  /**
   * Whole batches from `offset`, up to `maxBytes` (at least one batch). Null at the log end.
   * `maxOffset` (exclusive) bounds what is visible, e.g. the last stable offset.
   */
  read(offset: number, maxBytes: number, maxOffset = this.logEndOffset): Buffer | null {
    const plan = this.planRead(offset, maxBytes, maxOffset, true);
    return plan ? plan.segment.readAt(plan.position, plan.length) : null;
  }

  #segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.#segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.#segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The first record with timestamp >= `timestamp`, or null when there is none. */
  offsetForTimestamp(timestamp: number): OffsetAndTimestamp | null {
    for (const seg of this.#segments) {
      if (seg.maxTimestamp < timestamp) continue;
      let found: OffsetAndTimestamp | null = null;
      seg.scanFrom(Math.max(seg.offsetForTimestampHint(timestamp), this.#logStartOffset), (b) => {
        if (b.maxTimestamp < timestamp) return true;
        found = firstRecordAtOrAfter(seg.readAt(b.pos, b.size), timestamp, b.baseOffset, this.#logStartOffset);
        return found === null;
      });
      if (found) return found;
    }
    return null;
  }

  /** The largest timestamp in the log and its offset (ListOffsets -3, KIP-734). */
  maxTimestamp(): OffsetAndTimestamp | null {
    for (let i = this.#segments.length - 1; i >= 0; i--) {
      const seg = this.#segments[i]!;
      if (seg.maxTimestamp < 0) continue;
      return this.offsetForTimestamp(seg.maxTimestamp);
    }
    return null;
  }

  /** Registers a callback run after every append (for long-polling fetches). */
  onAppend(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Advances the log start offset (DeleteRecords) and drops segments wholly before it. */
  deleteRecordsBefore(offset: number): void {
    if (offset > this.logEndOffset) throw new OffsetOutOfRangeError(`offset ${offset} is past the log end ${this.logEndOffset}`);
    if (offset <= this.#logStartOffset) return;
    this.#logStartOffset = offset;
    this.#dropSegmentsBefore(offset);
    this.#producers.dropAbortedBefore(offset);
  }

  #dropSegmentsBefore(offset: number): void {
    while (this.#segments.length > 1 && this.#segments[1]!.baseOffset <= offset) {
      this.#segments.shift()!.delete();
      this.#sealedBytes = null;
    }
  }

  /** Applies retention.ms and retention.bytes to sealed segments. Returns segments deleted. */
  applyRetention(): number {
    if (!this.#config.deleteEnabled) return 0;
    const now = this.#clock.now();
    let deleted = 0;
    const { retentionMs, retentionBytes } = this.#config;
    let total = this.sizeInBytes;
    while (this.#segments.length > 1) {
      const oldest = this.#segments[0]!;
      const expired = retentionMs >= 0 && oldest.maxTimestamp >= 0 && now - oldest.maxTimestamp > retentionMs;
      const oversize = retentionBytes >= 0 && total - oldest.size >= retentionBytes;
      if (!expired && !oversize) break;
      this.#segments.shift();
      this.#sealedBytes = null;
      oldest.delete();
      total -= oldest.size;
      this.#logStartOffset = Math.max(this.#logStartOffset, this.#segments[0]!.baseOffset);
      deleted++;
    }
    if (deleted > 0) this.#producers.dropAbortedBefore(this.#logStartOffset);
    return deleted;
  }

  /** fsync of the active segment on the thread pool. */
  flushAsync(): Promise<void> {
    return this.#active.flushAsync();
  }

  /** fsync of the active segment. */
  flush(): void {
    this.#active.flush();
    this.#unflushed = 0;
    this.#unflushedSince = -1;
    this.#storage.timedFlush.delete(this);
  }

  // ---- log cleaner support (src/broker/log/cleaner/) ----

  /** The segments, oldest first, the last one active. A copy the cleaner works from between turns. */
  segmentsForCleaning(): Segment[] {
    return [...this.#segments];
  }

  /**
   * Swaps a cleaned segment in for `old` (consecutive, not the active one) in one synchronous
   * step, so no reader sees the range missing. False, changing nothing, when `old` is no longer
   * what the log holds (retention, DeleteRecords or deletion ran meanwhile).
   */
  replaceSegments(old: readonly Segment[], cleaned: CleanedSegment): boolean {
    const at = this.#segments.indexOf(old[0]!);
    if (at < 0 || at + old.length >= this.#segments.length) return false;
    if (old.some((s, i) => this.#segments[at + i] !== s)) return false;
    const segment = installCleanedSegment(this.dir, old, cleaned, this.#config.indexIntervalBytes, this.#clock.now(), this.#storage);
    this.#segments.splice(at, old.length, segment);
    this.#sealedBytes = null;
    return true;
  }

  // ---- end of log cleaner support ----

  close(): void {
    for (const s of this.#segments) s.close();
    this.#saveProducerState();
    this.#listeners.clear();
    this.#storage.timedFlush.delete(this);
  }

  /**
   * Closes and removes every file of this log. `moveAway` may first rename the directory (a
   * topic deletion marker) and return where it went: that directory is then emptied but kept.
   */
  destroy(moveAway?: (dir: string) => string): void {
    this.#storage.timedFlush.delete(this);
    for (const s of this.#segments) s.retire();
    this.#segments = [];
    this.#listeners.clear();
    const dir = moveAway ? moveAway(this.dir) : this.dir;
    const io = fileIO();
    if (dir === this.dir) io.remove(dir);
    else if (existsSync(dir)) for (const f of readdirSync(dir)) io.remove(join(dir, f));
  }
}
