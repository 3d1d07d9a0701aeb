import type { AggregateFunction, ReduceFunction } from '../../core/state/descriptors.ts';
import type { InternalKvState } from '../backend.ts';
import type { NamespaceKey, NamespaceSerializer } from '../../core/state/namespace.ts';
import type { AggregatingState, ListState, MapState, ReducingState, ValueState } from '../../core/state/state.ts';
import { StateVisibility, UpdateType, type StateTtlConfig } from '../../core/state/ttl.ts';
import { StateAccessError } from '../../core/errors/state-errors.ts';
import { Entry, type StateTableLike } from './state-table.ts';

/** What heap states need from their backend. */
export interface HeapStateHost {
  /** Normalized current key (Map key). */
  sk: unknown;
  hasKey: boolean;
  epoch: number;
  now(): number;
  recordDelete(state: string, nsKey: NamespaceKey, key: unknown, ns: unknown): void;
}

/** A timestamped element of a TTL'd list or map. */
interface Stamped<T> {
  v: T;
  t: number;
}

abstract class HeapKvState<N> implements InternalKvState<N> {
  readonly name: string;
  readonly table: StateTableLike;
  protected readonly host: HeapStateHost;
  protected readonly nsSer: NamespaceSerializer<N>;
  protected readonly ttl: StateTtlConfig | undefined;
  /** List and map state expire per element, not as a whole entry. */
  protected readonly elementTtl: boolean = false;
  protected ns: N | undefined = undefined;
  protected nsKey: NamespaceKey = 0;

  constructor(name: string, table: StateTableLike, host: HeapStateHost, nsSer: NamespaceSerializer<N>, ttl: StateTtlConfig | undefined, defaultNs: N) {
    this.name = name;
    this.table = table;
    this.host = host;
    this.nsSer = nsSer;
    this.ttl = ttl;
    this.setCurrentNamespace(defaultNs);
  }

  setCurrentNamespace(ns: N): void {
    this.ns = ns;
    this.nsKey = this.nsSer.key(ns);
  }

  protected key(): unknown {
    if (!this.host.hasKey) throw StateAccessError.noKey(this.name);
    return this.host.sk;
  }

  protected expired(t: number): boolean {
    return this.host.now() - t >= this.ttl!.ttl;
  }

  /** ReturnExpiredIfNotCleanedUp: an expired value may be returned by the read that removes it. */
  protected get relaxed(): boolean {
    return this.ttl!.stateVisibility === StateVisibility.ReturnExpiredIfNotCleanedUp;
  }

  /**
   * The entry of the current key and namespace, applying TTL rules as Flink does: an expired
   * entry is removed by the read that finds it, and returned by that read only under
   * ReturnExpiredIfNotCleanedUp.
   */
  protected entry(): Entry | undefined {
    const key = this.key();
    const e = this.table.get(this.nsKey, key);
    if (e === undefined || this.ttl === undefined || this.elementTtl) return e;
    if (this.expired(e.t)) {
      this.removeEntry(key);
      return this.relaxed ? e : undefined;
    }
    if (this.ttl.updateType === UpdateType.OnReadAndWrite) this.touch(e);
    return e;
  }

  /** A read refreshed the TTL timestamp: the entry changed (changelogs and LMDB must see it). */
  protected touch(e: Entry): void {
    e.t = this.host.now();
    e.e = this.host.epoch;
  }

  /** Stores a value for an entry known to be absent (a read just found none): no second lookup. */
  protected insert(v: unknown): void {
    this.table.put(this.nsKey, this.ns, this.key(), new Entry(v, this.ttl === undefined ? 0 : this.host.now(), this.host.epoch));
  }

  protected write(v: unknown): void {
    const key = this.key();
    const t = this.ttl === undefined ? 0 : this.host.now();
    const e = this.table.get(this.nsKey, key);
    if (e !== undefined) {
      e.v = v;
      e.e = this.host.epoch;
      e.t = t;
    } else this.table.put(this.nsKey, this.ns, key, new Entry(v, t, this.host.epoch));
  }

  protected removeEntry(key: unknown): void {
    if (this.table.remove(this.nsKey, this.ns, key)) this.host.recordDelete(this.name, this.nsKey, key, this.ns);
  }

  clear(): void {
    this.removeEntry(this.key());
  }

  isEmpty(): boolean {
    return this.entry() === undefined;
  }

  mergeNamespaces(_target: N, _sources: readonly N[]): void {
    throw new StateAccessError(`state '${this.name}' cannot be merged; merging windows need list, reducing or aggregating state`);
  }

  /** Portable form of a stored value, for snapshots. */
  toJSON(v: unknown): unknown {
    return v;
  }
  fromJSON(j: unknown): unknown {
    return j;
  }

  /** Moves values of `sources` into `target` using `combine`. */
  protected mergeWith(target: N, sources: readonly N[], combine: (a: unknown, b: unknown) => unknown): void {
    const key = this.key();
    let acc: Entry | undefined;
    const saved = this.ns!;
    for (const s of sources) {
      this.setCurrentNamespace(s);
      const e = this.entry();
      if (e === undefined) continue;
      this.removeEntry(key);
      acc = acc === undefined ? new Entry(e.v, e.t, this.host.epoch) : new Entry(combine(acc.v, e.v), Math.max(acc.t, e.t), this.host.epoch);
    }
    this.setCurrentNamespace(target);
    if (acc !== undefined) {
      const cur = this.entry();
      if (cur === undefined) this.insert(acc.v);
      else this.write(combine(cur.v, acc.v));
    }
    this.setCurrentNamespace(saved);
  }
}

export class HeapValueState<T, N> extends HeapKvState<N> implements ValueState<T> {
  defaultValue: T | undefined;
  value(): T {
    const e = this.entry();
    return (e === undefined ? this.defaultValue : e.v) as T;
  }
  update(value: T | undefined): void {
    // As Flink's ValueState.update(null): clears (the default value applies again).
    if (value === undefined || value === null) this.clear();
    else this.write(value);
  }
}

export class HeapReducingState<T, N> extends HeapKvState<N> implements ReducingState<T> {
  fn!: ReduceFunction<T>;
  get(): T | undefined {
    return this.entry()?.v as T | undefined;
  }
  add(value: T): void {
    this.addAndCheckNew(value);
  }
  /** Adds; true when the current key had no value in this namespace before. */
  addAndCheckNew(value: T): boolean {
    const e = this.entry();
    if (e === undefined) this.insert(value);
    else this.write(this.fn.reduce(e.v as T, value));
    return e === undefined;
  }
  override mergeNamespaces(target: N, sources: readonly N[]): void {
    this.mergeWith(target, sources, (a, b) => this.fn.reduce(a as T, b as T));
  }
}

export class HeapAggregatingState<IN, ACC, OUT, N> extends HeapKvState<N> implements AggregatingState<IN, OUT> {
  fn!: AggregateFunction<IN, ACC, OUT>;
  get(): OUT | undefined {
    const e = this.entry();
    return e === undefined ? undefined : this.fn.getResult(e.v as ACC);
  }
  add(value: IN): void {
    this.addAndCheckNew(value);
  }
  /** Adds; true when the current key had no accumulator in this namespace before. */
  addAndCheckNew(value: IN): boolean {
    if (this.ttl === undefined && this.host.hasKey) {
      // Hot path (window aggregation): mutate the entry in place.
      const e = this.table.get(this.nsKey, this.host.sk);
      if (e !== undefined) {
        e.v = this.fn.add(value, e.v as ACC);
        e.e = this.host.epoch;
        return false;
      }
      this.insert(this.fn.add(value, this.fn.createAccumulator()));
      return true;
    }
    const e = this.entry();
    if (e === undefined) this.insert(this.fn.add(value, this.fn.createAccumulator()));
    else this.write(this.fn.add(value, e.v as ACC));
    return e === undefined;
  }
  override mergeNamespaces(target: N, sources: readonly N[]): void {
    this.mergeWith(target, sources, (a, b) => this.fn.merge(a as ACC, b as ACC));
  }
}

export class HeapListState<T, N> extends HeapKvState<N> implements ListState<T> {
  protected override readonly elementTtl = true;
  /** A copy of the elements: changing it does not change the state (use `update`). */
  get(): T[] {
    const e = this.entry();
    if (e === undefined) return [];
    if (this.ttl === undefined) return (e.v as T[]).slice();
    return this.#liveStamped(e).map((s) => s.v);
  }
  /**
   * The elements a read returns (Flink's TtlListState): unexpired ones, plus expired ones under
   * ReturnExpiredIfNotCleanedUp. The list is cleared once no element is alive; OnReadAndWrite
   * keeps only the alive elements, with a fresh timestamp.
   */
  #liveStamped(e: Entry): Stamped<T>[] {
    const all = e.v as Stamped<T>[];
    const live = all.filter((s) => !this.expired(s.t));
    const returned = this.relaxed ? all.slice() : live;
    if (live.length === 0) this.removeEntry(this.key());
    else if (this.ttl!.updateType === UpdateType.OnReadAndWrite) {
      const now = this.host.now();
      e.v = live.map((s) => ({ v: s.v, t: now }));
      e.e = this.host.epoch;
    } else if (!this.relaxed && live.length !== all.length) {
      e.v = live;
      e.e = this.host.epoch;
    }
    return returned;
  }
  #wrap(v: T): unknown {
    return this.ttl === undefined ? v : { v, t: this.host.now() };
  }
  add(value: T): void {
    this.addAndCheckNew(value);
  }
  /** Adds; true when the list of the current key was empty before. */
  addAndCheckNew(value: T): boolean {
    const e = this.entry();
    if (e === undefined) {
      this.insert([this.#wrap(value)]);
      return true;
    }
    (e.v as unknown[]).push(this.#wrap(value));
    e.e = this.host.epoch;
    return false;
  }
  addAll(values: Iterable<T>): void {
    for (const v of values) this.add(v);
  }
  update(values: Iterable<T>): void {
    const arr = [...values].map((v) => this.#wrap(v));
    if (arr.length === 0) this.clear();
    else this.write(arr);
  }
  override mergeNamespaces(target: N, sources: readonly N[]): void {
    this.mergeWith(target, sources, (a, b) => (a as unknown[]).concat(b as unknown[]));
  }
  override toJSON(v: unknown): unknown {
    return (v as unknown[]).slice();
  }
}

export class HeapMapState<UK, UV, N> extends HeapKvState<N> implements MapState<UK, UV> {
  protected override readonly elementTtl = true;
  /** The map of the current key; `write` marks the entry as changed (for snapshots and changelogs). */
  #map(create: boolean, write: boolean): Map<UK, unknown> | undefined {
    const e = this.entry();
    if (e !== undefined) {
      if (write) e.e = this.host.epoch;
      return e.v as Map<UK, unknown>;
    }
    if (!create) return undefined;
    const m = new Map<UK, unknown>();
    this.insert(m);
    return m;
  }
  /** The element `k` of the map entry `e`; TTL cleanup and refresh change the entry (it becomes dirty). */
  #read(e: Entry, k: UK): UV | undefined {
    const m = e.v as Map<UK, unknown>;
    const raw = m.get(k);
    if (raw === undefined || this.ttl === undefined) return raw as UV | undefined;
    const s = raw as Stamped<UV>;
    if (this.expired(s.t)) {
      // Removed by the read that finds it; returned by that read only under ReturnExpiredIfNotCleanedUp.
      m.delete(k);
      if (m.size === 0) this.clear();
      else e.e = this.host.epoch;
      return this.relaxed ? s.v : undefined;
    }
    if (this.ttl.updateType === UpdateType.OnReadAndWrite) {
      s.t = this.host.now();
      e.e = this.host.epoch;
    }
    return s.v;
  }
  get(key: UK): UV | undefined {
    const e = this.entry();
    return e === undefined ? undefined : this.#read(e, key);
  }
  put(key: UK, value: UV): void {
    this.#map(true, true)!.set(key, this.ttl === undefined ? value : { v: value, t: this.host.now() });
  }
  putAll(entries: Iterable<[UK, UV]> | Map<UK, UV>): void {
    for (const [k, v] of entries) this.put(k, v);
  }
  remove(key: UK): void {
    const m = this.#map(false, true);
    if (m !== undefined && m.delete(key) && m.size === 0) this.clear();
  }
  contains(key: UK): boolean {
    return this.get(key) !== undefined;
  }
  *entries(): IterableIterator<[UK, UV]> {
    const e = this.entry();
    if (e === undefined) return;
    for (const k of [...(e.v as Map<UK, unknown>).keys()]) {
      const v = this.#read(e, k);
      if (v !== undefined) yield [k, v];
    }
  }
  *keys(): IterableIterator<UK> {
    for (const [k] of this.entries()) yield k;
  }
  *values(): IterableIterator<UV> {
    for (const [, v] of this.entries()) yield v;
  }
  override isEmpty(): boolean {
    return this.entries().next().done === true;
  }
  override toJSON(v: unknown): unknown {
    return [...(v as Map<unknown, unknown>).entries()];
  }
  override fromJSON(j: unknown): unknown {
    return new Map(j as [unknown, unknown][]);
  }
}
