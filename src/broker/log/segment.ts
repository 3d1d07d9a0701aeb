import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { scanSegment, storedBatchAt, type StoredBatch } from './batch-scan.ts';
import { SparseIndex } from './sparse-index.ts';
import { SegmentIndexes } from './segment-indexes.ts';
import { BATCH_HEADER_SIZE, BATCH_LENGTH, LOG_OVERHEAD } from '../../protocol/records/index.ts';

/** File name stem of a segment: its base offset, zero-padded like Kafka's. */
export function segmentStem(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0');
}

/**
 * One segment of a partition log: a `.log` file of RecordBatch v2 batches stored as received
 * (with offsets assigned), plus sparse offset and time indexes kept in memory and saved to
 * `.index` / `.timeindex` when the segment is sealed or the broker shuts down cleanly.
 */
export class Segment {
  readonly baseOffset: number;
  readonly #logPath: string;
  readonly #indexPath: string;
  readonly #timeIndexPath: string;
  #fd: number;
  #indexes: SegmentIndexes;
  /** Bytes of whole batches in the file. */
  size = 0;
  /** One past the last offset stored here (== baseOffset when empty). */
  nextOffset: number;
  /** Largest batch max timestamp, -1 when empty. */
  maxTimestamp = -1;
  /** When the segment was created (for segment.ms rolls), from the broker clock. */
  readonly createdAt: number;

  private constructor(dir: string, baseOffset: number, indexInterval: number, createdAt: number) {
    const stem = join(dir, segmentStem(baseOffset));
    this.baseOffset = baseOffset;
    this.nextOffset = baseOffset;
    this.#logPath = `${stem}.log`;
    this.#indexPath = `${stem}.index`;
    this.#timeIndexPath = `${stem}.timeindex`;
    this.createdAt = createdAt;
    this.#indexes = new SegmentIndexes(baseOffset, indexInterval);
    this.#fd = openSync(this.#logPath, 'a+');
  }

  /** A new, empty segment. */
  static create(dir: string, baseOffset: number, indexInterval: number, now: number): Segment {
    return new Segment(dir, baseOffset, indexInterval, now);
  }

  /**
   * Opens an existing segment. Saved indexes that match the file are trusted and only the part
   * after the last index entry is scanned; otherwise the whole file is scanned with CRC checks
   * and truncated after the last good batch (a torn tail after a crash).
   * Returns the segment and whether it had to be truncated.
   */
  static open(dir: string, baseOffset: number, indexInterval: number, now: number): { segment: Segment; truncated: boolean } {
    const seg = new Segment(dir, baseOffset, indexInterval, now);
    const fileSize = fstatSync(seg.#fd).size;
    const offsetIndex = SparseIndex.load(seg.#indexPath, fileSize);
    const timeIndex = offsetIndex && SparseIndex.load(seg.#timeIndexPath, fileSize);
    const trusted = offsetIndex !== null && timeIndex !== null;
    let start = 0;
    if (trusted) {
      seg.#indexes = new SegmentIndexes(baseOffset, indexInterval, offsetIndex, timeIndex);
      start = offsetIndex.floor(Number.MAX_SAFE_INTEGER, 0);
      seg.maxTimestamp = timeIndex.lastKey() ?? -1;
    }
    const end = scanSegment(seg.#fd, start, fileSize, !trusted, baseOffset, (b) => {
      seg.nextOffset = b.lastOffset + 1;
      if (b.maxTimestamp > seg.maxTimestamp) seg.maxTimestamp = b.maxTimestamp;
      if (!trusted) seg.#indexBatch(b);
    });
    seg.size = end;
    const truncated = end < fileSize;
    if (truncated) ftruncateSync(seg.#fd, end);
    return { segment: seg, truncated };
  }

  #indexBatch(b: StoredBatch): void {
    this.#indexes.add(b);
    if (b.maxTimestamp > this.maxTimestamp) this.maxTimestamp = b.maxTimestamp;
  }

  /**
   * Appends whole batches whose offsets are already assigned. `data` holds them back to back.
   */
  append(data: Buffer): void {
    const start = this.size;
    let written = 0;
    while (written < data.length) written += writeSync(this.#fd, data, written, data.length - written, start + written);
    for (let off = 0; off < data.length; ) {
      const b = storedBatchAt(data, off, start + off);
      this.#indexBatch(b);
      this.nextOffset = b.lastOffset + 1;
      off += b.size;
    }
    this.size += data.length;
  }

  /**
   * Reads whole batches starting with the one that holds `offset`, up to `maxBytes` (but at
   * least one batch, so a consumer always makes progress). Returns null when `offset` is past
   * the end of this segment.
   */
  read(offset: number, maxBytes: number, limitPos = this.size): Buffer | null {
    if (offset >= this.nextOffset) return null;
    let pos = this.#indexes.offsets.floor(offset - this.baseOffset, 0);
    // Find the batch holding `offset`: at most an index interval of headers to walk.
    const header = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
    for (;;) {
      if (pos + BATCH_HEADER_SIZE > limitPos) return null;
      readSync(this.#fd, header, 0, BATCH_HEADER_SIZE, pos);
      const b = storedBatchAt(header, 0, pos);
      if (b.lastOffset >= offset) break;
      pos += b.size;
    }
    const want = Math.min(limitPos - pos, Math.max(maxBytes, header.readInt32BE(BATCH_LENGTH) + LOG_OVERHEAD));
    const buf = Buffer.allocUnsafe(want);
    const got = readSync(this.#fd, buf, 0, want, pos);
    // Trim to whole batches.
    let end = 0;
    while (got - end >= LOG_OVERHEAD) {
      const size = buf.readInt32BE(end + BATCH_LENGTH) + LOG_OVERHEAD;
      if (end + size > got) break;
      end += size;
    }
    return end === 0 ? null : buf.subarray(0, end);
  }

  /** Walks batch headers from the index entry at or before `offset` (for time lookups, etc.). */
  scanFrom(offset: number, visit: (b: StoredBatch) => boolean | void): void {
    let pos = this.#indexes.offsets.floor(offset - this.baseOffset, 0);
    const header = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
    while (pos + BATCH_HEADER_SIZE <= this.size) {
      readSync(this.#fd, header, 0, BATCH_HEADER_SIZE, pos);
      const b = storedBatchAt(header, 0, pos);
      if (b.lastOffset >= offset && visit(b) === false) return;
      pos += b.size;
    }
  }

  /** First offset to scan from when looking for timestamps >= `timestamp`. */
  offsetForTimestampHint(timestamp: number): number {
    return this.baseOffset + this.#indexes.times.floor(timestamp - 1, 0);
  }

  /** Reads `size` bytes at `pos` (one batch, for record-level lookups). */
  readAt(pos: number, size: number): Buffer {
    const buf = Buffer.allocUnsafe(size);
    readSync(this.#fd, buf, 0, size, pos);
    return buf;
  }

  flush(): void {
    fsyncSync(this.#fd);
  }

  /** Flushes and saves the indexes: the segment will take no more writes. */
  seal(): void {
    this.flush();
    this.#saveIndexes();
  }

  #saveIndexes(): void {
    this.#indexes.offsets.save(this.#indexPath, this.size);
    this.#indexes.times.save(this.#timeIndexPath, this.size);
  }

  /** Clean shutdown: saves indexes so the next start need not rescan. */
  close(): void {
    this.flush();
    this.#saveIndexes();
    closeSync(this.#fd);
  }

  /** Closes without saving (used on delete). */
  delete(): void {
    closeSync(this.#fd);
    for (const p of [this.#logPath, this.#indexPath, this.#timeIndexPath]) rmSync(p, { force: true });
  }
}
