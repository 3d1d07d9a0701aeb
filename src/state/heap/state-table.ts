import type { NamespaceKey } from '../../core/state/namespace.ts';

/** One stored value: `v` value, `t` TTL timestamp (last access), `e` epoch of the last write. */
export class Entry {
  v: unknown;
  t: number;
  e: number;
  constructor(v: unknown, t: number, e: number) {
    this.v = v;
    this.t = t;
    this.e = e;
  }
}

/** Storage of one state's entries; heap and LMDB implement it. */
export interface StateTableLike {
  get(nsKey: NamespaceKey, key: unknown): Entry | undefined;
  /** Whether there is an entry, without loading it. */
  has(nsKey: NamespaceKey, key: unknown): boolean;
  put(nsKey: NamespaceKey, ns: unknown, key: unknown, entry: Entry): void;
  /** Removes an entry; true when there was one. `ns` is the namespace object of `nsKey`. */
  remove(nsKey: NamespaceKey, ns: unknown, key: unknown): boolean;
  size(): number;
  clearAll(): void;
  /** Every entry: namespace key, namespace object, normalized key, entry. */
  entries(): Iterable<[NamespaceKey, unknown, unknown, Entry]>;
  /** The entries written in `epoch` (at least; callers filter), when cheaper than `entries()`. */
  changedEntries?(epoch: number): Iterable<[NamespaceKey, unknown, unknown, Entry]>;
}

/**
 * The values of one state, by namespace then by key. Namespaces are few (live windows) and keys
 * many, so the outer map is small and the last used inner map is cached.
 */
export class StateTable implements StateTableLike {
  readonly byNs = new Map<NamespaceKey, Map<unknown, Entry>>();
  /** Namespace objects by key, for snapshots and merging. */
  readonly namespaces = new Map<NamespaceKey, unknown>();
  #lastNsKey: NamespaceKey | undefined = undefined;
  #lastInner: Map<unknown, Entry> | undefined = undefined;

  get(nsKey: NamespaceKey, key: unknown): Entry | undefined {
    if (nsKey === this.#lastNsKey) return this.#lastInner!.get(key);
    const inner = this.byNs.get(nsKey);
    if (inner === undefined) return undefined;
    this.#lastNsKey = nsKey;
    this.#lastInner = inner;
    return inner.get(key);
  }

  has(nsKey: NamespaceKey, key: unknown): boolean {
    return this.get(nsKey, key) !== undefined;
  }

  put(nsKey: NamespaceKey, ns: unknown, key: unknown, entry: Entry): void {
    let inner: Map<unknown, Entry> | undefined;
    if (nsKey === this.#lastNsKey) inner = this.#lastInner!;
    else {
      inner = this.byNs.get(nsKey);
      if (inner === undefined) {
        inner = new Map();
        this.byNs.set(nsKey, inner);
        this.namespaces.set(nsKey, ns);
      }
      this.#lastNsKey = nsKey;
      this.#lastInner = inner;
    }
    inner.set(key, entry);
  }

  remove(nsKey: NamespaceKey, _ns: unknown, key: unknown): boolean {
    const inner = nsKey === this.#lastNsKey ? this.#lastInner! : this.byNs.get(nsKey);
    if (inner === undefined || !inner.delete(key)) return false;
    if (inner.size === 0) {
      this.byNs.delete(nsKey);
      this.namespaces.delete(nsKey);
      if (this.#lastNsKey === nsKey) {
        this.#lastNsKey = undefined;
        this.#lastInner = undefined;
      }
    }
    return true;
  }

  size(): number {
    let n = 0;
    for (const inner of this.byNs.values()) n += inner.size;
    return n;
  }

  *entries(): IterableIterator<[NamespaceKey, unknown, unknown, Entry]> {
    for (const [nsKey, inner] of this.byNs) {
      const ns = this.namespaces.get(nsKey);
      for (const [k, e] of inner) yield [nsKey, ns, k, e];
    }
  }

  clearAll(): void {
    this.byNs.clear();
    this.namespaces.clear();
    this.#lastNsKey = undefined;
    this.#lastInner = undefined;
  }
}
