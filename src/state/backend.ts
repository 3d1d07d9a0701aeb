import type { Clock } from '../util/clock.ts';
import type { StateDescriptor, StateKind } from './descriptors.ts';
import type { NamespaceSerializer } from './namespace.ts';
import type { State } from './state.ts';

/** State with a settable namespace (window); what operators use internally. */
export interface InternalKvState<N> extends State {
  setCurrentNamespace(ns: N): void;
  /** Merges the contents of `sources` into `target` (list, reducing and aggregating state only). */
  mergeNamespaces(target: N, sources: readonly N[]): void;
  /** True when the current key has a value in the current namespace. */
  isEmpty(): boolean;
}

/** One entry of a snapshot: key, namespace (portable form), value (portable form), TTL timestamp. */
export type SnapshotEntry = [key: unknown, namespace: unknown, value: unknown, ttlTimestamp?: number];

/** A portable snapshot of the keyed state of one operator subtask. */
export interface KeyedStateSnapshot {
  readonly operatorUid: string;
  readonly checkpointId: number;
  readonly states: Record<string, { kind: StateKind; entries: SnapshotEntry[] }>;
}

/** A write (value present) or a delete (value undefined) since the last snapshot; for changelogs. */
export interface StateChange {
  state: string;
  key: unknown;
  namespace: unknown;
  value: unknown;
}

/**
 * Keyed state of one operator subtask, scoped by (operator uid, key, namespace). The current key
 * is set by the operator before each element or timer; state handles read it.
 */
export interface KeyedStateBackend {
  readonly operatorUid: string;
  setCurrentKey(key: unknown): void;
  getCurrentKey(): unknown;
  /** Registers (or returns the already registered) state for a descriptor. */
  getOrCreateState<S, N>(descriptor: StateDescriptor<S>, namespaces: NamespaceSerializer<N>): S & InternalKvState<N>;
  /** A full snapshot; afterwards `changesSinceLastSnapshot()` starts empty. */
  snapshot(checkpointId: number): KeyedStateSnapshot;
  /** Restores from snapshots (several when scaling in); `keep` filters the keys this subtask owns. */
  restore(snapshots: readonly KeyedStateSnapshot[], keep?: (key: unknown) => boolean): void;
  /** Writes and deletes since the last snapshot (deletes only if change tracking is on). */
  changesSinceLastSnapshot(): StateChange[];
  /** Number of (state, key, namespace) entries; for tests and metrics. */
  numEntries(): number;
  dispose(): void;
}

/** What operators and timer services need beyond the public backend interface. */
export interface InternalKeyedStateBackend extends KeyedStateBackend {
  /** The normalized current key (Map key); `hasKey` is false before the first `setCurrentKey`. */
  readonly sk: unknown;
  readonly hasKey: boolean;
  /** Sets the current key from its normalized form (timers store normalized keys). */
  setCurrentStateKey(sk: unknown): void;
  /** The normalized keys that have a value in state `stateName` (any namespace). */
  keysOf(stateName: string): unknown[];
}

/** Creates the keyed state backend of each keyed operator subtask (`stateBackend` option). */
export interface StateBackend {
  readonly name: string;
  createKeyedStateBackend(options: { operatorUid: string; subtaskIndex: number; clock: Clock; trackChanges: boolean }): InternalKeyedStateBackend;
}
