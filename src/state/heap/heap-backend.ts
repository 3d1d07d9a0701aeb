import type { Clock } from '../../util/clock.ts';
import type { InternalKeyedStateBackend, InternalKvState, KeyedStateSnapshot, SnapshotEntry, StateBackend, StateChange } from '../backend.ts';
import type { StateDescriptor } from '../descriptors.ts';
import { toStateKey } from '../key.ts';
import type { NamespaceKey, NamespaceSerializer } from '../namespace.ts';
import { StateAccessError } from '../errors.ts';
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

export interface HeapBackendOptions {
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
  #deletes: Array<[string, NamespaceKey, unknown, unknown]> = [];
  #pendingRestore = new Map<string, SnapshotEntry[]>();
  #keep: ((key: unknown) => boolean) | undefined;

  constructor(options: HeapBackendOptions) {
    this.operatorUid = options.operatorUid;
    this.#clock = options.clock;
    this.#trackChanges = options.trackChanges ?? false;
    this.#ignoreTtl = options.ignoreTtl ?? false;
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
    if (this.#trackChanges) this.#deletes.push([state, nsKey, key, ns]);
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
    const pending = this.#pendingRestore.get(descriptor.name);
    if (pending !== undefined) {
      this.#pendingRestore.delete(descriptor.name);
      this.#load(state, ns as NamespaceSerializer<unknown>, pending);
    }
    return state as unknown as S & InternalKvState<N>;
  }

  #load(state: AnyHeapState, ns: NamespaceSerializer<unknown>, entries: SnapshotEntry[]): void {
    for (const [key, nsJson, value, t] of entries) {
      if (this.#keep !== undefined && !this.#keep(key)) continue;
      const n = ns.fromJSON(nsJson);
      const sk = toStateKey(key);
      if (sk !== key) this.#originalKeys.set(sk, key);
      state.table.put(ns.key(n), n, sk, new Entry(state.fromJSON(value), t ?? this.now(), this.epoch));
    }
  }

  snapshot(checkpointId: number): KeyedStateSnapshot {
    const states: KeyedStateSnapshot['states'] = {};
    const ttlNow = this.now();
    // Expired entries are left out of the snapshot and dropped from memory (full-snapshot cleanup).
    const expired: Array<[AnyHeapState, NamespaceKey, unknown]> = [];
    for (const [name, { state, descriptor, ns }] of this.#states) {
      const entries: SnapshotEntry[] = [];
      const ttl = this.#ignoreTtl ? undefined : descriptor.ttlConfig?.ttl;
      for (const [nsKey, nsObj, sk, e] of state.table.entries()) {
        const nsJson = ns.toJSON(nsObj);
        {
          if (ttl !== undefined && ttlNow - e.t >= ttl && descriptor.kind !== 'list' && descriptor.kind !== 'map') {
            expired.push([state, nsKey, sk]);
            continue;
          }
          const entry: SnapshotEntry = [this.#originalKeys.get(sk) ?? sk, nsJson, state.toJSON(e.v)];
          if (ttl !== undefined) entry.push(e.t);
          entries.push(entry);
        }
      }
      states[name] = { kind: descriptor.kind, entries };
    }
    for (const [state, nsKey, sk] of expired) state.table.remove(nsKey, sk);
    for (const [name, entries] of this.#pendingRestore) states[name] = { kind: 'value', entries };
    this.nextEpoch();
    this.#deletes = [];
    return { operatorUid: this.operatorUid, checkpointId, states };
  }

  restore(snapshots: readonly KeyedStateSnapshot[], keep?: (key: unknown) => boolean): void {
    this.#keep = keep;
    for (const snap of snapshots) {
      for (const [name, { entries }] of Object.entries(snap.states)) {
        const registered = this.#states.get(name);
        if (registered !== undefined) this.#load(registered.state, registered.ns, entries);
        else this.#pendingRestore.set(name, [...(this.#pendingRestore.get(name) ?? []), ...entries]);
      }
    }
  }

  changesSinceLastSnapshot(): StateChange[] {
    const out: StateChange[] = [];
    for (const [name, { state, ns }] of this.#states) {
      for (const [, nsObj, sk, e] of state.table.entries()) {
        {
          if (e.e === this.epoch) out.push({ state: name, key: this.#originalKeys.get(sk) ?? sk, namespace: ns.toJSON(nsObj), value: state.toJSON(e.v) });
        }
      }
    }
    for (const [name, , sk, nsObj] of this.#deletes) {
      const ns = this.#states.get(name)?.ns;
      out.push({ state: name, key: this.#originalKeys.get(sk) ?? sk, namespace: ns?.toJSON(nsObj), value: undefined });
    }
    return out;
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

  dispose(): void {
    for (const { state } of this.#states.values()) state.table.clearAll();
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
  createKeyedStateBackend(o: { operatorUid: string; clock: Clock; trackChanges: boolean }): HeapKeyedStateBackend {
    return new HeapKeyedStateBackend({ operatorUid: o.operatorUid, clock: o.clock, trackChanges: o.trackChanges });
  }
}
