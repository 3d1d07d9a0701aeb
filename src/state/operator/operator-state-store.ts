import type { ListStateDescriptor } from '../../core/state/descriptors.ts';
import { StateAccessError } from '../../core/errors/state-errors.ts';
import type { ListState } from '../../core/state/state.ts';
import type { OperatorStateMode, OperatorStateSnapshot } from './redistribution.ts';
import type { OperatorStateStore } from '../../core/state/operator-state-store.ts';

class OperatorListState<T> implements ListState<T> {
  values: T[];
  constructor(values: T[]) {
    this.values = values;
  }
  get(): T[] {
    return [...this.values];
  }
  add(value: T): void {
    if (value === undefined || value === null) throw new TypeError('operator list state cannot hold null or undefined');
    this.values.push(value);
  }
  addAll(values: Iterable<T>): void {
    for (const v of values) this.add(v);
  }
  update(values: Iterable<T>): void {
    this.values = [];
    this.addAll(values);
  }
  clear(): void {
    this.values = [];
  }
}

/** The operator state of one operator subtask: lists by name, restored from a redistributed snapshot. */
export class OperatorStateStoreImpl implements OperatorStateStore {
  readonly #states = new Map<string, { mode: OperatorStateMode; state: OperatorListState<unknown> }>();
  readonly #restored: OperatorStateSnapshot;
  readonly #owner: string;

  constructor(owner: string, restored: OperatorStateSnapshot = {}) {
    this.#owner = owner;
    this.#restored = restored;
  }

  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.#get(descriptor, 'split');
  }
  getUnionListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.#get(descriptor, 'union');
  }
  getRegisteredStateNames(): Set<string> {
    return new Set(this.#states.keys());
  }

  #get<T>(descriptor: ListStateDescriptor<T>, mode: OperatorStateMode): ListState<T> {
    if (descriptor?.kind !== 'list') throw new StateAccessError(`operator state of '${this.#owner}' needs a ListStateDescriptor`);
    const existing = this.#states.get(descriptor.name);
    if (existing !== undefined) {
      if (existing.mode !== mode) {
        throw new StateAccessError(
          `operator state '${descriptor.name}' of '${this.#owner}' is already registered with ${existing.mode === 'union' ? 'getUnionListState' : 'getListState'}; ` +
            'a state keeps one redistribution mode: use another name',
        );
      }
      return existing.state as OperatorListState<T>;
    }
    const state = new OperatorListState<unknown>([...(this.#restored[descriptor.name]?.values ?? [])]);
    this.#states.set(descriptor.name, { mode, state });
    return state as OperatorListState<T>;
  }

  /** The lists as they are now, plus restored states nobody asked for (kept, as Flink keeps them). */
  snapshot(): OperatorStateSnapshot {
    const out: OperatorStateSnapshot = {};
    for (const [name, s] of Object.entries(this.#restored)) if (!this.#states.has(name)) out[name] = { mode: s.mode, values: [...s.values] };
    for (const [name, { mode, state }] of this.#states) out[name] = { mode, values: [...state.values] };
    return out;
  }
}
