import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { segmentStem } from '../segment.ts';
import { BATCH_HEADER_SIZE, BATCH_LENGTH, LAST_OFFSET_DELTA, LOG_OVERHEAD } from '../../../protocol/records/index.ts';

const CHUNK = 1024 * 1024;

/** One stored batch as the cleaner reads it: the bytes and where they were. */
export interface ReadBatch {
  buf: Buffer;
  baseOffset: number;
  lastOffset: number;
}

/**
 * Reads a segment's `.log` file through a descriptor of its own, so the cleaner keeps a stable
 * view between its slices even if the broker deletes or replaces the segment meanwhile (the
 * swap then notices and the round is abandoned). Only `size` bytes, fixed when opened, are read.
 */
export class SegmentFileReader {
  readonly baseOffset: number;
  readonly size: number;
  #fd: number;

  constructor(dir: string, baseOffset: number, size: number) {
    this.baseOffset = baseOffset;
    this.size = size;
    this.#fd = openSync(join(dir, `${segmentStem(baseOffset)}.log`), 'r');
  }

  /** Whole batches in file order; each buffer stays valid after the next one is read. */
  *batches(): Generator<ReadBatch> {
    let chunk: Buffer = Buffer.alloc(0);
    let chunkPos = 0;
    let pos = 0;
    while (this.size - pos >= BATCH_HEADER_SIZE) {
      let off = pos - chunkPos;
      if (off < 0 || off + BATCH_HEADER_SIZE > chunk.length) {
        chunk = this.#load(pos, CHUNK);
        chunkPos = pos;
        off = 0;
      }
      const size = chunk.readInt32BE(off + BATCH_LENGTH) + LOG_OVERHEAD;
      if (size < BATCH_HEADER_SIZE || pos + size > this.size) return;
      if (off + size > chunk.length) {
        chunk = this.#load(pos, Math.max(CHUNK, size));
        chunkPos = pos;
        off = 0;
      }
      const buf = chunk.subarray(off, off + size);
      const baseOffset = Number(buf.readBigInt64BE(0));
      yield { buf, baseOffset, lastOffset: baseOffset + buf.readInt32BE(LAST_OFFSET_DELTA) };
      pos += size;
    }
  }

  #load(pos: number, want: number): Buffer {
    const buf = Buffer.allocUnsafe(Math.min(want, this.size - pos));
    let got = 0;
    while (got < buf.length) {
      const n = readSync(this.#fd, buf, got, buf.length - got, pos + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  }

  close(): void {
    closeSync(this.#fd);
  }
}
