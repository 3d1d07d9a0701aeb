import { crc32c } from '@node-rs/crc32';
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { decodeEntry, encodeEntry } from './entry-codec.ts';
import { liveEntries, type OffsetLogEntry, type OffsetStore } from './offset-log.ts';

/** Record header: payload length (u32 BE) then CRC-32C of the payload (u32 BE). */
const HEADER_BYTES = 8;
/** Far above any real entry; a larger length field means the header itself is garbage. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export interface FileOffsetStoreOptions {
  /** Compact once the log holds this many times more records than live entries (default 4). */
  compactionRatio?: number;
  /** ...and at least this many records (default 1000), so small logs are left alone. */
  minCompactionRecords?: number;
}

/**
 * The coordinator's durable log (our `__consumer_offsets`): one append-only file of
 * length-prefixed, CRC-32C-checked JSON records, fsynced on every append. `load()` replays it,
 * cuts off a torn or corrupt tail (a crash mid-write) instead of refusing to start, and compacts
 * the file (write temp, fsync, rename, fsync dir) once it has grown to several times the live
 * entries; compaction also runs on append when that threshold is crossed.
 */
export class FileOffsetStore implements OffsetStore {
  readonly dir: string;
  readonly path: string;
  readonly #tempPath: string;
  readonly #ratio: number;
  readonly #minRecords: number;
  #fd: number | null = null;
  /** Records in the file now. */
  #records = 0;
  /** Live entries at the last load/compaction: the baseline the ratio applies to. */
  #live = 0;

  constructor(dir: string, opts: FileOffsetStoreOptions = {}) {
    this.dir = dir;
    this.path = join(dir, 'group-offsets.log');
    this.#tempPath = join(dir, 'group-offsets.log.compacting');
    this.#ratio = opts.compactionRatio ?? 4;
    this.#minRecords = opts.minCompactionRecords ?? 1000;
  }

  load(): OffsetLogEntry[] {
    this.close();
    mkdirSync(this.dir, { recursive: true });
    // A crash during compaction leaves the temp file behind; the log itself was never touched.
    rmSync(this.#tempPath, { force: true });
    const existed = existsSync(this.path);
    const { entries, validBytes, fileBytes } = this.#read();
    if (validBytes < fileBytes) {
      // Torn or corrupt tail (a crash mid-append): keep everything before it.
      const fd = openSync(this.path, 'r+');
      try {
        ftruncateSync(fd, validBytes);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    this.#fd = openSync(this.path, 'a');
    if (!existed) fsyncDir(this.dir);
    const live = liveEntries(entries);
    this.#records = entries.length;
    this.#live = live.length;
    if (this.#shouldCompact()) this.#compact(live);
    return live;
  }

  append(entries: OffsetLogEntry[]): void {
    if (entries.length === 0) return;
    if (this.#fd === null) throw new Error(`FileOffsetStore(${this.dir}): load() must be called before append()`);
    writeFully(this.#fd, Buffer.concat(entries.map(frame)));
    fsyncSync(this.#fd);
    this.#records += entries.length;
    if (this.#shouldCompact()) this.#compact(liveEntries(this.#read().entries));
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  #shouldCompact(): boolean {
    return this.#records >= this.#minRecords && this.#records > this.#ratio * Math.max(this.#live, 1);
  }

  /** Parses the log up to the first record that is incomplete or fails its checksum. */
  #read(): { entries: OffsetLogEntry[]; validBytes: number; fileBytes: number } {
    if (!existsSync(this.path)) return { entries: [], validBytes: 0, fileBytes: 0 };
    const data = readFileSync(this.path);
    const entries: OffsetLogEntry[] = [];
    let pos = 0;
    while (pos + HEADER_BYTES <= data.length) {
      const len = data.readUInt32BE(pos);
      const crc = data.readUInt32BE(pos + 4);
      const end = pos + HEADER_BYTES + len;
      if (len > MAX_RECORD_BYTES || end > data.length) break;
      const payload = data.subarray(pos + HEADER_BYTES, end);
      if (crc32c(payload) !== crc) break;
      let entry: OffsetLogEntry;
      try {
        entry = decodeEntry(payload);
      } catch {
        break;
      }
      entries.push(entry);
      pos = end;
    }
    return { entries, validBytes: pos, fileBytes: data.length };
  }

  /** Rewrites the log with only `live`, atomically: readers see the old file or the new one. */
  #compact(live: OffsetLogEntry[]): void {
    this.close();
    const fd = openSync(this.#tempPath, 'w');
    try {
      for (const e of live) writeFully(fd, frame(e));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(this.#tempPath, this.path);
    fsyncDir(this.dir);
    this.#fd = openSync(this.path, 'a');
    this.#records = live.length;
    this.#live = live.length;
  }
}

function frame(e: OffsetLogEntry): Buffer {
  const payload = encodeEntry(e);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(payload.length, 0);
  header.writeUInt32BE(crc32c(payload), 4);
  return Buffer.concat([header, payload]);
}

function writeFully(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

/** Makes a rename durable: the directory entry lives in the directory's own data. */
function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
