import { createHash } from 'node:crypto';

/**
 * The cleaner's key → latest offset map over the dirty section of a log (Kafka's "offset map").
 * Keys up to 32 bytes are held as they are; longer keys by their SHA-256 digest, so memory is
 * bounded by `capacity` entries of at most ~33 bytes of key each. When the map is full the
 * cleaning round stops there: everything after `latestOffset` is kept and cleaned next round.
 */
export class OffsetMap {
  readonly capacity: number;
  readonly #map = new Map<string, number>();
  /** The last offset whose keys are in the map; records after it are not deduplicated. */
  latestOffset = -1;

  constructor(capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`offset map capacity must be >= 1, got ${capacity}`);
    this.capacity = capacity;
  }

  get size(): number {
    return this.#map.size;
  }

  get full(): boolean {
    return this.#map.size >= this.capacity;
  }

  /** Records `offset` as the latest for `key`; false (and nothing stored) when the map is full. */
  put(key: Buffer, offset: number): boolean {
    const k = mapKey(key);
    if (this.#map.size >= this.capacity && !this.#map.has(k)) return false;
    this.#map.set(k, offset);
    return true;
  }

  /** The latest offset for `key`, or -1 when the dirty section does not hold it. */
  get(key: Buffer): number {
    return this.#map.get(mapKey(key)) ?? -1;
  }

  clear(): void {
    this.#map.clear();
    this.latestOffset = -1;
  }
}

function mapKey(key: Buffer): string {
  if (key.length <= 32) return `r${key.toString('latin1')}`;
  return `h${createHash('sha256').update(key).digest().toString('latin1')}`;
}
