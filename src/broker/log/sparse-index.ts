import { crc32c } from '@node-rs/crc32';
import { existsSync, readFileSync } from 'node:fs';
import { fileIO } from './file-io.ts';

/**
 * A sparse, sorted index of (key, value) pairs held in memory and written to disk when its
 * segment is sealed. The offset index maps relative offset → file position; the time index maps
 * max timestamp so far → relative offset. Lookups find the last entry whose key is <= the target.
 *
 * File format: "SLIX" | version u8 | segmentSize f64 | count u32 | keys f64[] | values f64[] | crc32c u32.
 * `segmentSize` ties the file to the exact log it describes: a mismatch means "rebuild me".
 */
export class SparseIndex {
  #keys: number[] = [];
  #values: number[] = [];

  get length(): number {
    return this.#keys.length;
  }

  lastKey(): number | undefined {
    return this.#keys[this.#keys.length - 1];
  }

  /** Appends an entry; keys must not decrease (out-of-order entries are ignored). */
  append(key: number, value: number): void {
    const last = this.lastKey();
    if (last !== undefined && key < last) return;
    this.#keys.push(key);
    this.#values.push(value);
  }

  /** Value of the last entry with key <= target, or `fallback` when there is none. */
  floor(target: number, fallback: number): number {
    const found = lastAtOrBelow(this.#keys, target);
    return found < 0 ? fallback : this.#values[found]!;
  }

  /** Position of the last entry with key <= target, or -1. */
  floorIndex(target: number): number {
    return lastAtOrBelow(this.#keys, target);
  }

  /** Position of the last entry with value <= target, or -1 (values grow with keys in our indexes). */
  floorIndexByValue(target: number): number {
    return lastAtOrBelow(this.#values, target);
  }

  keyAt(i: number): number {
    return this.#keys[i]!;
  }

  valueAt(i: number): number {
    return this.#values[i]!;
  }

  /** Drops entries whose value is >= `value` (used when a log is truncated). */
  truncateValuesFrom(value: number): void {
    let n = this.#values.length;
    while (n > 0 && this.#values[n - 1]! >= value) n--;
    this.#keys.length = n;
    this.#values.length = n;
  }

  /** Writes atomically (temp file + rename, no fsync: a lost index is rebuilt by a scan). */
  save(path: string, segmentSize: number): void {
    const n = this.#keys.length;
    const buf = Buffer.alloc(4 + 1 + 8 + 4 + n * 16 + 4);
    buf.write('SLIX', 0, 'latin1');
    buf.writeUInt8(1, 4);
    buf.writeDoubleBE(segmentSize, 5);
    buf.writeUInt32BE(n, 13);
    let pos = 17;
    for (let i = 0; i < n; i++, pos += 8) buf.writeDoubleBE(this.#keys[i]!, pos);
    for (let i = 0; i < n; i++, pos += 8) buf.writeDoubleBE(this.#values[i]!, pos);
    buf.writeUInt32BE(crc32c(buf.subarray(0, pos)), pos);
    fileIO().replaceFile(path, buf);
  }

  /** Loads an index saved for a segment of exactly `segmentSize` bytes, or returns null. */
  static load(path: string, segmentSize: number): SparseIndex | null {
    if (!existsSync(path)) return null;
    const buf = readFileSync(path);
    if (buf.length < 21 || buf.toString('latin1', 0, 4) !== 'SLIX' || buf.readUInt8(4) !== 1) return null;
    const n = buf.readUInt32BE(13);
    if (buf.length !== 21 + n * 16) return null;
    if (buf.readUInt32BE(buf.length - 4) !== crc32c(buf.subarray(0, buf.length - 4))) return null;
    if (buf.readDoubleBE(5) !== segmentSize) return null;
    const index = new SparseIndex();
    for (let i = 0; i < n; i++) {
      index.#keys.push(buf.readDoubleBE(17 + i * 8));
      index.#values.push(buf.readDoubleBE(17 + n * 8 + i * 8));
    }
    return index;
  }
}

/** Index of the last element <= target in a sorted array, or -1. */
function lastAtOrBelow(sorted: readonly number[], target: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= target) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
