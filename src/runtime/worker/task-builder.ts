import type { Output } from '../../core/output.ts';
import { BatchStages } from '../executor/batch/batch-stages.ts';
import type { JobSnapshot } from '../executor/job-client.ts';
import { restoreOperator } from '../executor/restore.ts';
import { wireOutputs } from '../executor/wiring.ts';
import type { JobGraph, JobVertex } from '../graph/job-graph.ts';
import type { AbstractStreamOperator, OperatorServices } from '../operators/operator.ts';
import { Task } from './task.ts';
import type { TaskMetricsBinding } from './task-metrics.ts';
import type { WorkerShare } from './execution-options.ts';

/** The runnable form of a job graph in one worker. */
export interface BuiltTasks {
  /** One per (stage, subtask), stage by stage in topological order. */
  readonly tasks: Task[];
  /** Every operator instance by vertex (subtask order): lifecycle calls go vertex by vertex, upstream first. */
  readonly operators: Map<JobVertex, AbstractStreamOperator<unknown>[]>;
  /** The output each (vertex, subtask) emits into (sources: their task's chain head, or an exchange). */
  readonly outputOf: (v: JobVertex, subtask: number) => Output<unknown>;
  /** BATCH mode: the blocking exchanges and the stages that replay them. */
  readonly batch: BatchStages | undefined;
}

/**
 * Creates the tasks of a job graph for a worker that runs all of them: one operator instance per
 * vertex and subtask (each with its own copy of the user function), the exchanges between them
 * (direct calls in one worker), their setup and, from a savepoint, their restored state.
 */
export function buildTasks(graph: JobGraph, services: OperatorServices, restoreFrom: JobSnapshot | undefined, observed?: Pick<TaskMetricsBinding, 'edge'>): BuiltTasks {
  const operators = new Map<JobVertex, AbstractStreamOperator<unknown>[]>();
  for (const v of graph.vertices) {
    if (v.t.kind === 'source') continue;
    const factory = v.t.factory as (subtaskIndex: number) => AbstractStreamOperator<unknown>;
    operators.set(v, Array.from({ length: v.parallelism }, (_, i) => factory(i)));
  }
  // BATCH: blocking exchanges and sorted keyed inputs; stages run one after another.
  const batch = services.mode === 'batch' ? new BatchStages(graph, operators) : undefined;
  const outputOf = wireOutputs(graph, operators, batch?.intercept, observed && ((e, i, out) => observed.edge(e, i, out)));
  for (const [v, ops] of operators) {
    ops.forEach((op, i) =>
      op.setup({ name: v.name, uid: v.uid, subtaskIndex: i, parallelism: v.parallelism, maxParallelism: v.maxParallelism, jobName: graph.jobName }, services, outputOf(v, i)),
    );
    if (restoreFrom !== undefined) restoreOperator(v, ops, restoreFrom);
  }
  const tasks: Task[] = [];
  for (const stage of graph.stages) {
    for (let i = 0; i < stage.parallelism; i++) {
      tasks.push(new Task(stage, i, stage.vertices.flatMap((v) => operators.get(v)?.[i] ?? [])));
    }
  }
  return { tasks, operators, outputOf, batch };
}

/**
 * The part of a job one of several workers runs: subtask i of every stage when
 * `i % count === index`, or when the job group assigned it unit i (stages joined by forward edges have equal parallelism, so a chain's
 * subtasks stay together; exchanges go through Kafka). Operator lists keep only those subtasks.
 */
export function ownShare(built: BuiltTasks, share: WorkerShare): BuiltTasks {
  const owns = (subtask: number): boolean => (share.subtasks !== undefined ? share.subtasks.includes(subtask) : subtask % share.count === share.index);
  return {
    ...built,
    tasks: built.tasks.filter((t) => owns(t.subtask)),
    operators: new Map([...built.operators].map(([v, ops]) => [v, ops.filter((op) => owns(op.subtaskIndex))])),
  };
}
