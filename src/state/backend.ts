import type { Clock } from '../util/clock.ts';
import type { StateDescriptor, StateKind } from '../core/state/descriptors.ts';
import type { NamespaceSerializer } from '../core/state/namespace.ts';
import type { State } from '../core/state/state.ts';

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

/** The entries of one key group, by state name. */
export interface KeyGroupSnapshot {
  readonly keyGroup: number;
  readonly states: Record<string, SnapshotEntry[]>;
}

/**
 * A portable snapshot of the keyed state of one operator subtask, split by key group (the unit
 * that moves when the parallelism changes; see docs/internals/key-groups.md).
 */
export interface KeyedStateSnapshot {
  readonly operatorUid: string;
  readonly checkpointId: number;
  /** Number of key groups (the operator's max parallelism); a restore needs the same. */
  readonly maxParallelism: number;
  /** The kind of every state. */
  readonly kinds: Record<string, StateKind>;
  /** Non-empty key groups, ascending. */
  readonly keyGroups: KeyGroupSnapshot[];
}

/**
 * The net change of one (state, key, namespace) entry since the last snapshot, for changelogs:
 * its current value, or a delete (value undefined).
 */
export interface StateChange {
  state: string;
  key: unknown;
  /** Portable form of the namespace (as in snapshots). */
  namespace: unknown;
  /** Portable form of the value (as in snapshots); undefined deletes the entry. */
  value: unknown;
  /** Last-access timestamp of the entry, when the state has a TTL (a write only). */
  ttlTimestamp?: number;
  /** The key group of the key: the changelog partition it belongs to. */
  keyGroup: number;
}

/** Where a keyed state backend sits among the key groups of its operator. */
export interface KeyGroupOptions {
  /** Number of key groups (default 1: everything in key group 0, for stand-alone backends). */
  maxParallelism?: number;
  /** The key group of a key (the runtime passes Kafka's partitioner over maxParallelism partitions). */
  keyGroupOf?: (key: unknown) => number;
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
  /** Restores from snapshots (several when scaling in); `keyGroups` selects the key groups this subtask owns. */
  restore(snapshots: readonly KeyedStateSnapshot[], keyGroups?: (keyGroup: number) => boolean): void;
  /**
   * The net change of every entry written or deleted since the last snapshot: at most one per
   * (state, key, namespace), the current value if present, else a delete (deletes only if change
   * tracking is on).
   */
  changesSinceLastSnapshot(): StateChange[];
  /** The changes of `changesSinceLastSnapshot()` are durable (changelogged): later calls list only newer ones. */
  changesPersisted(): void;
  /** Number of (state, key, namespace) entries; for tests and metrics. */
  numEntries(): number;
  /** Bytes the state occupies, when the backend can tell (LMDB: its pages as of the last write-out); metrics. */
  stateSizeBytes?(): number;
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
  createKeyedStateBackend(options: KeyedBackendOptions): InternalKeyedStateBackend;
}

/** What the runtime tells a state backend about one keyed operator subtask. */
export interface KeyedBackendOptions extends KeyGroupOptions {
  operatorUid: string;
  subtaskIndex: number;
  clock: Clock;
  trackChanges: boolean;
}
