import { existsSync, fstatSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { scanSegment, storedBatchAt, type StoredBatch } from './batch-scan.ts';
import { SparseIndex } from './sparse-index.ts';
import { SegmentIndexes } from './segment-indexes.ts';
import { RecentBatches } from './recent-batches.ts';
import { fileIO, isStorageFailure } from './file-io.ts';
import type { HandleOwner } from './handle-cache.ts';
import type { LogStorage } from './log-storage.ts';
import { BATCH_HEADER_SIZE, BATCH_LENGTH, LOG_OVERHEAD } from '../../protocol/records/index.ts';
import { logger } from '../../util/logger.ts';

/** File name stem of a segment: its base offset, zero-padded like Kafka's. */
export function segmentStem(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0');
}

/** Where one stored batch lies and which offsets it holds. */
interface BatchExtent {
  pos: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
}

/** The whole batches a fetch returns from one segment: a byte range of its file. */
export interface ReadPlan {
  position: number;
  length: number;
  /** One past the last offset the range covers (an upper bound for aborted-transaction lookups). */
  endOffset: number;
}

/**
 * One segment of a partition log: a `.log` file of RecordBatch v2 batches stored as received
 * (with offsets assigned), plus sparse offset and time indexes kept in memory and saved to
 * `.index` / `.timeindex` when the segment is sealed or the broker shuts down cleanly.
 *
 * The file descriptor is opened on demand through the broker's bounded handle cache and may be
 * closed whenever the segment is idle. A deferred read (a fetch response written later) pins the
 * segment: deleting a pinned segment removes its files at once but keeps the descriptor open
 * until the last pin goes, so the bytes promised to a client stay readable.
 */
export class Segment implements HandleOwner {
  readonly baseOffset: number;
  readonly #logPath: string;
  readonly #indexPath: string;
  readonly #timeIndexPath: string;
  readonly #storage: LogStorage;
  #fd: number | null = null;
  #indexes: SegmentIndexes;
  /** Bytes of whole batches in the file. */
  size = 0;
  /** One past the last offset stored here (== baseOffset when empty). */
  nextOffset: number;
  /** Largest batch max timestamp, -1 when empty. */
  maxTimestamp = -1;
  /** When the segment was created (for segment.ms rolls), from the broker clock. */
  readonly createdAt: number;
  #pins = 0;
  #reads = 0;
  #retired = false;
  /** Appended since the last fsync. */
  #unsynced = false;
  /** Size the saved index files describe (-1: none saved). */
  #indexedSize = -1;
  /** The last batches appended while open: tail fetches plan from these without reading headers. */
  readonly #recent = new RecentBatches();

  private constructor(dir: string, baseOffset: number, indexInterval: number, createdAt: number, storage: LogStorage) {
    const stem = join(dir, segmentStem(baseOffset));
    this.baseOffset = baseOffset;
    this.nextOffset = baseOffset;
    this.#logPath = `${stem}.log`;
    this.#indexPath = `${stem}.index`;
    this.#timeIndexPath = `${stem}.timeindex`;
    this.createdAt = createdAt;
    this.#storage = storage;
    this.#indexes = new SegmentIndexes(baseOffset, indexInterval);
  }

  /** A new, empty segment; its file is created by the first append. */
  static create(dir: string, baseOffset: number, indexInterval: number, now: number, storage: LogStorage): Segment {
    return new Segment(dir, baseOffset, indexInterval, now, storage);
  }

  /**
   * Opens an existing segment. Saved indexes that match the file are trusted and only the part
   * after the last index entry is scanned; otherwise the whole file is scanned with CRC checks
   * and truncated after the last good batch (a torn tail after a crash).
   * Returns the segment and whether it had to be truncated.
   */
  static open(dir: string, baseOffset: number, indexInterval: number, now: number, storage: LogStorage): { segment: Segment; truncated: boolean } {
    const seg = new Segment(dir, baseOffset, indexInterval, now, storage);
    const fd = seg.#handle();
    const fileSize = fstatSync(fd).size;
    const offsetIndex = SparseIndex.load(seg.#indexPath, fileSize);
    const timeIndex = offsetIndex && SparseIndex.load(seg.#timeIndexPath, fileSize);
    const trusted = offsetIndex !== null && timeIndex !== null;
    let start = 0;
    if (trusted) {
      seg.#indexes = new SegmentIndexes(baseOffset, indexInterval, offsetIndex, timeIndex);
      start = offsetIndex.floor(Number.MAX_SAFE_INTEGER, 0);
      seg.maxTimestamp = timeIndex.lastKey() ?? -1;
      seg.#indexedSize = fileSize;
    }
    const end = scanSegment(fd, start, fileSize, !trusted, baseOffset, (b) => {
      seg.nextOffset = b.lastOffset + 1;
      if (b.maxTimestamp > seg.maxTimestamp) seg.maxTimestamp = b.maxTimestamp;
      if (!trusted) seg.#indexBatch(b);
    });
    seg.size = end;
    const truncated = end < fileSize;
    if (truncated) fileIO().truncate(fd, end);
    return { segment: seg, truncated };
  }

  /** Entries of the offset index (Kafka rolls a segment whose index is full). */
  get indexEntries(): number {
    return this.#indexes.offsets.length;
  }

  // ---- the descriptor (HandleOwner) ----

  get busy(): boolean {
    return this.#reads > 0;
  }

  openHandle(): number {
    try {
      this.#fd = fileIO().openReadWrite(this.#logPath);
    } catch (err) {
      // A partition's directory is created by its first write, not by topic creation.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(dirname(this.#logPath), { recursive: true });
      this.#fd = fileIO().openReadWrite(this.#logPath);
    }
    return this.#fd;
  }

  closeHandle(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    fileIO().close(fd);
  }

  /** The open descriptor: through the cache while live, the kept one once retired. */
  #handle(): number {
    if (this.#retired) {
      if (this.#fd === null) throw new Error(`segment ${this.#logPath} was deleted`);
      return this.#fd;
    }
    return this.#storage.handles.use(this);
  }

  #indexBatch(b: StoredBatch): void {
    this.#indexes.add(b);
    if (b.maxTimestamp > this.maxTimestamp) this.maxTimestamp = b.maxTimestamp;
  }

  /**
   * Appends whole batches whose offsets are already assigned. `data` holds them back to back.
   * A failed write (disk full) is cut back off the file, so the segment is as it was before.
   */
  append(data: Buffer): void {
    const io = fileIO();
    const fd = this.#handle();
    const start = this.size;
    let written = 0;
    try {
      while (written < data.length) written += io.write(fd, data, written, data.length - written, start + written);
    } catch (err) {
      try {
        io.truncate(fd, start);
      } catch {
        // the next append writes at `start` again and overwrites what is there
      }
      throw err;
    }
    this.#unsynced = true;
    for (let off = 0; off < data.length; ) {
      const b = storedBatchAt(data, off, start + off);
      this.#indexBatch(b);
      this.#recent.add(b.pos, b.size, b.baseOffset, b.lastOffset);
      this.nextOffset = b.lastOffset + 1;
      off += b.size;
    }
    this.size += data.length;
  }

  /** The batch holding `offset`: among the recent ones, else walked from the nearest index entry. */
  #locate(offset: number): BatchExtent | null {
    if (offset >= this.nextOffset) return null;
    const recent = this.#recent.find(offset);
    if (recent >= 0) return this.#recentExtent(recent);
    let pos = this.#indexes.offsets.floor(offset - this.baseOffset, 0);
    const header = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
    for (;;) {
      if (pos + BATCH_HEADER_SIZE > this.size) return null;
      const b = this.#extentAt(pos, header);
      if (b.lastOffset >= offset) return b;
      pos += b.size;
    }
  }

  /** The batch at file position `pos`: a recent one, else its header read into `header`. */
  #extentAt(pos: number, header: Buffer): BatchExtent {
    const recent = this.#recent.atPosition(pos);
    if (recent >= 0) return this.#recentExtent(recent);
    fileIO().readSync(this.#handle(), header, 0, BATCH_HEADER_SIZE, pos);
    return storedBatchAt(header, 0, pos);
  }

  #recentExtent(i: number): BatchExtent {
    const r = this.#recent;
    return { pos: r.pos(i), size: r.size(i), baseOffset: r.baseOffset(i), lastOffset: r.lastOffset(i) };
  }

  /**
   * Where the whole batches from the one holding `offset` lie, up to `maxBytes` and before
   * `maxOffset` (batches starting at or past it are left out). With `minOneBatch` the first
   * batch is returned even when it alone is larger than `maxBytes` (KIP-74). Null when nothing
   * qualifies. Reads only batch headers: the data is read when the response is written.
   */
  plan(offset: number, maxBytes: number, maxOffset: number, minOneBatch: boolean): ReadPlan | null {
    const first = this.#locate(offset);
    if (!first) return null;
    const start = first.pos;
    if (first.baseOffset >= maxOffset) return null;
    if (first.size > maxBytes) {
      return minOneBatch && start + first.size <= this.size ? { position: start, length: first.size, endOffset: first.lastOffset + 1 } : null;
    }
    const limit = Math.min(this.size, start + maxBytes);
    // Jump over whole index intervals that end before both limits, then walk headers.
    const offsets = this.#indexes.offsets;
    const entry = Math.min(offsets.floorIndexByValue(limit), offsets.floorIndex(maxOffset - this.baseOffset));
    let pos = start;
    let endOffset = first.baseOffset;
    if (entry >= 0 && offsets.valueAt(entry) > start) {
      pos = offsets.valueAt(entry);
      endOffset = this.baseOffset + offsets.keyAt(entry);
    }
    const header = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
    while (pos + BATCH_HEADER_SIZE <= this.size) {
      const b = this.#extentAt(pos, header);
      if (b.baseOffset >= maxOffset || pos + b.size > limit) break;
      pos += b.size;
      endOffset = b.lastOffset + 1;
    }
    return pos > start ? { position: start, length: pos - start, endOffset } : null;
  }

  /**
   * Reads whole batches starting with the one that holds `offset`, up to `maxBytes` (but at
   * least one batch, so a consumer always makes progress). Returns null when `offset` is past
   * the end of this segment.
   */
  read(offset: number, maxBytes: number): Buffer | null {
    const plan = this.plan(offset, maxBytes, Number.MAX_SAFE_INTEGER, true);
    return plan ? this.readAt(plan.position, plan.length) : null;
  }

  /** Walks batch headers from the index entry at or before `offset` (for time lookups, etc.). */
  scanFrom(offset: number, visit: (b: StoredBatch) => boolean | void): void {
    let pos = this.#indexes.offsets.floor(offset - this.baseOffset, 0);
    const header = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
    const io = fileIO();
    while (pos + BATCH_HEADER_SIZE <= this.size) {
      io.readSync(this.#handle(), header, 0, BATCH_HEADER_SIZE, pos);
      const b = storedBatchAt(header, 0, pos);
      if (b.lastOffset >= offset && visit(b) === false) return;
      pos += b.size;
    }
  }

  /** First offset to scan from when looking for timestamps >= `timestamp`. */
  offsetForTimestampHint(timestamp: number): number {
    return this.baseOffset + this.#indexes.times.floor(timestamp - 1, 0);
  }

  /** Reads `size` bytes at `pos` synchronously (small reads: one batch, a header). */
  readAt(pos: number, size: number): Buffer {
    const buf = Buffer.allocUnsafe(size);
    const io = fileIO();
    let got = 0;
    while (got < size) {
      const n = io.readSync(this.#handle(), buf, got, size - got, pos + got);
      if (n === 0) throw new Error(`segment ${this.#logPath}: short read at ${pos + got}`);
      got += n;
    }
    return buf;
  }

  /** Reads `size` bytes at `pos` on the thread pool, so the event loop never waits for the disk. */
  readAsync(pos: number, size: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(size);
    let fd: number;
    try {
      fd = this.#handle();
    } catch (err) {
      return Promise.reject(err);
    }
    this.#reads++;
    return new Promise<Buffer>((resolve, reject) => {
      const step = (got: number) => {
        fileIO().read(fd, buf, got, size - got, pos + got, (err, n) => {
          if (!err && n > 0 && got + n < size) return step(got + n);
          this.#reads--;
          this.#maybeRelease();
          if (err) reject(err);
          else if (got + n < size) reject(new Error(`segment ${this.#logPath}: short read at ${pos + got + n}`));
          else resolve(buf);
        });
      };
      step(0);
    });
  }

  /** Keeps the bytes readable until `unpin` (a response that will read them later). */
  pin(): void {
    this.#pins++;
  }

  unpin(): void {
    this.#pins--;
    this.#maybeRelease();
  }

  /** fsync on the thread pool (many logs at shutdown), when anything was appended since the last one. */
  flushAsync(): Promise<void> {
    if (!this.#unsynced || this.#retired) return Promise.resolve();
    const fd = this.#handle();
    const size = this.size;
    this.#reads++;
    return new Promise((resolve, reject) => {
      fileIO().fsyncAsync(fd, (err) => {
        this.#reads--;
        this.#maybeRelease();
        if (err) return reject(err);
        if (this.size === size) this.#unsynced = false; // nothing appended meanwhile
        resolve();
      });
    });
  }

  /** fsync, when anything was appended since the last one. */
  flush(): void {
    if (!this.#unsynced || this.#retired) return;
    fileIO().fsync(this.#handle());
    this.#unsynced = false;
  }

  /** Flushes and saves the indexes: the segment will take no more writes. */
  seal(): void {
    this.flush();
    this.#saveIndexes();
  }

  #saveIndexes(): void {
    if (this.#indexedSize === this.size || this.size === 0) return;
    try {
      this.#indexes.offsets.save(this.#indexPath, this.size);
      this.#indexes.times.save(this.#timeIndexPath, this.size);
      this.#indexedSize = this.size;
    } catch (err) {
      // Indexes are rebuilt by a scan when missing; a full disk must not stop the log.
      if (!isStorageFailure(err)) throw err;
      logger.warn({ segment: this.#logPath, err: (err as Error).message }, 'could not save segment indexes; they will be rebuilt at the next start');
    }
  }

  /** Clean shutdown: saves indexes so the next start need not rescan. */
  close(): void {
    if (this.#retired) return;
    this.flush();
    this.#saveIndexes();
    this.#storage.handles.forget(this);
    this.#retired = true;
    // A read still running on the thread pool, or a response still to be written, keeps the descriptor.
    this.#maybeRelease();
  }

  /**
   * Takes the segment out of service without touching its files (the caller removes them). A
   * pinned segment keeps its descriptor open until unpinned, so responses already promised can
   * still be written.
   */
  retire(): void {
    if (this.#retired) return;
    this.#retired = true;
    this.#storage.handles.forget(this);
    if (this.#pins > 0 || this.#reads > 0) {
      if (this.#fd === null && existsSync(this.#logPath)) this.#fd = fileIO().openRead(this.#logPath);
    } else this.closeHandle();
  }

  /** Retires the segment and removes its files. */
  delete(): void {
    if (this.#retired) return;
    this.retire();
    const io = fileIO();
    for (const p of [this.#logPath, this.#indexPath, this.#timeIndexPath]) io.remove(p);
  }

  #maybeRelease(): void {
    if (this.#retired && this.#pins === 0 && this.#reads === 0) this.closeHandle();
  }
}
