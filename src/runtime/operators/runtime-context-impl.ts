import type { GlobalJobParameters } from '../../core/job-parameters.ts';
import type { RuntimeContext, TaskInfo } from '../../core/runtime-context.ts';
import type { StateDescriptor } from '../../core/state/descriptors.ts';
import { InMemoryMetricGroup, MetricRegistry, type ExportedMetricGroups } from '../metrics/in-memory-metrics.ts';
import type { AbstractStreamOperator } from './operator.ts';

const NO_PARAMETERS: GlobalJobParameters = Object.freeze({});

/** The RuntimeContext of one operator subtask (shared by the user functions it runs). */
export function createRuntimeContext(
  op: AbstractStreamOperator<unknown>,
  services: { metrics?: MetricRegistry | undefined; exportedMetricGroup?: ExportedMetricGroups | undefined; globalJobParameters?: GlobalJobParameters | undefined },
): RuntimeContext {
  const getState = <S>(d: StateDescriptor<S>): S => op.getPartitionedState(d);
  const nameWithSubtasks = (): string => `${op.name} (${op.subtaskIndex + 1}/${op.parallelism})#${op.attemptNumber}`;
  let metrics: InMemoryMetricGroup | undefined;
  const ctx: RuntimeContext = {
    getJobName: () => op.jobName,
    getTaskName: () => op.name,
    getOperatorUid: () => op.uid,
    getIndexOfThisSubtask: () => op.subtaskIndex,
    getNumberOfParallelSubtasks: () => op.parallelism,
    getMaxNumberOfParallelSubtasks: () => op.maxParallelism,
    getAttemptNumber: () => op.attemptNumber,
    getTaskNameWithSubtasks: nameWithSubtasks,
    getTaskInfo: (): TaskInfo => ({
      taskName: op.name,
      indexOfThisSubtask: op.subtaskIndex,
      numberOfParallelSubtasks: op.parallelism,
      maxNumberOfParallelSubtasks: op.maxParallelism,
      attemptNumber: op.attemptNumber,
      taskNameWithSubtasks: nameWithSubtasks(),
    }),
    getMetricGroup: () =>
      (metrics ??= new InMemoryMetricGroup(
        services.metrics ?? new MetricRegistry(op.pts.clock),
        [op.jobName, op.name, String(op.subtaskIndex)],
        { operator: op.uid, operator_name: op.name, subtask: String(op.subtaskIndex) },
        services.exportedMetricGroup?.(op.uid, op.subtaskIndex),
      )),
    getGlobalJobParameters: () => services.globalJobParameters ?? NO_PARAMETERS,
    getCurrentProcessingTime: () => op.pts.now(),
    getState,
    getListState: getState,
    getMapState: getState,
    getReducingState: getState,
    getAggregatingState: getState,
  } as RuntimeContext;
  return ctx;
}
