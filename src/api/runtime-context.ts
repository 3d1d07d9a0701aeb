import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../state/descriptors.ts';
import type { AggregatingState, ListState, MapState, ReducingState, ValueState } from '../state/state.ts';

/**
 * Handed to `open(ctx)` of every user function: where it runs (subtask index, parallelism,
 * operator name and uid) and access to keyed state (only on keyed streams).
 *
 * @example
 * ```ts
 * import { RichMapFunction, type RuntimeContext } from 'sluice';
 * class Tag extends RichMapFunction<string, string> {
 *   prefix = '';
 *   override open(ctx: RuntimeContext) { this.prefix = `${ctx.getIndexOfThisSubtask()}>`; }
 *   map(v: string) { return this.prefix + v; }
 * }
 * ```
 */
export interface RuntimeContext {
  getJobName(): string;
  getTaskName(): string;
  getOperatorUid(): string;
  getIndexOfThisSubtask(): number;
  getNumberOfParallelSubtasks(): number;
  /** Current processing time of the job (its injected clock). */
  getCurrentProcessingTime(): number;
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV>;
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
}
