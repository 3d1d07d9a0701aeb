import type { CheckpointCounts, CheckpointRecord, RestoredCheckpoint } from '../metrics/checkpoint-stats.ts';
import type { ExceptionEntry } from '../metrics/exception-history.ts';
import type { TaskState } from '../metrics/task-io-metrics.ts';

export type { CheckpointCounts, CheckpointRecord, RestoredCheckpoint, ExceptionEntry, TaskState };

/**
 * What the dashboard and its REST API show about jobs, read from a provider. The runtime implements
 * it over its Worker/Task objects, their `WorkerMetrics` and checkpoint statistics, and — once
 * workers publish status through Kafka — over what the other workers of the job publish. Every
 * method may answer asynchronously; `undefined` means "no such job (or vertex)".
 */
export interface JobView {
  jobs(): Promise<JobSummary[]> | JobSummary[];
  job(jobId: string): Promise<JobDetail | undefined> | JobDetail | undefined;
  vertex(jobId: string, vertexId: string): Promise<VertexDetail | undefined> | VertexDetail | undefined;
  checkpoints(jobId: string): Promise<CheckpointHistory | undefined> | CheckpointHistory | undefined;
  exceptions(jobId: string): Promise<JobExceptions | undefined> | JobExceptions | undefined;
  workers(jobId: string): Promise<WorkerSummary[] | undefined> | WorkerSummary[] | undefined;
}

/** Flink's job states that Sluice uses; LOST: none of its workers reports any more (read from the status topic). */
export type JobState = 'CREATED' | 'INITIALIZING' | 'RUNNING' | 'FAILING' | 'FAILED' | 'CANCELED' | 'FINISHED' | 'RESTARTING' | 'LOST';

export interface JobSummary {
  id: string;
  name: string;
  state: JobState;
  /** ms since the epoch. */
  startTime: number;
  /** ms since the epoch; undefined while the job runs. */
  endTime?: number;
  /** Default parallelism of the job (operators may differ). */
  parallelism: number;
  /** Workers taking part (threads, processes or machines). */
  workers: number;
  /** Tasks by state. */
  tasks: Partial<Record<TaskState, number>>;
}

export interface JobDetail extends JobSummary {
  /** ms since the epoch, when the provider answered (for durations). */
  now: number;
  graph: JobGraphView;
  /** One entry per stage (Flink's job vertices), with figures summed or reduced over its subtasks. */
  vertices: VertexSummary[];
}

/** The job graph: stages of chained operators, and the exchanges between them. */
export interface JobGraphView {
  stages: StageView[];
  exchanges: ExchangeView[];
}

export interface StageView {
  /** The vertex id used in `/jobs/:id/vertices/:vid` (the stage index). */
  id: string;
  /** Flink-style chain name, e.g. `Source: orders -> Map`. */
  name: string;
  parallelism: number;
  maxParallelism?: number;
  /** The operators chained in this stage, in order; `inputs` are operator uids. */
  operators: OperatorView[];
}

export interface OperatorView {
  uid: string;
  name: string;
  kind: 'source' | 'operator' | 'sink';
  /** Uids of the operators feeding it inside the stage. */
  inputs: string[];
}

export interface ExchangeView {
  /** Stage ids. */
  from: string;
  to: string;
  /** Operator uids at both ends. */
  fromOperator: string;
  toOperator: string;
  partitioning: 'forward' | 'hash' | 'rebalance' | 'rescale' | 'broadcast' | 'global' | 'custom';
  /** In-process call, or an internal repartition topic (named) between workers. */
  via: 'memory' | 'topic';
  topic?: string;
  /** Set for a side output edge. */
  sideOutput?: string;
}

/** Figures of a task or of a stage (its subtasks combined, see `aggregateSubtasks`). */
export interface TaskFigures {
  numRecordsIn: number;
  numRecordsOut: number;
  numRecordsInPerSecond: number;
  numRecordsOutPerSecond: number;
  busyTimeMsPerSecond: number;
  backPressuredTimeMsPerSecond: number;
  idleTimeMsPerSecond: number;
  /** ms since the epoch; -Infinity before the first watermark (JSON: null). */
  currentInputWatermark: number;
  currentOutputWatermark: number;
  /** Total records lag of the source splits of the task (Kafka's records-lag), when it reads Kafka. */
  recordsLag?: number;
  stateSizeBytes?: number;
}

export interface VertexSummary {
  id: string;
  name: string;
  parallelism: number;
  state: TaskState;
  /** Sums over subtasks for counts and rates; the maximum for busy/back-pressured time; the minimum for watermarks. */
  metrics: TaskFigures;
}

export interface OperatorFigures {
  uid: string;
  name: string;
  numRecordsIn: number;
  numRecordsOut: number;
  numRecordsInPerSecond: number;
  numRecordsOutPerSecond: number;
  currentInputWatermark: number;
  currentOutputWatermark: number;
  numLateRecordsDropped: number;
}

export interface SplitFigures {
  splitId: string;
  topic?: string;
  partition?: number;
  currentWatermark: number;
  idle: boolean;
  currentOffset?: number;
  endOffset?: number;
  committedOffset?: number;
  recordsLag?: number;
}

export interface SubtaskDetail {
  subtask: number;
  state: TaskState;
  /** Worker id the task runs on. */
  worker: string;
  host?: string;
  metrics: TaskFigures;
  operators: OperatorFigures[];
  splits: SplitFigures[];
}

export interface VertexDetail {
  id: string;
  name: string;
  parallelism: number;
  now: number;
  subtasks: SubtaskDetail[];
}

export interface CheckpointHistory {
  counts: CheckpointCounts;
  latest: { completed?: CheckpointRecord; failed?: CheckpointRecord; restored?: RestoredCheckpoint };
  /** Newest first; entries may come from several workers. */
  history: Array<CheckpointRecord & { worker?: string }>;
}

export interface JobExceptions {
  /** Newest first. */
  entries: ExceptionEntry[];
  /** Older entries were dropped (history size reached). */
  truncated: boolean;
}

export interface WorkerSummary {
  id: string;
  host: string;
  pid: number;
  threads?: number;
  /** ms since the epoch. */
  startTime: number;
  tasks: number;
  /** From the status topic: the worker's state (LOST once it stopped reporting) and its last status (ms since the epoch). */
  state?: string;
  lastStatus?: number;
}
