import type { Registry } from 'prom-client';
import { promClient } from './prom-client-library.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import { logger as rootLogger, type Logger } from '../util/logger.ts';
import { JOB_METRICS, OPERATOR_METRICS, registerClientErrors, registerFamilies, SPLIT_METRICS, TASK_METRICS, WORKER_METRICS } from './builtin-families.ts';
import { CheckpointStatsTracker } from './checkpoint-stats.ts';
import type { OperatorIOMetrics } from './operator-io-metrics.ts';
import type { SplitMetrics } from './split-metrics.ts';
import { TaskIOMetrics, type TaskIdentity } from './task-io-metrics.ts';
import { UserMetricStore } from './user-metric-store.ts';
import { KafkaClientErrors, RebalanceStats } from './worker-stats.ts';

export interface WorkerMetricsOptions {
  jobId: string;
  workerId: string;
  clock?: Clock;
  logger?: Logger;
  /** How often rates are brought up to date. Default 1,000 ms. */
  tickIntervalMs?: number;
  /** How many ticks a per-second rate spans. Default 10 (a 10 s window at the default tick). */
  rateWindowTicks?: number;
  /** Checkpoints kept in the history. Default 10. */
  checkpointHistorySize?: number;
  /** The checkpoint statistics to report (the coordinator's own); default: a new tracker. */
  checkpoints?: CheckpointStatsTracker;
  /** Called at every tick before rates are sampled: the runtime copies figures it keeps elsewhere. */
  onTick?: (now: number) => void;
}

/**
 * The metrics of one worker: its own prom-client registry (never prom-client's global one, so
 * that several workers, threads or tests in one process do not mix), the task, operator and split
 * objects the runtime updates, checkpoint statistics and group-membership figures. Every series
 * carries the labels `job` and `worker`.
 *
 * The runtime registers a task when it starts (`addTask`), its operators and splits through it,
 * bumps their plain fields per batch, and removes the task when it stops or moves; `start()` runs
 * the tick that keeps rates current; `registry.metrics()` renders Prometheus text (the registry is
 * made on first use).
 */
export class WorkerMetrics {
  readonly jobId: string;
  readonly workerId: string;
  readonly clock: Clock;
  readonly tasks = new Set<TaskIOMetrics>();
  readonly checkpoints: CheckpointStatsTracker;
  readonly rebalances = new RebalanceStats();
  readonly clientErrors = new KafkaClientErrors();
  /** When the job started on this worker (ms since the epoch); -1 before. */
  startedAt = -1;
  numRestarts = 0;
  readonly #store: UserMetricStore;
  readonly #samples: number;
  readonly #tickMs: number;
  #timer: NodeJS.Timeout | undefined;
  readonly #onTick: ((now: number) => void) | undefined;
  readonly #now: () => number;
  #registry: Registry | undefined;
  /** Called before every scrape (`registry.metrics()`, `getMetricsAsJSON()`): the runtime copies its figures in. */
  beforeScrape: (() => void) | undefined;

  constructor(options: WorkerMetricsOptions) {
    this.jobId = options.jobId;
    this.workerId = options.workerId;
    this.clock = options.clock ?? systemClock;
    this.#samples = options.rateWindowTicks ?? 10;
    this.#tickMs = options.tickIntervalMs ?? 1_000;
    this.checkpoints = options.checkpoints ?? new CheckpointStatsTracker(options.checkpointHistorySize);
    this.#onTick = options.onTick;
    this.#now = () => this.clock.now();
    this.#store = new UserMetricStore(() => this.registry, options.logger ?? rootLogger, this.#now);
  }

  /**
   * The prom-client registry, made (and prom-client loaded) when first read — by a scrape, the
   * dashboard or a user metric — so a job nobody scrapes never pays for it; the figures themselves
   * are plain fields, kept either way.
   */
  get registry(): Registry {
    return (this.#registry ??= this.#makeRegistry());
  }

  #makeRegistry(): Registry {
    const registry = new (promClient().Registry)();
    const now = this.#now;
    registry.setDefaultLabels({ job: this.jobId, worker: this.workerId });
    registerFamilies(registry, 'worker', WORKER_METRICS, () => [{ rebalances: this.rebalances, numTasks: this.tasks.size }], now);
    registerClientErrors(registry, this.clientErrors);
    registerFamilies(registry, 'job', JOB_METRICS, () => [this], now);
    registerFamilies(registry, 'task', TASK_METRICS, () => this.tasks, now);
    registerFamilies(registry, 'operator', OPERATOR_METRICS, () => this.#operators(), now);
    registerFamilies(registry, 'split', SPLIT_METRICS, () => this.#splits(), now);
    const text = registry.metrics.bind(registry);
    registry.metrics = async () => {
      this.beforeScrape?.();
      return text();
    };
    const json = registry.getMetricsAsJSON.bind(registry);
    registry.getMetricsAsJSON = async () => {
      this.beforeScrape?.();
      return json();
    };
    return registry;
  }

  /** A task started on this worker. */
  addTask(identity: TaskIdentity): TaskIOMetrics {
    const t = new TaskIOMetrics(identity, { store: this.#store, samples: this.#samples, jobId: this.jobId }, this.clock.now());
    this.tasks.add(t);
    return t;
  }

  /** A task stopped or moved away: its series (and its operators' user metrics) disappear. */
  removeTask(task: TaskIOMetrics): void {
    task.close();
    this.tasks.delete(task);
  }

  /** Brings every rate up to date; `start()` calls it every tick interval. */
  tick(now: number = this.clock.now()): void {
    this.#onTick?.(now);
    for (const t of this.tasks) t.tick(now);
    this.#store.tick(now);
  }

  /** Starts the tick timer (unref'ed: it never keeps the process alive). */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.tick(), this.#tickMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  *#operators(): Iterable<OperatorIOMetrics> {
    for (const t of this.tasks) yield* t.operators;
  }

  *#splits(): Iterable<SplitMetrics> {
    for (const op of this.#operators()) yield* op.splits;
  }
}
