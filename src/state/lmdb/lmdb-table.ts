import type { Database, Key } from 'lmdb';
import type { NamespaceKey, NamespaceSerializer } from '../../core/state/namespace.ts';
import { Entry, StateTable, type StateTableLike } from '../heap/state-table.ts';

/** What is stored per entry: value, TTL timestamp, write epoch, namespace (portable). */
interface Stored {
  v: unknown;
  t: number;
  e: number;
  n: unknown;
}

/**
 * One state's entries in an LMDB database keyed by [namespace key, key], behind a write-back
 * cache of entry objects (the state handles mutate entries in place, as on the heap). Entries
 * written in the current epoch are dirty; they are written to LMDB in one transaction when the
 * cache is full (then the cache is emptied) and before snapshots. Deletes go to LMDB at once.
 */
export class LmdbStateTable implements StateTableLike {
  readonly #db: Database<Stored, [NamespaceKey, Key]>;
  readonly #cache = new StateTable();
  readonly #ns: NamespaceSerializer<unknown>;
  readonly #host: { epoch: number };
  readonly #maxCached: number;
  #cached = 0;

  constructor(db: Database<Stored, [NamespaceKey, Key]>, ns: NamespaceSerializer<unknown>, host: { epoch: number }, maxCached: number) {
    this.#db = db;
    this.#ns = ns;
    this.#host = host;
    this.#maxCached = maxCached;
  }

  get(nsKey: NamespaceKey, key: unknown): Entry | undefined {
    const hit = this.#cache.get(nsKey, key);
    if (hit !== undefined) return hit;
    const stored = this.#db.get([nsKey, key as Key]);
    if (stored === undefined) return undefined;
    // Loaded entries are clean: epoch 0 (every write stamps the current epoch, >= 1).
    const e = new Entry(stored.v, stored.t, 0);
    this.#cachePut(nsKey, this.#ns.fromJSON(stored.n), key, e);
    return e;
  }

  put(nsKey: NamespaceKey, ns: unknown, key: unknown, entry: Entry): void {
    if (this.#cache.get(nsKey, key) === undefined) this.#cachePut(nsKey, ns, key, entry);
    else this.#cache.put(nsKey, ns, key, entry);
  }

  #cachePut(nsKey: NamespaceKey, ns: unknown, key: unknown, entry: Entry): void {
    if (this.#cached >= this.#maxCached) this.#evict();
    this.#cache.put(nsKey, ns, key, entry);
    this.#cached++;
  }

  remove(nsKey: NamespaceKey, key: unknown): boolean {
    const inCache = this.#cache.remove(nsKey, key);
    if (inCache) this.#cached--;
    const inDb = this.#db.removeSync([nsKey, key as Key]);
    return inCache || inDb;
  }

  /** Writes the dirty cached entries to LMDB. */
  flush(): void {
    const epoch = this.#host.epoch;
    this.#db.transactionSync(() => {
      for (const [nsKey, ns, key, e] of this.#cache.entries()) {
        if (e.e === epoch) void this.#db.put([nsKey, key as Key], { v: e.v, t: e.t, e: e.e, n: this.#ns.toJSON(ns) });
      }
    });
  }

  #evict(): void {
    this.flush();
    this.#cache.clearAll();
    this.#cached = 0;
  }

  size(): number {
    this.flush();
    return this.#db.getCount();
  }

  *entries(): IterableIterator<[NamespaceKey, unknown, unknown, Entry]> {
    this.flush();
    for (const { key, value } of this.#db.getRange()) {
      const [nsKey, k] = key;
      yield [nsKey, this.#ns.fromJSON(value.n), k, this.#cache.get(nsKey, k) ?? new Entry(value.v, value.t, value.e)];
    }
  }

  clearAll(): void {
    this.#cache.clearAll();
    this.#cached = 0;
    this.#db.clearSync();
  }
}
