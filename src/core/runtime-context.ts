import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from './state/descriptors.ts';
import type { AggregatingState, ListState, MapState, ReducingState, ValueState } from './state/state.ts';
import type { GlobalJobParameters } from './job-parameters.ts';
import type { MetricGroup } from '../core/metric-group.ts';

/**
 * Where a parallel instance runs (Flink's `TaskInfo`).
 *
 * @example
 * ```ts
 * open(ctx: RuntimeContext) {
 *   const { indexOfThisSubtask, numberOfParallelSubtasks } = ctx.getTaskInfo();
 * }
 * ```
 */
export interface TaskInfo {
  readonly taskName: string;
  readonly indexOfThisSubtask: number;
  readonly numberOfParallelSubtasks: number;
  readonly maxNumberOfParallelSubtasks: number;
  readonly attemptNumber: number;
  readonly taskNameWithSubtasks: string;
}

/**
 * Handed to `open(ctx)` of every user function: where it runs (subtask index, parallelism,
 * operator name and uid), keyed state (only on keyed streams), user metrics and the global job
 * parameters.
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
  /** The operator's max parallelism: the number of key groups of its keyed state. */
  getMaxNumberOfParallelSubtasks(): number;
  /** How many times this subtask was restarted: 0 (Sluice does not restart failed jobs in place). */
  getAttemptNumber(): number;
  /** Flink's format `name (index+1/parallelism)#attempt`, e.g. `Map (2/4)#0`. */
  getTaskNameWithSubtasks(): string;
  getTaskInfo(): TaskInfo;
  /** User metrics of this parallel instance. */
  getMetricGroup(): MetricGroup;
  /** `env.getConfig().setGlobalJobParameters(...)`, the same for every function. */
  getGlobalJobParameters(): GlobalJobParameters;
  /** Current processing time of the job (its injected clock). */
  getCurrentProcessingTime(): number;
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV>;
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
}
