import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { storedBatchAt } from '../batch-scan.ts';
import { SegmentIndexes } from '../segment-indexes.ts';
import { cleanedFileName, swapFileName, type CleanedSegment } from './swap-files.ts';

/**
 * Writes one cleaned segment (`<base>.<end>.cleaned`) and builds its sparse offset and time
 * indexes the way Segment does, so installing it needs no rescan. `finish` fsyncs it and renames
 * it to `.swap`, the point after which a crash completes the replacement instead of undoing it.
 */
export class CleanedSegmentWriter {
  readonly baseOffset: number;
  readonly #path: string;
  readonly #swapPath: string;
  #fd: number | null;
  #size = 0;
  readonly #indexes: SegmentIndexes;

  constructor(dir: string, baseOffset: number, endOffset: number, indexInterval: number) {
    this.baseOffset = baseOffset;
    this.#path = join(dir, cleanedFileName(baseOffset, endOffset));
    this.#swapPath = join(dir, swapFileName(baseOffset, endOffset));
    this.#indexes = new SegmentIndexes(baseOffset, indexInterval);
    this.#fd = openSync(this.#path, 'w');
  }

  get size(): number {
    return this.#size;
  }

  append(batch: Buffer): void {
    if (this.#fd === null) throw new Error('cleaned segment already finished');
    let written = 0;
    while (written < batch.length) written += writeSync(this.#fd, batch, written, batch.length - written, this.#size + written);
    this.#indexes.add(storedBatchAt(batch, 0, this.#size));
    this.#size += batch.length;
  }

  /** fsync, close, rename to `.swap` (and fsync the directory so the rename is durable). */
  finish(): CleanedSegment {
    if (this.#fd === null) throw new Error('cleaned segment already finished');
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    this.#fd = null;
    renameSync(this.#path, this.#swapPath);
    try {
      const dirFd = openSync(dirname(this.#swapPath), 'r');
      fsyncSync(dirFd);
      closeSync(dirFd);
    } catch {
      // directory fsync is best effort on platforms that refuse it
    }
    return { swapPath: this.#swapPath, baseOffset: this.baseOffset, size: this.#size, offsetIndex: this.#indexes.offsets, timeIndex: this.#indexes.times };
  }

  /** Drops the unfinished file (an abandoned round). */
  abort(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
    rmSync(this.#path, { force: true });
  }
}
