import type { CheckpointedFunction, CheckpointListener, FunctionInitializationContext } from '../../core/functions/checkpointed.ts';
import type { KeyedStateStore } from '../../core/windowing/window-functions.ts';
import { OperatorStateStoreImpl } from '../../state/operator/operator-state-store.ts';
import type { OperatorStateSnapshot } from '../../state/operator/redistribution.ts';

/**
 * Wrappers the API puts around a user function (keyed map, co-map, ...) point at it here, so
 * that the operator finds the CheckpointedFunction / CheckpointListener behind them.
 */
export const USER_FUNCTION: unique symbol = Symbol('sluice.userFunction');

/** The user function behind a wrapper (or the object itself). */
export function userFunctionOf(fn: object): object {
  return (fn as { [USER_FUNCTION]?: object })[USER_FUNCTION] ?? fn;
}

const isCheckpointed = (f: object): f is CheckpointedFunction =>
  typeof (f as Partial<CheckpointedFunction>).snapshotState === 'function' && typeof (f as Partial<CheckpointedFunction>).initializeState === 'function';
const isListener = (f: object): f is CheckpointListener => typeof (f as Partial<CheckpointListener>).notifyCheckpointComplete === 'function';

/**
 * The checkpoint side of an operator's user functions: runs `initializeState` with the operator
 * state this subtask restored, `snapshotState` at checkpoints, and the CheckpointListener calls.
 */
export class FunctionStateHandler {
  readonly #owner: string;
  #store: OperatorStateStoreImpl;
  #restoredFrom: number | undefined;
  readonly #checkpointed: CheckpointedFunction[] = [];
  readonly #listeners: CheckpointListener[] = [];

  constructor(owner: string) {
    this.#owner = owner;
    this.#store = new OperatorStateStoreImpl(owner);
  }

  /** The operator state this subtask restores (already redistributed), and from which checkpoint. */
  restore(state: OperatorStateSnapshot | undefined, checkpointId: number | undefined): void {
    this.#store = new OperatorStateStoreImpl(this.#owner, state ?? {});
    this.#restoredFrom = checkpointId;
  }

  /** Registers a user function; calls its `initializeState` when it has one. */
  async initialize(fn: object, keyedStore: () => KeyedStateStore): Promise<void> {
    const f = userFunctionOf(fn);
    if (isListener(f) && !this.#listeners.includes(f)) this.#listeners.push(f);
    if (!isCheckpointed(f) || this.#checkpointed.includes(f)) return;
    this.#checkpointed.push(f);
    const ctx: FunctionInitializationContext = {
      isRestored: () => this.#restoredFrom !== undefined,
      getRestoredCheckpointId: () => this.#restoredFrom,
      getOperatorStateStore: () => this.#store,
      getKeyedStateStore: keyedStore,
    };
    await f.initializeState(ctx);
  }

  get hasCheckpointedFunctions(): boolean {
    return this.#checkpointed.length > 0;
  }

  /** Calls `snapshotState` of every checkpointed function, then returns the operator state. */
  snapshot(checkpointId: number, timestamp: number): OperatorStateSnapshot {
    const ctx = { getCheckpointId: () => checkpointId, getCheckpointTimestamp: () => timestamp };
    for (const f of this.#checkpointed) {
      const r = f.snapshotState(ctx) as unknown;
      if (r !== null && typeof r === 'object' && typeof (r as { then?: unknown }).then === 'function') {
        throw new TypeError('snapshotState() must be synchronous (it captures state at the checkpoint): update the state handles and return');
      }
    }
    return this.#store.snapshot();
  }

  notifyComplete(checkpointId: number): Promise<unknown> | undefined {
    return this.#all((l) => l.notifyCheckpointComplete(checkpointId));
  }
  notifyAborted(checkpointId: number): Promise<unknown> | undefined {
    return this.#all((l) => l.notifyCheckpointAborted?.(checkpointId));
  }
  #all(call: (l: CheckpointListener) => void | Promise<void>): Promise<unknown> | undefined {
    if (this.#listeners.length === 0) return undefined;
    const pending = this.#listeners.map(call).filter((r): r is Promise<void> => r instanceof Promise);
    return pending.length === 0 ? undefined : Promise.all(pending);
  }
}
