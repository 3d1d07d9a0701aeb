import type { Clock } from '../../util/clock.ts';
import type {
  InternalKeyedStateBackend,
  InternalKvState,
  KeyedBackendOptions,
  KeyedStateSnapshot,
  KeyGroupOptions,
  SnapshotEntry,
  StateBackend,
  StateChange,
} from '../backend.ts';
import type { StateDescriptor, StateKind } from '../../core/state/descriptors.ts';
import { toStateKey } from '../key.ts';
import type { NamespaceKey, NamespaceSerializer } from '../../core/state/namespace.ts';
import { StateAccessError } from '../../core/errors/state-errors.ts';
import { StateTable, Entry, type StateTableLike } from './state-table.ts';
import {
  HeapAggregatingState,
  HeapListState,
  HeapMapState,
  HeapReducingState,
  HeapValueState,
  type HeapStateHost,
} from './heap-states.ts';

type AnyHeapState = HeapValueState<unknown, unknown> | HeapListState<unknown, unknown> | HeapMapState<unknown, unknown, unknown> | HeapReducingState<unknown, unknown> | HeapAggregatingState<unknown, unknown, unknown, unknown>;

export interface HeapBackendOptions extends KeyGroupOptions {
  operatorUid: string;
  clock: Clock;
  /** Record deletes for `changesSinceLastSnapshot()` (needed by a changelog). Default false. */
  trackChanges?: boolean;
  /** Ignore the TTL of descriptors (BATCH mode: Flink's batch state has no TTL). Default false. */
  ignoreTtl?: boolean;
}

/**
 * Keyed state on the JavaScript heap: one {@link StateTable} per state name. Every write stamps
 * the entry with the current epoch; a snapshot bumps the epoch, so "writes since the last
 * snapshot" are the entries with the current epoch (plus recorded deletes).
 *
 * @example
 * ```ts
 * const backend = new HeapKeyedStateBackend({ operatorUid: 'counter', clock: systemClock });
 * const count = backend.getOrCreateState(new ValueStateDescriptor('n', 0), voidNamespaceSerializer);
 * backend.setCurrentKey('a'); count.update(count.value() + 1);
 * ```
 */
export class HeapKeyedStateBackend implements InternalKeyedStateBackend, HeapStateHost {
  readonly operatorUid: string;
  sk: unknown = undefined;
  hasKey = false;
  epoch = 1;
  #currentKey: unknown = undefined;
  readonly #clock: Clock;
  readonly #trackChanges: boolean;
  readonly #ignoreTtl: boolean;
  readonly #states = new Map<string, { state: AnyHeapState; descriptor: StateDescriptor<unknown>; ns: NamespaceSerializer<unknown> }>();
  readonly #originalKeys = new Map<unknown, unknown>();
  /** Entries deleted since the last snapshot (when tracking changes): state → namespace key → key → namespace. */
  #deletes = new Map<string, Map<NamespaceKey, Map<unknown, unknown>>>();
  /** Restored entries of states not registered (yet): loaded on registration, kept in snapshots. */
  #pendingRestore = new Map<string, { kind: StateKind; entries: SnapshotEntry[] }>();
  readonly maxParallelism: number;
  readonly #keyGroupOf: (key: unknown) => number;

  constructor(options: HeapBackendOptions) {
    this.operatorUid = options.operatorUid;
    this.#clock = options.clock;
    this.#trackChanges = options.trackChanges ?? false;
    this.#ignoreTtl = options.ignoreTtl ?? false;
    this.maxParallelism = options.maxParallelism ?? 1;
    this.#keyGroupOf = options.keyGroupOf ?? (() => 0);
  }

  now(): number {
    return this.#clock.now();
  }

  setCurrentKey(key: unknown): void {
    this.#currentKey = key;
    this.hasKey = true;
    if (typeof key === 'object' && key !== null) {
      const sk = toStateKey(key);
      if (!this.#originalKeys.has(sk)) this.#originalKeys.set(sk, key);
      this.sk = sk;
    } else this.sk = key;
  }

  /** Sets the current key from its normalized (state) form, e.g. when a timer fires. */
  setCurrentStateKey(sk: unknown): void {
    this.setCurrentKey(this.#originalKeys.get(sk) ?? sk);
  }

  clearCurrentKey(): void {
    this.hasKey = false;
    this.sk = undefined;
    this.#currentKey = undefined;
  }

  getCurrentKey(): unknown {
    return this.#currentKey;
  }

  keysOf(stateName: string): unknown[] {
    const s = this.#states.get(stateName);
    if (s === undefined) return [];
    const keys = new Set<unknown>();
    for (const [, , sk] of s.state.table.entries()) keys.add(sk);
    return [...keys];
  }

  recordDelete(state: string, nsKey: NamespaceKey, key: unknown, ns: unknown): void {
    if (!this.#trackChanges) return;
    let byNs = this.#deletes.get(state);
    if (byNs === undefined) this.#deletes.set(state, (byNs = new Map()));
    let keys = byNs.get(nsKey);
    if (keys === undefined) byNs.set(nsKey, (keys = new Map()));
    keys.set(key, ns);
  }

  /** Keeps restored entries of a state not registered yet (loaded at registration); LMDB keeps them on disk. */
  protected keepRestored(name: string, kind: StateKind, entries: readonly SnapshotEntry[]): void {
    const pending = this.#pendingRestore.get(name) ?? { kind, entries: [] };
    for (const e of entries) pending.entries.push(e);
    this.#pendingRestore.set(name, pending);
  }

  /** The kept restored entries of a state, in chunks, forgotten once taken. */
  protected *takeRestored(name: string): Iterable<readonly SnapshotEntry[]> {
    const pending = this.#pendingRestore.get(name);
    if (pending === undefined) return;
    this.#pendingRestore.delete(name);
    yield pending.entries;
  }

  /** Every kept restored entry (snapshots include them). */
  protected *restoredEntries(): Iterable<[name: string, kind: StateKind, entry: SnapshotEntry]> {
    for (const [name, { kind, entries }] of this.#pendingRestore) for (const e of entries) yield [name, kind, e];
  }

  /** Storage of one state; the LMDB backend overrides it. */
  protected createTable(_name: string, _ns: NamespaceSerializer<unknown>): StateTableLike {
    return new StateTable();
  }

  getOrCreateState<S, N>(descriptor: StateDescriptor<S>, ns: NamespaceSerializer<N>): S & InternalKvState<N> {
    const existing = this.#states.get(descriptor.name);
    if (existing !== undefined) {
      if (existing.descriptor.kind !== descriptor.kind) {
        throw new StateAccessError(
          `state '${descriptor.name}' is already registered as ${existing.descriptor.kind} state in operator '${this.operatorUid}'; give the ${descriptor.kind} state another name`,
        );
      }
      return existing.state as unknown as S & InternalKvState<N>;
    }
    const table = this.createTable(descriptor.name, ns as NamespaceSerializer<unknown>);
    const defNs = ns.fromJSON(null);
    const ttl = this.#ignoreTtl ? undefined : descriptor.ttlConfig;
    const d = descriptor as unknown as Record<string, unknown>;
    let state: AnyHeapState;
    switch (descriptor.kind) {
      case 'value': {
        const s = new HeapValueState<unknown, N>(descriptor.name, table, this, ns, ttl, defNs);
        // Flink builds TTL value state from a descriptor without the default: absent reads as null.
        s.defaultValue = ttl === undefined ? d.defaultValue : undefined;
        state = s as AnyHeapState;
        break;
      }
      case 'list':
        state = new HeapListState<unknown, N>(descriptor.name, table, this, ns, ttl, defNs) as AnyHeapState;
        break;
      case 'map':
        state = new HeapMapState<unknown, unknown, N>(descriptor.name, table, this, ns, ttl, defNs) as AnyHeapState;
        break;
      case 'reducing': {
        const s = new HeapReducingState<unknown, N>(descriptor.name, table, this, ns, ttl, defNs);
        s.fn = d.reduceFunction as HeapReducingState<unknown, N>['fn'];
        state = s as AnyHeapState;
        break;
      }
      case 'aggregating': {
        const s = new HeapAggregatingState<unknown, unknown, unknown, N>(descriptor.name, table, this, ns, ttl, defNs);
        s.fn = d.aggregateFunction as HeapAggregatingState<unknown, unknown, unknown, N>['fn'];
        state = s as AnyHeapState;
        break;
      }
    }
    this.#states.set(descriptor.name, { state, descriptor: descriptor as StateDescriptor<unknown>, ns: ns as NamespaceSerializer<unknown> });
    for (const chunk of this.takeRestored(descriptor.name)) this.#load(state, ns as NamespaceSerializer<unknown>, chunk);
    return state as unknown as S & InternalKvState<N>;
  }

  #load(state: AnyHeapState, ns: NamespaceSerializer<unknown>, entries: readonly SnapshotEntry[]): void {
    for (const [key, nsJson, value, t] of entries) {
      const n = ns.fromJSON(nsJson);
      const sk = toStateKey(key);
      if (sk !== key) this.#originalKeys.set(sk, key);
      state.table.put(ns.key(n), n, sk, new Entry(state.fromJSON(value), t ?? this.now(), this.epoch));
    }
  }

  snapshot(checkpointId: number): KeyedStateSnapshot {
    const kinds: Record<string, StateKind> = {};
    const groups = new Map<number, Record<string, SnapshotEntry[]>>();
    const add = (name: string, entry: SnapshotEntry): void => {
      const kg = this.#keyGroupOf(entry[0]);
      let states = groups.get(kg);
      if (states === undefined) groups.set(kg, (states = {}));
      (states[name] ??= []).push(entry);
    };
    const ttlNow = this.now();
    // Expired entries are left out of the snapshot and dropped from memory (full-snapshot cleanup).
    const expired: Array<[AnyHeapState, NamespaceKey, unknown, unknown]> = [];
    for (const [name, { state, descriptor, ns }] of this.#states) {
      kinds[name] = descriptor.kind;
      const ttl = this.#ignoreTtl ? undefined : descriptor.ttlConfig?.ttl;
      for (const [nsKey, nsObj, sk, e] of state.table.entries()) {
        if (ttl !== undefined && ttlNow - e.t >= ttl && descriptor.kind !== 'list' && descriptor.kind !== 'map') {
          expired.push([state, nsKey, nsObj, sk]);
          continue;
        }
        const entry: SnapshotEntry = [this.#originalKeys.get(sk) ?? sk, ns.toJSON(nsObj), state.toJSON(e.v)];
        if (ttl !== undefined) entry.push(e.t);
        add(name, entry);
      }
    }
    for (const [state, nsKey, nsObj, sk] of expired) state.table.remove(nsKey, nsObj, sk);
    for (const [name, kind, entry] of this.restoredEntries()) {
      kinds[name] = kind;
      add(name, entry);
    }
    this.changesPersisted();
    const keyGroups = [...groups].sort((a, b) => a[0] - b[0]).map(([keyGroup, states]) => ({ keyGroup, states }));
    return { operatorUid: this.operatorUid, checkpointId, maxParallelism: this.maxParallelism, kinds, keyGroups };
  }

  /**
   * Loads the key groups of `snapshots` that `keyGroups` selects (all when absent). Snapshots of
   * another number of key groups cannot be split the same way: the runtime refuses them before.
   */
  restore(snapshots: readonly KeyedStateSnapshot[], keyGroups?: (keyGroup: number) => boolean): void {
    for (const snap of snapshots) {
      for (const group of snap.keyGroups) {
        if (keyGroups !== undefined && !keyGroups(group.keyGroup)) continue;
        for (const [name, entries] of Object.entries(group.states)) {
          const registered = this.#states.get(name);
          if (registered !== undefined) this.#load(registered.state, registered.ns, entries);
          else {
            this.keepRestored(name, snap.kinds[name] ?? 'value', entries);
          }
        }
      }
    }
  }

  /**
   * The net effect of the writes and deletes since the last snapshot: at most one change per
   * (state, key, namespace) — its current value (with its TTL timestamp when the state has a TTL)
   * if present, a delete if it was deleted and is absent now. Applying the changes, in any order,
   * to the state of the last snapshot gives the current state.
   */
  changesSinceLastSnapshot(): StateChange[] {
    const out: StateChange[] = [];
    for (const [name, { state, descriptor, ns }] of this.#states) {
      const withTtl = !this.#ignoreTtl && descriptor.ttlConfig !== undefined;
      for (const [, nsObj, sk, e] of state.table.changedEntries?.(this.epoch) ?? state.table.entries()) {
        if (e.e === this.epoch) out.push(this.#change(name, sk, ns.toJSON(nsObj), state.toJSON(e.v), withTtl ? e.t : undefined));
      }
    }
    for (const [name, byNs] of this.#deletes) {
      const { state, ns } = this.#states.get(name)!;
      for (const [nsKey, keys] of byNs) {
        for (const [sk, nsObj] of keys) {
          // Present again: written after the delete, so the write above is the net effect.
          if (!state.table.has(nsKey, sk)) out.push(this.#change(name, sk, ns.toJSON(nsObj), undefined, undefined));
        }
      }
    }
    return out;
  }

  changesPersisted(): void {
    this.nextEpoch();
    this.#deletes = new Map();
  }

  #change(state: string, sk: unknown, namespace: unknown, value: unknown, ttlTimestamp: number | undefined): StateChange {
    const key = this.#originalKeys.get(sk) ?? sk;
    const c: StateChange = { state, key, namespace, value, keyGroup: this.#keyGroupOf(key) };
    if (ttlTimestamp !== undefined) c.ttlTimestamp = ttlTimestamp;
    return c;
  }

  numEntries(): number {
    let n = 0;
    for (const { state } of this.#states.values()) n += state.table.size();
    return n;
  }

  /** Bumps the write epoch (entries written before count as unchanged). */
  protected nextEpoch(): void {
    this.epoch++;
  }

  /** Releases one state's storage at dispose; the LMDB backend keeps its files. */
  protected disposeTable(table: StateTableLike): void {
    table.clearAll();
  }

  dispose(): void {
    for (const { state } of this.#states.values()) this.disposeTable(state.table);
    this.#states.clear();
  }
}

/**
 * Keyed state on the JavaScript heap (the default; Flink's `HashMapStateBackend`).
 *
 * @example
 * ```ts
 * StreamExecutionEnvironment.getExecutionEnvironment({ stateBackend: new HashMapStateBackend() });
 * ```
 */
export class HashMapStateBackend implements StateBackend {
  readonly name = 'heap';
  createKeyedStateBackend(o: KeyedBackendOptions): HeapKeyedStateBackend {
    return new HeapKeyedStateBackend(o);
  }
}
