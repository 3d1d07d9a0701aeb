import type { StoredBatch } from './batch-scan.ts';
import { SparseIndex } from './sparse-index.ts';

/**
 * The sparse indexes of one segment and the rule for filling them: an offset entry (relative
 * offset -> file position) for the first batch and then every `indexInterval` bytes, and a time
 * entry (max timestamp so far -> relative offset) whenever the max timestamp grows. Used by live
 * segments and by the cleaner's rewritten ones, so both index alike.
 */
export class SegmentIndexes {
  readonly #baseOffset: number;
  readonly #interval: number;
  #bytesSinceEntry = 0;
  readonly offsets: SparseIndex;
  readonly times: SparseIndex;

  constructor(baseOffset: number, indexInterval: number, offsets = new SparseIndex(), times = new SparseIndex()) {
    this.#baseOffset = baseOffset;
    this.#interval = indexInterval;
    this.offsets = offsets;
    this.times = times;
  }

  /** Records a batch appended at `b.pos`. */
  add(b: StoredBatch): void {
    const rel = b.baseOffset - this.#baseOffset;
    if (this.offsets.length === 0 || this.#bytesSinceEntry >= this.#interval) {
      this.offsets.append(rel, b.pos);
      this.#bytesSinceEntry = 0;
    }
    this.#bytesSinceEntry += b.size;
    const lastTs = this.times.lastKey();
    if (lastTs === undefined || b.maxTimestamp > lastTs) this.times.append(b.maxTimestamp, rel);
  }
}
