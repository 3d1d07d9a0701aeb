import { jobsOverview, type ClusterJobState, type JobOverview, type WorkerView } from '../kafka/job-status/jobs-overview.ts';
import type { StatusWatermark, TaskStatus, WorkerStatus } from '../kafka/job-status/status-record.ts';
import type { Clock } from '../util/clock.ts';
import { aggregateSubtasks } from './figures.ts';
import type { CheckpointHistory, JobDetail, JobExceptions, JobGraphView, JobState, JobSummary, JobView, SplitFigures, SubtaskDetail, TaskFigures, TaskState, VertexDetail, WorkerSummary } from './job-view.ts';

/** Where the newest worker statuses come from (the status topic, read by the dashboard's Kafka client). */
export interface StatusSource {
  statuses(now: number): Promise<WorkerStatus[]>;
}

/**
 * The jobs of the whole cluster: the jobs of this process as `local` describes them (live figures
 * from the runtime's own objects), with every worker of each job — here or on other machines — from
 * the status topic; and the jobs that run only elsewhere, from what their workers publish (stages,
 * tasks, records, lag, watermarks, state size, last checkpoints, failures; no rates, which only a
 * worker's own metrics know: they read as unknown).
 */
export class ClusterJobView implements JobView {
  readonly #local: JobView;
  readonly #source: StatusSource;
  readonly #clock: Clock;

  constructor(local: JobView, source: StatusSource, clock: Clock) {
    this.#local = local;
    this.#source = source;
    this.#clock = clock;
  }

  async #cluster(): Promise<JobOverview[]> {
    const now = this.#clock.now();
    return jobsOverview(await this.#source.statuses(now), now);
  }

  async #remote(id: string): Promise<JobOverview | undefined> {
    return (await this.#cluster()).find((j) => j.id === id);
  }

  async jobs(): Promise<JobSummary[]> {
    const [local, cluster] = await Promise.all([this.#local.jobs(), this.#cluster()]);
    const out = local.map((j) => {
      const c = cluster.find((x) => x.id === j.id);
      return c === undefined ? j : { ...j, workers: Math.max(j.workers, c.workers.length) };
    });
    for (const c of cluster) if (!local.some((j) => j.id === c.id)) out.push(summary(c));
    return out;
  }

  async job(id: string): Promise<JobDetail | undefined> {
    const local = await this.#local.job(id);
    const c = await this.#remote(id);
    if (local !== undefined) return c === undefined ? local : { ...local, workers: Math.max(local.workers, c.workers.length) };
    if (c === undefined) return undefined;
    const stages = stagesOf(c);
    return {
      ...summary(c),
      now: this.#clock.now(),
      graph: graphOf(stages),
      vertices: [...stages].map(([stage, tasks]) => ({
        id: String(stage),
        name: tasks[0]!.t.name,
        parallelism: tasks[0]!.t.parallelism,
        state: stageState(tasks.map(({ w }) => taskState(w))),
        metrics: aggregateSubtasks(tasks.map(({ t }) => figures(t))),
      })),
    };
  }

  async vertex(id: string, vertexId: string): Promise<VertexDetail | undefined> {
    const local = await this.#local.vertex(id, vertexId);
    if (local !== undefined) return local;
    const c = await this.#remote(id);
    const tasks = c === undefined ? undefined : stagesOf(c).get(Number(vertexId));
    if (tasks === undefined) return undefined;
    const subtasks = tasks.map(({ t, w }): SubtaskDetail => ({ subtask: t.subtask, state: taskState(w), worker: w.workerId, host: w.host, metrics: figures(t), operators: [], splits: splitsOf(t) }));
    return { id: vertexId, name: tasks[0]!.t.name, parallelism: tasks[0]!.t.parallelism, now: this.#clock.now(), subtasks: subtasks.sort((a, b) => a.subtask - b.subtask) };
  }

  /** Elsewhere: the last checkpoint each worker published. */
  async checkpoints(id: string): Promise<CheckpointHistory | undefined> {
    const local = await this.#local.checkpoints(id);
    if (local !== undefined) return local;
    const c = await this.#remote(id);
    if (c === undefined) return undefined;
    const history = c.workers.flatMap((w) =>
      w.lastCheckpoint === undefined ? [] : [{ id: w.lastCheckpoint.id, status: 'COMPLETED' as const, isSavepoint: false, triggerTimestamp: w.lastCheckpoint.time, endTimestamp: w.lastCheckpoint.time, stateSize: 0, worker: w.workerId }],
    );
    history.sort((a, b) => b.triggerTimestamp - a.triggerTimestamp);
    return { counts: { total: history.length, inProgress: 0, completed: history.length, failed: 0, restored: 0 }, latest: history[0] === undefined ? {} : { completed: history[0] }, history };
  }

  /** Elsewhere: the failure each failed worker published. */
  async exceptions(id: string): Promise<JobExceptions | undefined> {
    const local = await this.#local.exceptions(id);
    if (local !== undefined) return local;
    const c = await this.#remote(id);
    if (c === undefined) return undefined;
    const entries = c.workers.flatMap((w) => {
      if (w.error === undefined) return [];
      const [name, ...rest] = w.error.split(': ');
      return [{ exceptionName: name ?? 'Error', message: rest.join(': '), stacktrace: w.error, timestamp: w.updatedAt, worker: w.workerId }];
    });
    return { entries: entries.sort((a, b) => b.timestamp - a.timestamp), truncated: false };
  }

  /** Every worker of the job, wherever it runs, from the status topic (this process's alone when it publishes none). */
  async workers(id: string): Promise<WorkerSummary[] | undefined> {
    const c = await this.#remote(id);
    if (c === undefined) return this.#local.workers(id);
    return c.workers.map((w) => ({ id: w.workerId, host: w.host, pid: w.pid, threads: w.threads, startTime: w.startTime, tasks: w.tasks.length + (w.tasksOmitted ?? 0), state: w.status, lastStatus: w.updatedAt }));
  }
}

type Placed = { t: TaskStatus; w: WorkerView };

/** The tasks of the job's workers by stage (lost workers' last known tasks included). */
function stagesOf(c: JobOverview): Map<number, Placed[]> {
  const out = new Map<number, Placed[]>();
  for (const w of c.workers) for (const t of w.tasks) (out.get(t.stage) ?? out.set(t.stage, []).get(t.stage)!).push({ t, w });
  return new Map([...out].sort(([a], [b]) => a - b));
}

/** Stages as their chain names say (`Source: x -> Map`); how they connect is not published. */
function graphOf(stages: Map<number, Placed[]>): JobGraphView {
  return {
    stages: [...stages].map(([stage, tasks]) => {
      const names = tasks[0]!.t.name.split(' -> ');
      return {
        id: String(stage),
        name: tasks[0]!.t.name,
        parallelism: tasks[0]!.t.parallelism,
        operators: names.map((name, i) => ({ uid: `${stage}.${i}`, name, kind: name.startsWith('Source: ') ? 'source' : name.startsWith('Sink: ') ? 'sink' : 'operator', inputs: i === 0 ? [] : [`${stage}.${i - 1}`] })),
      };
    }),
    exchanges: [],
  };
}

const watermarkOf = (w: StatusWatermark): number => (w === null ? Number.NEGATIVE_INFINITY : w === 'end' ? Number.POSITIVE_INFINITY : w);

/** What a published task says; rates and busy times are not published (NaN: unknown, null in JSON). */
function figures(t: TaskStatus): TaskFigures {
  const wm = watermarkOf(t.watermark);
  return {
    numRecordsIn: t.recordsIn ?? Number.NaN,
    numRecordsOut: t.recordsOut ?? Number.NaN,
    numRecordsInPerSecond: Number.NaN,
    numRecordsOutPerSecond: Number.NaN,
    busyTimeMsPerSecond: Number.NaN,
    backPressuredTimeMsPerSecond: Number.NaN,
    idleTimeMsPerSecond: Number.NaN,
    currentInputWatermark: wm,
    currentOutputWatermark: wm,
    ...(t.lag !== undefined && { recordsLag: t.lag }),
    ...(t.stateBytes !== undefined && { stateSizeBytes: t.stateBytes }),
  };
}

function splitsOf(t: TaskStatus): SplitFigures[] {
  return (t.partitions ?? []).map((p) => ({
    splitId: `${p.topic}-${p.partition}`,
    topic: p.topic,
    partition: p.partition,
    currentWatermark: watermarkOf(t.watermark),
    idle: t.idle ?? false,
    currentOffset: p.position,
    ...(p.end !== undefined && { endOffset: p.end }),
    ...(p.lag !== undefined && { recordsLag: p.lag }),
  }));
}

const JOB_STATES: Record<ClusterJobState, JobState> = {
  INITIALIZING: 'INITIALIZING',
  RUNNING: 'RUNNING',
  RESTARTING: 'RESTARTING',
  FINISHED: 'FINISHED',
  CANCELED: 'CANCELED',
  FAILED: 'FAILED',
  LOST: 'LOST',
};

function summary(c: JobOverview): JobSummary {
  const tasks: JobSummary['tasks'] = {};
  for (const w of c.workers) for (const _ of w.tasks) tasks[taskState(w)] = (tasks[taskState(w)] ?? 0) + 1;
  const live = c.state === 'RUNNING' || c.state === 'INITIALIZING' || c.state === 'RESTARTING';
  return {
    id: c.id,
    name: c.name,
    state: JOB_STATES[c.state],
    startTime: c.startTime,
    ...(!live && { endTime: c.updatedAt }),
    parallelism: Math.max(1, ...c.workers.flatMap((w) => w.tasks.map((t) => t.parallelism))),
    workers: c.workers.length,
    tasks,
  };
}

/** A task is as its worker says; a lost worker's tasks are FAILED (nobody runs them). */
function taskState(w: WorkerView): TaskState {
  if (w.status === 'LOST') return 'FAILED';
  if (w.status === 'RESTARTING') return 'INITIALIZING';
  return w.status;
}

function stageState(states: TaskState[]): TaskState {
  const order: TaskState[] = ['FAILED', 'CANCELED', 'CREATED', 'INITIALIZING', 'RUNNING', 'FINISHED'];
  return order.find((s) => states.includes(s)) ?? 'RUNNING';
}
