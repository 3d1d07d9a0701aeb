import type { JobSnapshot } from '../executor/job-client.ts';
import type { JobVertex } from '../graph/job-graph.ts';
import type { AbstractStreamOperator, OperatorSnapshot } from '../operators/operator.ts';
import type { Task } from '../worker/task.ts';

/**
 * A savepoint of a worker's tasks, taken between two polling rounds: the state of every operator
 * instance (keyed state by key group, timers, operator state) and every reader's position, by
 * uid. CheckpointListeners are told it completed; sinks are neither flushed nor committed.
 */
export function snapshotTasks(
  id: number,
  jobName: string,
  operators: ReadonlyMap<JobVertex, readonly AbstractStreamOperator<unknown>[]>,
  tasks: readonly Task[],
  fail: (e: Error) => void,
): JobSnapshot {
  const states: Record<string, OperatorSnapshot[]> = {};
  for (const [v, list] of operators) states[v.uid] = list.map((op) => op.snapshotState(id));
  const sources: Record<string, unknown[]> = {};
  for (const task of tasks) {
    const v = task.sourceVertex;
    // By subtask index: a worker running some of the subtasks writes a part of the savepoint.
    if (v !== undefined && task.reader !== undefined) (sources[v.uid] ??= [])[task.subtask] = task.reader.snapshotState?.(id);
  }
  for (const list of operators.values()) {
    for (const op of list) {
      const done = op.functionState.notifyComplete(id);
      if (done instanceof Promise) done.catch((e: unknown) => fail(op.userError(e, undefined, 'notifyCheckpointComplete() after savepoint')));
    }
  }
  return { jobName, checkpointId: id, operators: states, sources };
}
