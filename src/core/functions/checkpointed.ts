import type { OperatorStateStore } from '../state/operator-state-store.ts';
import type { KeyedStateStore } from '../windowing/window-functions.ts';

/**
 * What `CheckpointedFunction.initializeState` gets.
 *
 * @example
 * ```ts
 * initializeState(ctx: FunctionInitializationContext) {
 *   this.offsets = ctx.getOperatorStateStore().getUnionListState(new ListStateDescriptor<number>('offsets'));
 *   if (!ctx.isRestored()) this.offsets.update([0]);
 * }
 * ```
 */
export interface FunctionInitializationContext {
  /** True when the job was started from a savepoint that holds state for this operator. */
  isRestored(): boolean;
  /** The id of the restored checkpoint or savepoint, undefined on a fresh start. */
  getRestoredCheckpointId(): number | undefined;
  /** Non-keyed list state of this parallel instance. */
  getOperatorStateStore(): OperatorStateStore;
  /** Keyed state (only on keyed streams; throws `SLUICE_STATE_ACCESS` otherwise). */
  getKeyedStateStore(): KeyedStateStore;
}

/**
 * What `CheckpointedFunction.snapshotState` gets.
 *
 * @example
 * ```ts
 * snapshotState(ctx: FunctionSnapshotContext) {
 *   this.state.update([`checkpoint ${ctx.getCheckpointId()} at ${ctx.getCheckpointTimestamp()}`]);
 * }
 * ```
 */
export interface FunctionSnapshotContext {
  getCheckpointId(): number;
  /** Processing time (the job's clock) when the checkpoint started. */
  getCheckpointTimestamp(): number;
}

/**
 * A function with state of its own (Flink's `CheckpointedFunction`): `initializeState` runs once
 * per parallel instance before `open` (restored or fresh), `snapshotState` at every checkpoint
 * and savepoint, synchronously, at a point where every record before the checkpoint's source
 * positions has been processed. Operator list state is part of savepoints and is redistributed
 * when a job restores at another parallelism: even split for `getListState`, everything to
 * everyone for `getUnionListState`.
 *
 * @example
 * ```ts
 * import { ListStateDescriptor, type CheckpointedFunction, type FunctionInitializationContext,
 *   type ListState, type SinkWriterContext } from 'sluice';
 * class BufferingSink implements CheckpointedFunction {
 *   buffer: string[] = [];
 *   state!: ListState<string>;
 *   invoke(value: string, _ctx: SinkWriterContext) {
 *     this.buffer.push(value);
 *     if (this.buffer.length >= 100) this.buffer = []; // written somewhere
 *   }
 *   snapshotState() { this.state.update(this.buffer); }
 *   initializeState(ctx: FunctionInitializationContext) {
 *     this.state = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<string>('buffered'));
 *     if (ctx.isRestored()) this.buffer = this.state.get();
 *   }
 * }
 * stream.addSink(new BufferingSink());
 * ```
 */
export interface CheckpointedFunction {
  snapshotState(ctx: FunctionSnapshotContext): void;
  initializeState(ctx: FunctionInitializationContext): void | Promise<void>;
}

/**
 * Told when a checkpoint completed (sinks flushed, source positions committed) or was aborted
 * (Flink's `CheckpointListener`). Commit external side effects in `notifyCheckpointComplete`.
 *
 * @example
 * ```ts
 * import type { CheckpointListener } from 'sluice';
 * class Committing implements CheckpointListener {
 *   notifyCheckpointComplete(id: number) { console.error(`checkpoint ${id} is durable`); }
 *   notifyCheckpointAborted(id: number) { console.error(`checkpoint ${id} was aborted`); }
 * }
 * ```
 */
export interface CheckpointListener {
  notifyCheckpointComplete(checkpointId: number): void | Promise<void>;
  notifyCheckpointAborted?(checkpointId: number): void | Promise<void>;
}
