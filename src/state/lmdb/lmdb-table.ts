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

/** Marks a deleted entry in the cache until the flush deletes it from LMDB. */
const TOMBSTONE = new Entry(undefined, 0, -1);

/**
 * One state's entries in an LMDB database keyed by [namespace key, key], behind a write-back
 * cache of entry objects (the state handles mutate entries in place, as on the heap). Entries
 * written in the current epoch are dirty; deletes leave a tombstone in the cache (reads see the
 * entry as absent). Both are written to LMDB in one transaction when the cache is full (then the
 * cache is emptied) and before snapshots: a window purge costs no LMDB transaction of its own.
 * While the database holds nothing (a fresh job, until the first flush writes), a cache miss is
 * an absent entry without an LMDB lookup, and a delete of a cached entry just drops it.
 */
export class LmdbStateTable implements StateTableLike {
  readonly #db: Database<Stored, [NamespaceKey, Key]>;
  readonly #cache = new StateTable();
  readonly #ns: NamespaceSerializer<unknown>;
  readonly #host: { epoch: number };
  readonly #maxCached: number;
  #cached = 0;
  /** Entries the flushes of the current epoch wrote (namespace key → key → namespace): its changes outside the cache. */
  #written = new Map<NamespaceKey, Map<unknown, unknown>>();
  /** False while the LMDB database is known to be empty: misses need no lookup, deletes no tombstone. */
  #dbMayHoldEntries: boolean;
  /** Runs inside the transaction of a flush that changes the database (removes the local copy's stamp). */
  readonly #beforeWrite: () => void;

  constructor(db: Database<Stored, [NamespaceKey, Key]>, ns: NamespaceSerializer<unknown>, host: { epoch: number }, maxCached: number, beforeWrite: () => void = () => {}) {
    this.#db = db;
    this.#beforeWrite = beforeWrite;
    this.#ns = ns;
    this.#host = host;
    this.#maxCached = maxCached;
    this.#dbMayHoldEntries = this.#dbHoldsEntries();
  }

  #dbHoldsEntries(): boolean {
    return this.#db.getKeysCount({ limit: 1 }) > 0;
  }

  get(nsKey: NamespaceKey, key: unknown): Entry | undefined {
    const hit = this.#cache.get(nsKey, key);
    if (hit !== undefined) return hit === TOMBSTONE ? undefined : hit;
    if (!this.#dbMayHoldEntries) return undefined;
    const stored = this.#db.get([nsKey, key as Key]);
    if (stored === undefined) return undefined;
    // The stored epoch: an entry evicted in the current epoch is still a change since the last snapshot.
    const e = new Entry(stored.v, stored.t, stored.e);
    this.#cachePut(nsKey, this.#ns.fromJSON(stored.n), key, e);
    return e;
  }

  has(nsKey: NamespaceKey, key: unknown): boolean {
    const hit = this.#cache.get(nsKey, key);
    if (hit !== undefined) return hit !== TOMBSTONE;
    return this.#dbMayHoldEntries && this.#db.doesExist([nsKey, key as Key]);
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

  remove(nsKey: NamespaceKey, ns: unknown, key: unknown): boolean {
    const hit = this.#cache.get(nsKey, key);
    if (hit === TOMBSTONE) return false;
    if (!this.#dbMayHoldEntries) {
      // Only in the cache: nothing for the flush to delete.
      if (hit === undefined) return false;
      this.#cache.remove(nsKey, ns, key);
      this.#cached--;
      return true;
    }
    // A cached entry may or may not be in LMDB yet: the flush deletes it either way.
    if (hit !== undefined) this.#cache.put(nsKey, ns, key, TOMBSTONE);
    else if (this.#db.doesExist([nsKey, key as Key])) this.#cachePut(nsKey, ns, key, TOMBSTONE);
    else return false;
    return true;
  }

  /** Writes the dirty cached entries and the deletes to LMDB, in one transaction. */
  /** Bytes of the database's pages (branch, leaf, overflow): what this state occupies in LMDB since the last flush. */
  sizeBytes(): number {
    const st = this.#db.getStats() as { pageSize?: number; treeBranchPageCount?: number; treeLeafPageCount?: number; overflowPages?: number };
    return (st.pageSize ?? 0) * ((st.treeBranchPageCount ?? 0) + (st.treeLeafPageCount ?? 0) + (st.overflowPages ?? 0));
  }

  flush(): void {
    const epoch = this.#host.epoch;
    const deleted: Array<[NamespaceKey, unknown, unknown]> = [];
    let written = false;
    this.#db.transactionSync(() => {
      let first = true;
      for (const [nsKey, ns, key, e] of this.#cache.entries()) {
        if (first && (e === TOMBSTONE || e.e === epoch)) {
          first = false;
          this.#beforeWrite();
        }
        if (e === TOMBSTONE) {
          this.#db.removeSync([nsKey, key as Key]);
          deleted.push([nsKey, ns, key]);
        } else if (e.e === epoch) {
          void this.#db.put([nsKey, key as Key], { v: e.v, t: e.t, e: e.e, n: this.#ns.toJSON(ns) });
          written = true;
          let keys = this.#written.get(nsKey);
          if (keys === undefined) this.#written.set(nsKey, (keys = new Map()));
          keys.set(key, ns);
        }
      }
    });
    for (const [nsKey, ns, key] of deleted) this.#cache.remove(nsKey, ns, key);
    this.#cached -= deleted.length;
    if (written) this.#dbMayHoldEntries = true;
    else if (deleted.length > 0) this.#dbMayHoldEntries = this.#dbHoldsEntries();
  }

  /** The epoch moved on (after a flush of everything dirty): the written entries are no longer changes. */
  epochEnded(): void {
    this.#written = new Map();
  }

  /**
   * The entries of `epoch` without a scan of the database: dirty ones in the cache, and those the
   * flushes of this epoch wrote out (read back, skipped if cached or deleted since).
   */
  *changedEntries(epoch: number): IterableIterator<[NamespaceKey, unknown, unknown, Entry]> {
    for (const [nsKey, ns, key, e] of this.#cache.entries()) if (e !== TOMBSTONE && e.e === epoch) yield [nsKey, ns, key, e];
    for (const [nsKey, keys] of this.#written) {
      for (const [key, ns] of keys) {
        if (this.#cache.get(nsKey, key) !== undefined) continue;
        const stored = this.#db.get([nsKey, key as Key]);
        if (stored !== undefined && stored.e === epoch) yield [nsKey, ns, key, new Entry(stored.v, stored.t, stored.e)];
      }
    }
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
      const cached = this.#cache.get(nsKey, k);
      if (cached === TOMBSTONE) continue; // deleted while the caller iterates
      yield [nsKey, this.#ns.fromJSON(value.n), k, cached ?? new Entry(value.v, value.t, value.e)];
    }
  }

  /** Forgets the cached entries without writing them (the database keeps what was flushed). */
  dropCache(): void {
    this.#cache.clearAll();
    this.#cached = 0;
  }

  clearAll(): void {
    this.#cache.clearAll();
    this.#cached = 0;
    this.#written = new Map();
    this.#db.clearSync();
    this.#dbMayHoldEntries = false;
  }
}
