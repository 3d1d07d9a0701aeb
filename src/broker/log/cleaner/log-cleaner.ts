import { existsSync } from 'node:fs';
import type { PartitionLog } from '../partition-log.ts';
import { MAX_TIMESTAMP, BATCH_HEADER_SIZE } from '../../../protocol/records/index.ts';
import type { Clock } from '../../../util/clock.ts';
import { logger as rootLogger, type Logger } from '../../../util/logger.ts';
import { cleanLog, CleaningAbortedError, type CleanRange, type CleanResult } from './clean-log.ts';
import { readCheckpoint, writeCheckpoint, type CleanerCheckpoint } from './checkpoint.ts';

/** The logs the cleaner looks after (a LogManager satisfies it). */
export interface CleanableLogs {
  readonly topics: Iterable<{ readonly name: string; readonly partitions: readonly PartitionLog[] }>;
}

export interface LogCleanerOptions {
  logs: CleanableLogs;
  clock: Clock;
  log?: Logger;
  /** Pause between looks for a log to clean when there was none (Kafka's log.cleaner.backoff.ms). Default 15 s. */
  intervalMs?: number;
  /** Keys held by the offset map per round (Kafka sizes it by log.cleaner.dedupe.buffer.size). Default 1,000,000. */
  mapCapacity?: number;
  /** Batches handled per event-loop turn. Default 100. */
  sliceBatches?: number;
}

/** A log the scheduler considered, with Kafka's figures for choosing the filthiest. */
export interface LogToClean {
  topic: string;
  partition: number;
  log: PartitionLog;
  range: CleanRange;
  cleanBytes: number;
  cleanableBytes: number;
  ratio: number;
  /** max.compaction.lag.ms is exceeded, or a delete horizon is due. */
  mustClean: boolean;
}

export interface CleanReport extends CleanResult {
  topic: string;
  partition: number;
}

/**
 * The background log cleaner: picks the compacted log with the highest dirty ratio above its
 * min.cleanable.dirty.ratio (or one whose max.compaction.lag.ms or delete horizon is due), cleans
 * it with `cleanLog`, records the new first dirty offset, and repeats until nothing is cleanable,
 * then waits `intervalMs`. One log at a time, all on the broker's event loop in small slices.
 */
export class LogCleaner {
  readonly #logs: CleanableLogs;
  readonly #clock: Clock;
  readonly #log: Logger;
  #intervalMs: number;
  readonly #mapCapacity: number;
  readonly #sliceBatches: number;
  readonly #checkpoints = new WeakMap<PartitionLog, CleanerCheckpoint>();
  #timer: NodeJS.Timeout | null = null;
  #chain: Promise<unknown> = Promise.resolve();
  #stopping = false;
  #running = false;
  readonly #uncleanable = new WeakSet<PartitionLog>();

  constructor(options: LogCleanerOptions) {
    this.#logs = options.logs;
    this.#clock = options.clock;
    this.#log = (options.log ?? rootLogger).child({ component: 'log-cleaner' });
    this.#intervalMs = options.intervalMs ?? 15_000;
    this.#mapCapacity = options.mapCapacity ?? 1_000_000;
    this.#sliceBatches = options.sliceBatches ?? 100;
  }

  /** Starts the periodic cleaning. */
  start(): void {
    if (this.#timer || this.#stopping) return;
    this.#timer = setInterval(() => {
      if (this.#running) return; // the previous look is still cleaning
      this.#running = true;
      void this.cleanUntilIdle()
        .catch(() => {}) // logged where it happened; the next look retries
        .finally(() => (this.#running = false));
    }, this.#intervalMs);
    this.#timer.unref();
  }

  /** Changes the pause between looks (log.cleaner.backoff.ms altered at runtime). */
  reschedule(intervalMs: number): void {
    this.#intervalMs = intervalMs;
    if (!this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = null;
    this.start();
  }

  /** Stops: the round in progress is abandoned at its next slice (its files are removed). */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#chain.catch(() => {});
  }

  /** Cleans logs until none is cleanable; returns what was done. Rounds never overlap. */
  cleanUntilIdle(maxRounds = 1000): Promise<CleanReport[]> {
    const run = this.#chain.then(async () => {
      const reports: CleanReport[] = [];
      const settled = new Set<PartitionLog>(); // rounds that could not move the first dirty offset
      for (let i = 0; i < maxRounds && !this.#stopping; i++) {
        const report = await this.#cleanFilthiest(settled);
        if (!report) break;
        if (report !== 'failed') reports.push(report);
      }
      return reports;
    });
    this.#chain = run.catch(() => {});
    return run;
  }

  /** Every compacted log with its cleanable range and dirty ratio (for choosing, and for tests). */
  candidates(): LogToClean[] {
    const now = this.#clock.now();
    const out: LogToClean[] = [];
    for (const topic of this.#logs.topics) {
      topic.partitions.forEach((log, partition) => {
        if (!log.config.compact) return;
        const c = this.#toClean(topic.name, partition, log, now);
        if (c && c.cleanBytes + c.cleanableBytes > 0) out.push(c);
      });
    }
    return out;
  }

  async #cleanFilthiest(settled: Set<PartitionLog>): Promise<CleanReport | 'failed' | null> {
    const candidates = this.candidates().filter(
      (c) => !settled.has(c.log) && !this.#uncleanable.has(c.log) && ((c.mustClean && c.cleanBytes + c.cleanableBytes > 0) || c.ratio > c.log.config.minCleanableDirtyRatio),
    );
    if (candidates.length === 0) return null;
    const target = candidates.reduce((a, b) => (b.mustClean && !a.mustClean) || b.ratio > a.ratio ? b : a);
    const { log, range } = target;
    const now = this.#clock.now();
    try {
      const result = await cleanLog(log, range, {
        now,
        mapCapacity: this.#mapCapacity,
        sliceBatches: this.#sliceBatches,
        yieldTurn: () => this.#turn(),
      });
      const checkpoint = { firstDirtyOffset: result.endOffset, nextHorizon: Number.isFinite(result.nextHorizon) ? result.nextHorizon : null };
      if (result.endOffset <= range.firstDirtyOffset) settled.add(log);
      this.#checkpoints.set(log, checkpoint);
      writeCheckpoint(log.dir, checkpoint);
      this.#log.info({ topic: target.topic, partition: target.partition, ...summary(result) }, 'cleaned log');
      return { topic: target.topic, partition: target.partition, ...result };
    } catch (err) {
      if (err instanceof CleaningAbortedError || !existsSync(log.dir)) {
        this.#log.debug({ topic: target.topic, partition: target.partition, why: (err as Error).message }, 'cleaning round abandoned');
        return null;
      }
      // As Kafka: the partition is marked uncleanable (until restart) and the others go on.
      this.#uncleanable.add(log);
      this.#log.error({ topic: target.topic, partition: target.partition, err }, 'log cleaning failed; the partition will not be cleaned again until restart');
      return 'failed';
    }
  }

  #turn(): Promise<void> {
    return new Promise((resolve, reject) =>
      setImmediate(() => (this.#stopping ? reject(new CleaningAbortedError('the cleaner is stopping')) : resolve())),
    );
  }

  #checkpoint(log: PartitionLog): CleanerCheckpoint | null {
    let c = this.#checkpoints.get(log);
    if (!c) {
      c = readCheckpoint(log.dir) ?? undefined;
      if (c) this.#checkpoints.set(log, c);
    }
    return c ?? null;
  }

  /** Kafka's cleanable offsets and byte counts for one log. */
  #toClean(topic: string, partition: number, log: PartitionLog, now: number): LogToClean | null {
    const segments = log.segmentsForCleaning();
    const active = segments[segments.length - 1]!;
    const checkpoint = this.#checkpoint(log);
    let firstDirty = checkpoint?.firstDirtyOffset ?? log.logStartOffset;
    if (firstDirty < log.logStartOffset || firstDirty > log.logEndOffset) firstDirty = log.logStartOffset;
    let uncleanable = Math.min(log.lastStableOffset, active.baseOffset);
    const nonActive = segments.slice(0, -1).filter((s, i) => (segments[i + 1]!.baseOffset > firstDirty));
    const lag = log.config.minCompactionLagMs;
    if (lag > 0) {
      const young = nonActive.find((s) => s.maxTimestamp > now - lag);
      if (young) uncleanable = Math.min(uncleanable, young.baseOffset);
    }
    uncleanable = Math.max(firstDirty, uncleanable);
    // As Kafka: dirty bytes stop at the segment holding the first uncleanable offset.
    let uncleanableSegment = 0;
    for (const s of segments) if (s.baseOffset <= uncleanable) uncleanableSegment = s.baseOffset;
    const dirtyFrom = Math.min(firstDirty, uncleanableSegment);
    let cleanBytes = 0;
    let cleanableBytes = 0;
    for (let i = 0; i < segments.length - 1; i++) {
      const s = segments[i]!;
      if (s.baseOffset < firstDirty) cleanBytes += s.size;
      if (s.baseOffset < uncleanableSegment && segments[i + 1]!.baseOffset > dirtyFrom) cleanableBytes += s.size;
    }
    const total = cleanBytes + cleanableBytes;
    const maxLag = log.config.maxCompactionLagMs;
    const overdue =
      maxLag < Number.MAX_SAFE_INTEGER && nonActive.some((s) => s.size >= BATCH_HEADER_SIZE && firstBatchTimestamp(s) < now - maxLag);
    const horizonDue = checkpoint?.nextHorizon != null && checkpoint.nextHorizon <= now;
    return {
      topic,
      partition,
      log,
      range: { firstDirtyOffset: firstDirty, firstUncleanableOffset: uncleanable },
      cleanBytes,
      cleanableBytes,
      ratio: total > 0 ? cleanableBytes / total : 0,
      mustClean: (overdue && cleanableBytes > 0) || horizonDue,
    };
  }
}

function firstBatchTimestamp(seg: { readAt(pos: number, size: number): Buffer }): number {
  return Number(seg.readAt(0, BATCH_HEADER_SIZE).readBigInt64BE(MAX_TIMESTAMP));
}

function summary(r: CleanResult): object {
  return {
    endOffset: r.endOffset,
    segments: `${r.segmentsBefore} -> ${r.segmentsAfter}`,
    bytes: `${r.bytesBefore} -> ${r.bytesAfter}`,
    records: `${r.recordsRead} -> ${r.recordsKept}`,
  };
}
