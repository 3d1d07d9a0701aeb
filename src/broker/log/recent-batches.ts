/**
 * Where a segment's last appended batches lie (file position, size, first and last offset), kept
 * in a small ring: a consumer at the log's tail fetches the batches appended since its last fetch,
 * and finds them here instead of reading their headers back from the file (a read per batch, per
 * partition, per fetch). Segments only grow at the end while the broker runs, so an entry never
 * goes stale; the ring covers offsets from its oldest batch's first offset on.
 */
export class RecentBatches {
  static readonly CAPACITY = 16;
  /** Per entry: position, size, base offset, last offset. Allocated with the first batch. */
  #cells: Float64Array | undefined;
  /** Slot of the oldest entry, and how many there are. */
  #start = 0;
  #count = 0;

  add(pos: number, size: number, baseOffset: number, lastOffset: number): void {
    const cells = (this.#cells ??= new Float64Array(4 * RecentBatches.CAPACITY));
    let slot: number;
    if (this.#count < RecentBatches.CAPACITY) slot = (this.#start + this.#count++) % RecentBatches.CAPACITY;
    else {
      slot = this.#start;
      this.#start = (this.#start + 1) % RecentBatches.CAPACITY;
    }
    cells.set([pos, size, baseOffset, lastOffset], slot * 4);
  }

  /** Entry `i` (0 = oldest) as [position, size, base offset, last offset]. */
  #cell(i: number, field: number): number {
    return this.#cells![((this.#start + i) % RecentBatches.CAPACITY) * 4 + field]!;
  }
  pos(i: number): number {
    return this.#cell(i, 0);
  }
  size(i: number): number {
    return this.#cell(i, 1);
  }
  baseOffset(i: number): number {
    return this.#cell(i, 2);
  }
  lastOffset(i: number): number {
    return this.#cell(i, 3);
  }

  /**
   * The entry of the first batch whose last offset is >= `offset`: -1 when the ring does not
   * cover `offset` (it starts before the oldest entry) or no batch here reaches it.
   */
  find(offset: number): number {
    if (this.#count === 0 || offset < this.baseOffset(0)) return -1;
    for (let i = this.#count - 1; i >= 0; i--) {
      if (this.lastOffset(i) < offset) return i + 1 < this.#count ? i + 1 : -1;
    }
    return 0;
  }

  /** The entry of the batch at file position `pos`, or -1. */
  atPosition(pos: number): number {
    if (this.#count === 0 || pos < this.pos(0)) return -1;
    for (let i = this.#count - 1; i >= 0; i--) {
      const p = this.pos(i);
      if (p === pos) return i;
      if (p < pos) return -1;
    }
    return -1;
  }
}
