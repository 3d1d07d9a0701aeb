import { rmSync } from 'node:fs';
import type { PartitionLog } from '../partition-log.ts';
import type { Segment } from '../segment.ts';
import { decodeBatchRecords, isControl, readBatchHeader } from '../../../protocol/records/index.ts';
import { OffsetMap } from './offset-map.ts';
import { SegmentFileReader } from './segment-reader.ts';
import { CleanedSegmentWriter } from './cleaned-writer.ts';
import { CleanedTxnState, TxnScan, controlTypeOf } from './txn-state.ts';
import { emptyBatch, filterBatch, newFilterStats, type FilterContext } from './batch-filter.ts';

/** Thrown when a round is abandoned (cleaner stopping, or the log changed under it). */
export class CleaningAbortedError extends Error {}

/** The cleanable section of a log for one round. */
export interface CleanRange {
  firstDirtyOffset: number;
  /** Exclusive: nothing at or after it is cleaned (active segment, LSO, min.compaction.lag.ms). */
  firstUncleanableOffset: number;
}

export interface CleanOptions {
  now: number;
  /** Entries of the key → offset map; a fuller dirty section is cleaned over several rounds. */
  mapCapacity: number;
  /** Gives the event loop a turn; throws CleaningAbortedError to stop the round. */
  yieldTurn: () => Promise<void>;
  /** Batches handled between two turns. */
  sliceBatches: number;
}

export interface CleanResult {
  /** First offset not cleaned: the next round's first dirty offset. */
  endOffset: number;
  segmentsBefore: number;
  segmentsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  recordsRead: number;
  recordsKept: number;
  /** Earliest delete horizon left in the log (a round then can drop tombstones), Infinity if none. */
  nextHorizon: number;
}

/**
 * One cleaning round of a log, in Kafka's three steps: walk the log for transaction state
 * (aborted transactions, producers' last records), build the key → offset map over the dirty
 * section, then rewrite every segment before the map's end in groups of up to segment.bytes,
 * each group swapped into the live log as soon as it is written. Work is cut into slices of
 * `sliceBatches` batches with an event-loop turn between them, so produce and fetch go on.
 */
export async function cleanLog(log: PartitionLog, range: CleanRange, opts: CleanOptions): Promise<CleanResult> {
  const segments = log.segmentsForCleaning();
  const dir = log.dir;
  let budget = opts.sliceBatches;
  const tick = async () => {
    if (--budget > 0) return;
    budget = opts.sliceBatches;
    await opts.yieldTurn();
  };

  // 1. Transaction state from the whole log (up to its end when the round started).
  const scan = new TxnScan();
  for (const seg of segments) {
    await readSegment(dir, seg, async (buf) => {
      scan.visit(buf);
      await tick();
    });
  }
  const aborted = scan.abortedByFirstOffset();

  // 2. Key → latest offset over [firstDirty, firstUncleanable), skipping aborted data and markers.
  const { firstDirtyOffset: start, firstUncleanableOffset: end } = range;
  const map = new OffsetMap(opts.mapCapacity);
  map.latestOffset = start - 1;
  // Only transactions whose ABORT marker the walk below will meet (as Kafka collects them).
  const mapTxn = new CleanedTxnState(aborted.filter((t) => t.lastOffset >= start));
  let full = false;
  for (let i = 0; i < segments.length - 1 && !full; i++) {
    const seg = segments[i]!;
    const next = segments[i + 1]!.baseOffset;
    if (seg.baseOffset >= end) break;
    if (next <= start) continue;
    await readSegment(dir, seg, async (buf, baseOffset, lastOffset) => {
      if (full || baseOffset >= end) return;
      const h = readBatchHeader(buf);
      if (isControl(h.attributes)) {
        mapTxn.onControlBatch(h, h.recordCount > 0 ? controlTypeOf(buf) : -1);
      } else if (!mapTxn.onDataBatch(h) && lastOffset >= start) {
        for (const r of decodeBatchRecords(buf)) {
          if (r.key === null || Number(r.offset) < start) continue;
          if (!map.put(r.key, Number(r.offset))) {
            full = true;
            return;
          }
        }
      }
      if (lastOffset >= start) map.latestOffset = lastOffset;
      await tick();
    });
    if (!full) map.latestOffset = Math.max(map.latestOffset, Math.min(next, end) - 1);
  }
  const endOffset = map.latestOffset + 1;

  // 3. Rewrite the segments before endOffset, group by group.
  const result: CleanResult = {
    endOffset,
    segmentsBefore: 0,
    segmentsAfter: 0,
    bytesBefore: 0,
    bytesAfter: 0,
    recordsRead: 0,
    recordsKept: 0,
    nextHorizon: Infinity,
  };
  const candidates = segments.slice(0, -1).filter((s) => s.baseOffset < endOffset);
  const ctx: FilterContext = {
    map,
    txn: new CleanedTxnState(aborted),
    lastRecords: scan.lastRecords,
    upperBoundOffset: end,
    now: opts.now,
    deleteRetentionMs: log.config.deleteRetentionMs,
  };
  for (const group of groupBySize(candidates, segments, log.config.segmentBytes)) {
    const after = segments[segments.indexOf(group[group.length - 1]!) + 1]!;
    const writer = new CleanedSegmentWriter(dir, group[0]!.baseOffset, after.baseOffset, log.config.indexIntervalBytes);
    const stats = newFilterStats();
    let lastRead: Buffer | null = null;
    try {
      for (const seg of group) {
        await readSegment(dir, seg, async (buf) => {
          const out = filterBatch(buf, ctx, stats);
          if (out) writer.append(out);
          lastRead = buf;
          await tick();
        });
      }
      // A segment never becomes empty: its last batch stays, emptied, so it keeps a timestamp
      // (time retention of compact,delete topics) and its offsets (log start after a restart).
      if (writer.size === 0 && lastRead) writer.append(emptyBatch(lastRead, readBatchHeader(lastRead)));
    } catch (err) {
      writer.abort();
      throw err;
    }
    const cleaned = writer.finish();
    if (!log.replaceSegments(group, cleaned)) {
      rmSync(cleaned.swapPath, { force: true });
      throw new CleaningAbortedError('the log changed while it was being cleaned');
    }
    // As Kafka's cleaned transaction index: a transaction with no record left is not listed
    // (read_committed readers would skip its producer's later records until an abort marker).
    log.forgetAbortedTransactions(ctx.txn.takeEmptied());
    result.segmentsBefore += group.length;
    result.segmentsAfter += 1;
    result.bytesBefore += group.reduce((n, s) => n + s.size, 0);
    result.bytesAfter += cleaned.size;
    result.recordsRead += stats.recordsRead;
    result.recordsKept += stats.recordsKept;
    result.nextHorizon = Math.min(result.nextHorizon, stats.nextHorizon);
  }
  return result;
}

/** Calls `visit` for each batch of a segment, through a descriptor of the cleaner's own. */
async function readSegment(
  dir: string,
  seg: Segment,
  visit: (buf: Buffer, baseOffset: number, lastOffset: number) => Promise<void>,
): Promise<void> {
  let reader: SegmentFileReader;
  try {
    reader = new SegmentFileReader(dir, seg.baseOffset, seg.size);
  } catch (err) {
    throw new CleaningAbortedError(`segment ${seg.baseOffset} is gone: ${(err as Error).message}`);
  }
  try {
    for (const b of reader.batches()) await visit(b.buf, b.baseOffset, b.lastOffset);
  } finally {
    reader.close();
  }
}

/**
 * Consecutive segments whose total size stays within segment.bytes and whose offsets stay
 * within a 32-bit relative range, so each group is cleaned into one segment.
 */
export function groupBySize(candidates: Segment[], all: Segment[], maxBytes: number): Segment[][] {
  const groups: Segment[][] = [];
  let i = 0;
  while (i < candidates.length) {
    const group = [candidates[i]!];
    let bytes = candidates[i]!.size;
    i++;
    while (i < candidates.length) {
      const next = candidates[i]!;
      const nextEnd = (all[all.indexOf(next) + 1]?.baseOffset ?? next.nextOffset) - 1;
      if (bytes + next.size > maxBytes || nextEnd - group[0]!.baseOffset > 0x7fffffff) break;
      group.push(next);
      bytes += next.size;
      i++;
    }
    groups.push(group);
  }
  return groups;
}
