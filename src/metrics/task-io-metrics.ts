import { MIN_WATERMARK } from '../core/watermark/watermark.ts';
import type { Labels } from './names.ts';
import { OperatorIOMetrics, type OperatorIdentity } from './operator-io-metrics.ts';
import { RateWindow } from './rate-window.ts';
import { RestoreProgress } from './restore-progress.ts';
import { TaskTime, type TaskActivity } from './task-time.ts';
import type { UserMetricStore } from './user-metric-store.ts';

/** A task's state (Flink's execution states that Sluice uses). */
export type TaskState = 'CREATED' | 'INITIALIZING' | 'RUNNING' | 'FINISHED' | 'CANCELED' | 'FAILED';

/** Which task: its stage (id and name, e.g. `Source: orders -> Map`) and subtask index. */
export interface TaskIdentity {
  taskId: string;
  taskName: string;
  subtask: number;
}

/**
 * A task's figures (Flink's task I/O metric group). The runtime calls, per poll round or batch:
 * `numRecordsIn += n` / `numRecordsOut += n` and `activity(...)` when the task starts or stops
 * waiting; everything else is derived when metrics are read.
 */
export class TaskIOMetrics {
  readonly identity: TaskIdentity;
  readonly labels: Labels;
  /** INITIALIZING while it restores state, RUNNING while it processes. */
  state: TaskState = 'RUNNING';
  numRecordsIn = 0;
  numRecordsOut = 0;
  /** The last watermark the task received (minimum over its non-idle inputs). */
  currentInputWatermark = MIN_WATERMARK;
  /** The last watermark the task's chain emitted (its last operator's output watermark). */
  currentOutputWatermark = MIN_WATERMARK;
  /** Every input of the task is idle: its input watermark then holds nothing back downstream. */
  idle = false;
  readonly time: TaskTime;
  readonly restore = new RestoreProgress();
  /** Bytes of state the task holds, when its backend can tell; read when metrics are collected. */
  stateSizeBytes: (() => number) | undefined;
  readonly operators = new Set<OperatorIOMetrics>();
  readonly #inRate: RateWindow;
  readonly #outRate: RateWindow;
  readonly #store: UserMetricStore;
  readonly #samples: number;
  readonly #jobId: string;

  constructor(identity: TaskIdentity, context: { store: UserMetricStore; samples: number; jobId: string }, now: number) {
    const { store, samples } = context;
    this.identity = identity;
    this.#jobId = context.jobId;
    this.labels = { task_id: identity.taskId, task: identity.taskName, subtask: String(identity.subtask) };
    this.#store = store;
    this.#samples = samples;
    this.time = new TaskTime(now, samples);
    this.#inRate = new RateWindow(samples);
    this.#outRate = new RateWindow(samples);
    this.#sample(now);
  }

  get numRecordsInPerSecond(): number {
    return this.#inRate.perSecond;
  }
  get numRecordsOutPerSecond(): number {
    return this.#outRate.perSecond;
  }

  /** The task now is `activity` (busy, idle or back-pressured) as of `now`. */
  activity(activity: TaskActivity, now: number): void {
    this.time.enter(activity, now);
  }

  addOperator(identity: OperatorIdentity, now: number): OperatorIOMetrics {
    const scope = [this.#jobId, identity.name, String(this.identity.subtask)];
    const op = new OperatorIOMetrics(identity, this.labels, this.#store, this.#samples, now, scope);
    this.operators.add(op);
    return op;
  }

  removeOperator(op: OperatorIOMetrics): void {
    op.close();
    this.operators.delete(op);
  }

  tick(now: number): void {
    this.#sample(now);
    this.time.tick(now);
    for (const op of this.operators) op.tick(now);
  }

  close(): void {
    for (const op of this.operators) op.close();
    this.operators.clear();
  }

  #sample(now: number): void {
    this.#inRate.sample(now, this.numRecordsIn);
    this.#outRate.sample(now, this.numRecordsOut);
  }
}
