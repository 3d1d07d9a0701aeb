import { hostname } from 'node:os';
import { isMainThread, threadId } from 'node:worker_threads';
import type { KafkaConnection } from '../../core/kafka-clients.ts';
import { StatusPublisher } from '../../kafka/job-status/status-publisher.ts';
import { DEFAULT_STATUS_INTERVAL_MS, statusWatermark, type PartitionStatus, type TaskStatus, type WorkerState, type WorkerStatus } from '../../kafka/job-status/status-record.ts';
import { jobIdOf } from '../checkpoint/durable-state.ts';
import { isFencing } from './fencing.ts';
import { computeKeyGroupRangeForOperatorIndex } from '../partitioning/key-groups.ts';
import type { Task } from './task.ts';
import { workerStartTime } from './worker-start-times.ts';
import type { Worker } from './worker.ts';

/**
 * Publishes what a worker runs to the cluster's status topic (`__sluice_jobs_status`), where
 * `sluice jobs` and the dashboard of any machine read it: INITIALIZING while it opens its
 * operators and sources (after recovery: an exactly-once worker's clients must first be created
 * with its transactional producer), RUNNING with its tasks, their partitions, lag, watermark and state size, then how it ended.
 * Off with `SLUICE_JOB_STATUS=off`; the interval is `SLUICE_STATUS_INTERVAL_MS` (default 5 s).
 */
export class WorkerStatusReporter {
  readonly #worker: Worker;
  readonly #publisher: StatusPublisher;
  readonly #identity: Pick<WorkerStatus, 'jobId' | 'jobName' | 'workerId' | 'host' | 'pid' | 'threads' | 'mode' | 'startTime' | 'intervalMs'>;
  #state: WorkerState = 'INITIALIZING';
  #error: string | undefined;
  /** The worker reached RUNNING (its cluster answered). */
  #ran = false;

  private constructor(worker: Worker, connection: KafkaConnection) {
    this.#worker = worker;
    const { options, graph } = worker;
    const share = options.workerShare;
    const host = hostname();
    const jobId = jobIdOf(graph, options);
    // Unique per worker thread of a process; the same across incarnations of a worker (one key).
    const workerId = `${host}-${process.pid}-${share?.index ?? threadId}`;
    this.#identity = {
      jobId,
      jobName: graph.jobName,
      workerId,
      host,
      pid: process.pid,
      // `sluice run --workers N` runs N worker threads in one process; separate processes run one each.
      threads: isMainThread ? 1 : (share?.count ?? 1),
      mode: options.mode,
      startTime: workerStartTime(jobId, workerId, options.clock.now()),
      intervalMs: statusIntervalMs(),
    };
    this.#publisher = new StatusPublisher({
      snapshot: () => this.status(),
      transport: StatusPublisher.kafka(worker.clients.clients(connection)),
      warnNow: () => this.#ran,
    });
  }

  /** Starts publishing for a worker whose job talks to Kafka (`connection`); undefined otherwise or when turned off. */
  static start(worker: Worker, connection: KafkaConnection | undefined): WorkerStatusReporter | undefined {
    if (connection === undefined || process.env.SLUICE_JOB_STATUS === 'off') return undefined;
    const reporter = new WorkerStatusReporter(worker, connection);
    reporter.#publisher.start();
    return reporter;
  }

  /** The worker's sources are open and its tasks run. */
  running(): void {
    this.#state = 'RUNNING';
    this.#ran = true;
    this.#publisher.publish();
  }

  /**
   * The worker stopped: publishes how (a fenced worker is RESTARTING: its next incarnation
   * follows) and waits for it briefly — unless the cluster never answered (a worker failing to
   * reach Kafka must fail with its own error, at once).
   */
  async stop(ended: 'FINISHED' | 'CANCELED' | 'FAILED', error?: unknown): Promise<void> {
    this.#state = ended === 'FAILED' && isFencing(error) ? 'RESTARTING' : ended;
    if (error !== undefined && ended === 'FAILED') this.#error = firstLine(error);
    await this.#publisher.stop(undefined, this.#ran || this.#publisher.counts.sent > 0);
  }

  status(): WorkerStatus {
    const w = this.#worker;
    const completed = w.checkpointStats.latestCompleted;
    const standbys = w.options.membership?.standbys?.status() ?? [];
    return {
      ...this.#identity,
      state: this.#state,
      updatedAt: w.options.clock.now(),
      tasks: w.tasks.map(taskStatus),
      ...(completed !== undefined && { lastCheckpoint: { id: completed.id, time: completed.endTimestamp ?? completed.triggerTimestamp } }),
      ...(standbys.length > 0 && { standbys }),
      ...(this.#error !== undefined && { error: this.#error }),
    };
  }
}

function taskStatus(task: Task): TaskStatus {
  const head = task.stage.vertices[0]!;
  const keyed = head.inputs.some((e) => e.partitioning.kind === 'hash') && head.maxParallelism > 0;
  const range = keyed ? computeKeyGroupRangeForOperatorIndex(head.maxParallelism, task.stage.parallelism, task.subtask) : undefined;
  const partitions: PartitionStatus[] = (task.reader?.splitProgress?.() ?? []).flatMap((p) =>
    p.topic === undefined || p.partition === undefined
      ? []
      : [{ topic: p.topic, partition: p.partition, position: p.position, ...(p.end !== undefined && p.end >= 0 && { end: p.end, lag: Math.max(0, p.end - p.position) }) }],
  );
  const lags = partitions.filter((p) => p.lag !== undefined);
  let stateBytes: number | undefined;
  let stateEntries: number | undefined;
  for (const op of task.chain) {
    if (op.backend === undefined) continue;
    stateEntries = (stateEntries ?? 0) + op.backend.numEntries();
    const bytes = op.backend.stateSizeBytes?.();
    if (bytes !== undefined) stateBytes = (stateBytes ?? 0) + bytes;
  }
  const m = task.metrics;
  return {
    id: task.id,
    stage: task.stage.id,
    subtask: task.subtask,
    name: task.name,
    parallelism: task.stage.parallelism,
    ...(range !== undefined && { keyGroups: [range.start, range.end] as [number, number] }),
    ...(partitions.length > 0 && { partitions }),
    ...(lags.length > 0 && { lag: lags.reduce((n, p) => n + p.lag!, 0) }),
    watermark: statusWatermark(task.chain[0]?.currentWatermark ?? Number.NEGATIVE_INFINITY),
    ...(task.source !== undefined && { idle: task.source.idle }),
    ...(stateBytes !== undefined && { stateBytes }),
    ...(stateEntries !== undefined && { stateEntries }),
    ...(task.source !== undefined ? { recordsIn: task.source.records } : m !== undefined && { recordsIn: m.numRecordsIn }),
    ...(m !== undefined && { recordsOut: m.numRecordsOut }),
  };
}

function statusIntervalMs(): number {
  const n = Number(process.env.SLUICE_STATUS_INTERVAL_MS ?? DEFAULT_STATUS_INTERVAL_MS);
  return Number.isFinite(n) && n >= 100 ? n : DEFAULT_STATUS_INTERVAL_MS;
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const line = text.split('\n')[0]!;
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}
