import { hostname } from 'node:os';
import type { ExceptionHistory } from '../metrics/exception-history.ts';
import type { TaskIOMetrics } from '../metrics/task-io-metrics.ts';
import type { WorkerMetrics } from '../metrics/worker-metrics.ts';
import type { Clock } from '../util/clock.ts';
import { aggregateSubtasks, operatorFigures, splitFigures, taskFigures } from './figures.ts';
import type { CheckpointHistory, JobDetail, JobGraphView, JobState, JobSummary, JobView, SubtaskDetail, TaskState, VertexDetail, WorkerSummary } from './job-view.ts';

/** A job running in this process, as the runtime describes it to the dashboard. */
export interface LocalJob {
  id: string;
  name: string;
  parallelism: number;
  startTime: number;
  state(): JobState;
  /** ms since the epoch once the job ended. */
  endTime?(): number | undefined;
  graph: JobGraphView;
  /** The job's workers in this process; each task's `taskId` is its stage id. */
  workers: readonly WorkerMetrics[];
  exceptions: ExceptionHistory;
}

/**
 * A `JobView` over jobs that run in this process: everything is read from the same
 * `WorkerMetrics`, task and checkpoint objects that `/metrics` reads. (Jobs whose workers run
 * elsewhere are read from what they publish through Kafka: a later provider.)
 */
export class LocalJobView implements JobView {
  readonly #jobs: () => readonly LocalJob[];
  readonly #clock: Clock;

  constructor(jobs: () => readonly LocalJob[], clock: Clock) {
    this.#jobs = jobs;
    this.#clock = clock;
  }

  #find(id: string): LocalJob | undefined {
    return this.#jobs().find((j) => j.id === id);
  }

  jobs(): JobSummary[] {
    return this.#jobs().map((j) => summary(j));
  }

  job(id: string): JobDetail | undefined {
    const j = this.#find(id);
    if (j === undefined) return undefined;
    const byStage = tasksByStage(j);
    return {
      ...summary(j),
      now: this.#clock.now(),
      graph: j.graph,
      vertices: j.graph.stages.map((s) => {
        const tasks = byStage.get(s.id) ?? [];
        return { id: s.id, name: s.name, parallelism: s.parallelism, state: stageState(tasks.map((t) => t.task.state)), metrics: aggregateSubtasks(tasks.map((t) => taskFigures(t.task))) };
      }),
    };
  }

  vertex(id: string, vertexId: string): VertexDetail | undefined {
    const j = this.#find(id);
    const stage = j?.graph.stages.find((s) => s.id === vertexId);
    if (j === undefined || stage === undefined) return undefined;
    const subtasks = (tasksByStage(j).get(vertexId) ?? [])
      .map(({ task, worker }): SubtaskDetail => {
        const ops = [...task.operators];
        return {
          subtask: task.identity.subtask,
          state: task.state,
          worker: worker.workerId,
          host: hostname(),
          metrics: taskFigures(task),
          operators: ops.map(operatorFigures),
          splits: ops.flatMap((o) => [...o.splits].map(splitFigures)),
        };
      })
      .sort((a, b) => a.subtask - b.subtask);
    return { id: stage.id, name: stage.name, parallelism: stage.parallelism, now: this.#clock.now(), subtasks };
  }

  checkpoints(id: string): CheckpointHistory | undefined {
    const j = this.#find(id);
    if (j === undefined) return undefined;
    const stats = j.workers.map((w) => ({ worker: w.workerId, c: w.checkpoints }));
    const newest = <T>(items: Array<T | undefined>, at: (x: T) => number) => items.filter((x): x is T => x !== undefined).sort((a, b) => at(b) - at(a))[0];
    const latest: CheckpointHistory['latest'] = {};
    const completed = newest(stats.map((s) => s.c.latestCompleted), (x) => x.triggerTimestamp);
    const failed = newest(stats.map((s) => s.c.latestFailed), (x) => x.triggerTimestamp);
    const restored = newest(stats.map((s) => s.c.latestRestored), (x) => x.restoreTimestamp);
    if (completed) latest.completed = completed;
    if (failed) latest.failed = failed;
    if (restored) latest.restored = restored;
    const sum = (k: keyof CheckpointHistory['counts']) => stats.reduce((a, s) => a + s.c.counts[k], 0);
    return {
      counts: { total: sum('total'), inProgress: sum('inProgress'), completed: sum('completed'), failed: sum('failed'), restored: sum('restored') },
      latest,
      history: stats.flatMap((s) => s.c.history().map((r) => ({ ...r, worker: s.worker }))).sort((a, b) => b.triggerTimestamp - a.triggerTimestamp || b.id - a.id),
    };
  }

  exceptions(id: string) {
    const j = this.#find(id);
    return j === undefined ? undefined : { entries: j.exceptions.entries(), truncated: j.exceptions.truncated };
  }

  workers(id: string): WorkerSummary[] | undefined {
    const j = this.#find(id);
    return j?.workers.map((w) => ({ id: w.workerId, host: hostname(), pid: process.pid, startTime: w.startedAt >= 0 ? w.startedAt : j.startTime, tasks: w.tasks.size }));
  }
}

function tasksByStage(j: LocalJob): Map<string, Array<{ task: TaskIOMetrics; worker: WorkerMetrics }>> {
  const out = new Map<string, Array<{ task: TaskIOMetrics; worker: WorkerMetrics }>>();
  for (const worker of j.workers) {
    for (const task of worker.tasks) {
      const list = out.get(task.identity.taskId) ?? [];
      list.push({ task, worker });
      out.set(task.identity.taskId, list);
    }
  }
  return out;
}

function summary(j: LocalJob): JobSummary {
  const tasks: JobSummary['tasks'] = {};
  for (const w of j.workers) for (const t of w.tasks) tasks[t.state] = (tasks[t.state] ?? 0) + 1;
  const s: JobSummary = { id: j.id, name: j.name, state: j.state(), startTime: j.startTime, parallelism: j.parallelism, workers: j.workers.length, tasks };
  const end = j.endTime?.();
  if (end !== undefined) s.endTime = end;
  return s;
}

/** A stage is as far as its least advanced subtask (FAILED wins). */
function stageState(states: TaskState[]): TaskState {
  if (states.length === 0) return 'CREATED';
  const order: TaskState[] = ['FAILED', 'CANCELED', 'CREATED', 'INITIALIZING', 'RUNNING', 'FINISHED'];
  return order.find((s) => states.includes(s)) ?? 'RUNNING';
}
