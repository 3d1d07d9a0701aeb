import type { NamespaceKey } from '../../core/state/namespace.ts';

/** Timers of one timestamp for one namespace: the (normalized) keys that registered it. */
export interface TimerGroup<N> {
  ns: N;
  keys: Set<unknown>;
}
export type TimerBucket<N> = Map<NamespaceKey, TimerGroup<N>>;

/**
 * Deduplicated timers (timestamp, namespace, key), ordered by timestamp. A min-heap holds the
 * distinct timestamps; each has a bucket by namespace then key (insertion order, so firing order
 * is deterministic). Registering a timer that exists costs one cached Set.add.
 */
export class TimerQueue<N> {
  readonly #heap: number[] = [];
  readonly #buckets = new Map<number, TimerBucket<N>>();
  #lastTs = Number.NaN;
  #lastNsKey: NamespaceKey | undefined;
  #lastKeys: Set<unknown> | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(ts: number, nsKey: NamespaceKey, ns: N, key: unknown): void {
    if (ts === this.#lastTs && nsKey === this.#lastNsKey) {
      const keys = this.#lastKeys!;
      const before = keys.size;
      keys.add(key);
      this.#size += keys.size - before;
      return;
    }
    let bucket = this.#buckets.get(ts);
    if (bucket === undefined) {
      bucket = new Map();
      this.#buckets.set(ts, bucket);
      this.#pushTs(ts);
    }
    let group = bucket.get(nsKey);
    if (group === undefined) {
      group = { ns, keys: new Set() };
      bucket.set(nsKey, group);
    }
    const before = group.keys.size;
    group.keys.add(key);
    this.#size += group.keys.size - before;
    this.#lastTs = ts;
    this.#lastNsKey = nsKey;
    this.#lastKeys = group.keys;
  }

  remove(ts: number, nsKey: NamespaceKey, key: unknown): void {
    const bucket = this.#buckets.get(ts);
    const group = bucket?.get(nsKey);
    if (group === undefined || !group.keys.delete(key)) return;
    this.#size--;
    if (group.keys.size === 0) {
      bucket!.delete(nsKey);
      if (this.#lastKeys === group.keys) this.#lastTs = Number.NaN;
    }
    // Empty buckets stay in the heap and are skipped when popped.
  }

  /** Earliest timestamp with timers, or +Infinity. */
  peek(): number {
    while (this.#heap.length > 0) {
      const ts = this.#heap[0]!;
      const b = this.#buckets.get(ts);
      if (b !== undefined && b.size > 0) return ts;
      this.#popTs();
      this.#buckets.delete(ts);
    }
    return Number.POSITIVE_INFINITY;
  }

  /** Earliest timestamp with timers, or undefined when there are none (so timers at +Infinity count). */
  next(): number | undefined {
    const ts = this.peek();
    return this.#heap.length > 0 ? ts : undefined;
  }

  /** Removes and returns the bucket of the earliest timestamp (call `peek()` first). */
  pop(): TimerBucket<N> {
    const ts = this.#popTs();
    const bucket = this.#buckets.get(ts)!;
    this.#buckets.delete(ts);
    if (this.#lastTs === ts) this.#lastTs = Number.NaN;
    for (const g of bucket.values()) this.#size -= g.keys.size;
    return bucket;
  }

  /** Every timer, for snapshots. */
  *all(): IterableIterator<[number, N, unknown]> {
    for (const [ts, bucket] of this.#buckets) for (const g of bucket.values()) for (const k of g.keys) yield [ts, g.ns, k];
  }

  #pushTs(ts: number): void {
    const h = this.#heap;
    h.push(ts);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]! <= ts) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = ts;
  }

  #popTs(): number {
    const h = this.#heap;
    const top = h[0]!;
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && h[r]! < h[l]! ? r : l;
        if (h[c]! >= last) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
