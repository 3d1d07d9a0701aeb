import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scanSegment } from '../batch-scan.ts';
import { Segment, segmentStem } from '../segment.ts';
import type { SparseIndex } from '../sparse-index.ts';
import type { LogStorage } from '../log-storage.ts';
import { logger } from '../../../util/logger.ts';

/**
 * Crash-safe replacement of a run of segments by their cleaned copy:
 *
 * 1. the cleaner writes `<base>.<end>.cleaned` (base = first replaced segment, end = base offset
 *    of the segment after the run) and fsyncs it;
 * 2. it renames it to `<base>.<end>.swap`: from here the new copy is complete and wins;
 * 3. the broker deletes the replaced segments (every `.log` with base in [base, end), and their
 *    indexes), renames the swap to `<base>.log` and writes its indexes.
 *
 * On open, `recoverCleanerFiles` removes stale `.cleaned` files (the round is simply redone) and
 * finishes any `.swap` left by a crash between steps 2 and 3. A swap that fails its CRC scan
 * (which the fsync before step 2 rules out) is rolled back while the originals are still there.
 */
const CLEANED = /^(\d{20})\.(\d{20})\.cleaned$/;
const SWAP = /^(\d{20})\.(\d{20})\.swap$/;
const LOG = /^(\d{20})\.log$/;

export function cleanedFileName(base: number, end: number): string {
  return `${segmentStem(base)}.${segmentStem(end)}.cleaned`;
}

export function swapFileName(base: number, end: number): string {
  return `${segmentStem(base)}.${segmentStem(end)}.swap`;
}

/** A cleaned copy ready to install: its `.swap` file and the indexes built while writing it. */
export interface CleanedSegment {
  swapPath: string;
  baseOffset: number;
  size: number;
  offsetIndex: SparseIndex;
  timeIndex: SparseIndex;
}

function removeSegmentFiles(dir: string, base: number): void {
  const stem = join(dir, segmentStem(base));
  for (const ext of ['.log', '.index', '.timeindex']) rmSync(`${stem}${ext}`, { force: true });
}

/** Whether a directory listing holds files a crash left mid-clean. */
export function hasCleanerFiles(names: readonly string[]): boolean {
  return names.some((n) => CLEANED.test(n) || SWAP.test(n));
}

/** Completes or rolls back what a crash left mid-clean in a partition directory. */
export function recoverCleanerFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (CLEANED.test(name)) {
      rmSync(join(dir, name), { force: true });
      logger.info({ dir, file: name }, 'removed an unfinished cleaned segment');
    }
  }
  for (const name of names) {
    const m = SWAP.exec(name);
    if (!m) continue;
    const base = Number(m[1]);
    const end = Number(m[2]);
    const swapPath = join(dir, name);
    const fd = openSync(swapPath, 'r+');
    const fileSize = fstatSync(fd).size;
    const valid = scanSegment(fd, 0, fileSize, true, base, () => {});
    if (valid < fileSize && existsSync(join(dir, `${segmentStem(base)}.log`))) {
      closeSync(fd);
      rmSync(swapPath, { force: true });
      logger.warn({ dir, file: name }, 'rolled back a corrupt swap file; the original segments stay');
      continue;
    }
    if (valid < fileSize) ftruncateSync(fd, valid);
    closeSync(fd);
    for (const other of names) {
      const lm = LOG.exec(other);
      if (lm && Number(lm[1]) >= base && Number(lm[1]) < end) removeSegmentFiles(dir, Number(lm[1]));
    }
    removeSegmentFiles(dir, base);
    renameSync(swapPath, join(dir, `${segmentStem(base)}.log`));
    logger.info({ dir, base, end }, 'completed a cleaned-segment swap interrupted by a crash');
  }
}

/**
 * Step 3 above, for a live log: deletes `old` (contiguous, oldest first), renames the swap into
 * place, saves its indexes and opens it. Synchronous, so no reader sees the range missing.
 */
export function installCleanedSegment(dir: string, old: readonly Segment[], cleaned: CleanedSegment, indexInterval: number, now: number, storage: LogStorage): Segment {
  for (let i = old.length - 1; i >= 0; i--) old[i]!.delete();
  const stem = join(dir, segmentStem(cleaned.baseOffset));
  renameSync(cleaned.swapPath, `${stem}.log`);
  cleaned.offsetIndex.save(`${stem}.index`, cleaned.size);
  cleaned.timeIndex.save(`${stem}.timeindex`, cleaned.size);
  return Segment.open(dir, cleaned.baseOffset, indexInterval, now, storage).segment;
}
