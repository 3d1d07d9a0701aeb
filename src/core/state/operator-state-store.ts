import type { ListStateDescriptor } from './descriptors.ts';
import type { ListState } from './state.ts';

/**
 * Non-keyed (operator) state of one parallel instance of a function, handed to
 * `CheckpointedFunction.initializeState` (Flink's `OperatorStateStore`). Each state is a list; how
 * it is divided when the job restores at another parallelism depends on how it was obtained.
 *
 * @example
 * ```ts
 * initializeState(ctx: FunctionInitializationContext) {
 *   this.buffered = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<string>('buffered'));
 * }
 * ```
 */
export interface OperatorStateStore {
  /** Split redistribution: on restore, the elements of all subtasks are divided evenly among the new ones. */
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  /** Union redistribution: on restore, every subtask gets the elements of all of them. */
  getUnionListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getRegisteredStateNames(): Set<string>;
}
