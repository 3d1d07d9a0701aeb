import { SluiceErrorCodes } from '../../core/errors/codes.ts';
import { SluiceError } from '../../core/errors/sluice-error.ts';
import { ChangelogReader } from '../../kafka/changelog-reader.ts';
import { ChangelogWriter } from '../../kafka/changelog-writer.ts';
import { CheckpointLog } from '../../kafka/checkpoint-log.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientSupplier, WorkerConsumer } from '../../kafka/client-supplier.ts';
import type { RecordSender } from '../../kafka/commit-strategy.ts';
import { InternalTopics, type InternalTopicSpec } from '../../kafka/internal-topics.ts';
import type { OperatorStateSnapshot } from '../../state/operator/redistribution.ts';
import type { Clock } from '../../util/clock.ts';
import { logger } from '../../util/logger.ts';
import type { JobSnapshot } from '../executor/job-client.ts';
import type { JobVertex } from '../graph/job-graph.ts';
import type { AbstractStreamOperator, OperatorSnapshot } from '../operators/operator.ts';
import { assignToKeyGroup } from '../partitioning/key-groups.ts';
import type { Task } from '../worker/task.ts';
import { ChangelogSnapshotBuilder, TimerChangeTracker, toChangelogChanges } from './changelog-snapshot.ts';

/** The durable state of a job does not fit the job that started (another graph under the same job id). */
export class StateIncompatibleError extends SluiceError {
  constructor(message: string) {
    super(SluiceErrorCodes.STATE_INCOMPATIBLE, message);
  }
}

/** Kafka's topic and group charset; everything else becomes '-'. */
export function sanitizeJobId(name: string): string {
  const id = name.replace(/[^a-zA-Z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return id === '' ? 'sluice-job' : id;
}

/** The job's id: `options.jobId`, else `$SLUICE_JOB_ID` (`sluice run --job-id`), else the job name; sanitized. */
export function jobIdOf(graph: { jobName: string }, options: { jobId?: string | undefined }): string {
  return sanitizeJobId(options.jobId ?? process.env.SLUICE_JOB_ID ?? graph.jobName);
}

/** What the last committed checkpoint of a task recorded. */
interface TaskPayload {
  /** Reader state of the task's source, by source uid. */
  sources: Record<string, unknown>;
  /** Operator (non-keyed) state of the task's operators, by uid. */
  operators: Record<string, OperatorStateSnapshot>;
  subtask: number;
}

/** The job record: which keyed operators the job has and how many key groups each. */
interface JobRecord {
  keyed: Record<string, number>;
}

/** What one checkpoint hands to the durable state (step 4). */
export interface CheckpointContents {
  /** Reader states taken in step 1, by reader. */
  readers: ReadonlyMap<unknown, unknown>;
  /** Operator state taken in step 3, by operator instance. */
  functions: ReadonlyMap<AbstractStreamOperator<unknown>, OperatorStateSnapshot>;
}

export interface DurableStateOptions {
  jobId: string;
  /** The clients of the cluster that holds the job's internal topics. */
  clients: ClientSupplier;
  clock: Clock;
  operators: ReadonlyMap<JobVertex, readonly AbstractStreamOperator<unknown>[]>;
  tasks: readonly Task[];
}

/**
 * Keyed state, timers, operator state and source positions of a worker's tasks, kept in Kafka:
 * each keyed operator changelogs its changes since the last checkpoint to the compacted topic
 * `<jobId>-<uid>-changelog` (one partition per key group), each task writes its checkpoint record
 * (operator state, reader positions) to `<jobId>-checkpoints` — inside the checkpoint's
 * transaction under exactly-once, acknowledged before the offsets are committed under
 * at-least-once. At start, `recover()` rebuilds all of it as a snapshot the ordinary restore path
 * loads.
 */
export class DurableState {
  readonly #o: DurableStateOptions;
  readonly #keyed: JobVertex[];
  readonly #writers = new Map<JobVertex, ChangelogWriter>();
  readonly #timers = new Map<AbstractStreamOperator<unknown>, TimerChangeTracker>();
  readonly #log: CheckpointLog;
  #jobRecordWritten = false;

  constructor(options: DurableStateOptions) {
    this.#o = options;
    this.#keyed = [...options.operators].filter(([, ops]) => ops[0]?.backend !== undefined).map(([v]) => v);
    for (const v of this.#keyed) {
      this.#writers.set(v, new ChangelogWriter({ topic: this.changelogTopic(v), maxParallelism: v.maxParallelism, keyGroupOf: (k) => assignToKeyGroup(k, v.maxParallelism), clock: options.clock }));
      for (const op of options.operators.get(v) ?? []) this.#timers.set(op, new TimerChangeTracker());
    }
    this.#log = new CheckpointLog(options.jobId, { clock: options.clock });
  }

  changelogTopic(v: JobVertex): string {
    return `${this.#o.jobId}-${sanitizeJobId(v.uid)}-changelog`;
  }

  topics(): InternalTopicSpec[] {
    return [
      CheckpointLog.spec(this.#o.jobId),
      ...this.#keyed.map((v) => ({
        name: this.changelogTopic(v),
        partitions: v.maxParallelism,
        configs: { 'cleanup.policy': 'compact' },
        partitionsAdvice: `Its partitions are the key groups of operator '${v.uid}' (max parallelism ${v.maxParallelism}); keep the max parallelism the job ran with, or start the job under another job id.`,
      })),
    ];
  }

  /**
   * Creates or checks the internal topics, then reads the last committed checkpoint and the
   * changelogs: the snapshot to restore, or undefined for a job that never completed a checkpoint
   * and has no changelogged state.
   */
  async recover(): Promise<JobSnapshot | undefined> {
    const { clients, jobId } = this.#o;
    const wire = clients.wire('internal-topics');
    try {
      await new InternalTopics(wire).ensure(this.topics());
    } finally {
      await wire.close?.();
    }
    const consumer = clients.consumer('restore');
    try {
      await this.#awaitStable(consumer);
      const { tasks, job } = await this.#log.read(consumer);
      this.#checkJob(job as JobRecord | undefined);
      let checkpointId = 0;
      const operators: Record<string, OperatorSnapshot[]> = {};
      const sources: Record<string, unknown[]> = {};
      const snapshotOf = (uid: string, subtaskIndex: number): OperatorSnapshot => {
        const list = (operators[uid] ??= []);
        let s = list.find((x) => x.subtaskIndex === subtaskIndex);
        if (s === undefined) list.push((s = { uid, subtaskIndex }));
        return s;
      };
      for (const record of tasks.values()) {
        checkpointId = Math.max(checkpointId, record.checkpointId);
        const p = record.payload as TaskPayload;
        for (const [uid, state] of Object.entries(p.sources ?? {})) (sources[uid] ??= [])[p.subtask] = state;
        for (const [uid, fs] of Object.entries(p.operators ?? {})) snapshotOf(uid, p.subtask).functionState = fs;
      }
      let restored = 0;
      for (const v of this.#keyed) {
        const builder = new ChangelogSnapshotBuilder(v.uid, v.maxParallelism);
        const topic = this.changelogTopic(v);
        const partitions = Array.from({ length: v.maxParallelism }, (_, i) => i);
        const done = await new ChangelogReader(consumer, { clock: this.#o.clock }).restore(topic, partitions, (e) => builder.apply(e), (p) => {
          if (!p.done) logger.info({ job: jobId, operator: v.uid, records: p.records, seconds: p.seconds }, 'restoring keyed state from the changelog');
        });
        restored += done.records;
        const { keyed, timers } = builder.build(checkpointId);
        if (done.records > 0) {
          logger.info({ job: jobId, operator: v.uid, topic, records: done.records, seconds: done.seconds }, 'keyed state restored from the changelog');
          const s = snapshotOf(v.uid, 0);
          s.keyed = keyed;
          s.timers = timers;
          for (const op of this.#o.operators.get(v) ?? []) this.#timers.get(op)?.restored(timers);
        }
      }
      if (tasks.size === 0 && restored === 0) return undefined;
      this.#jobRecordWritten = job !== undefined;
      logger.info({ job: jobId, checkpointId, tasks: tasks.size, changelogRecords: restored, sources }, 'job restored from its last committed checkpoint');
      return { jobName: jobId, checkpointId, operators, sources };
    } finally {
      await consumer.close().catch(() => {});
      clients.release(consumer);
    }
  }

  /**
   * Step 4: writes every keyed operator's changes since the last checkpoint to its changelog,
   * then one checkpoint record per task, through `sender`; resolves when Kafka acknowledged them.
   * The changes count as written only after `persisted()` (a failed checkpoint writes them again).
   */
  async write(checkpointId: number, contents: CheckpointContents, sender: RecordSender): Promise<void> {
    if (!this.#jobRecordWritten) {
      await this.#log.writeJob(sender, { keyed: Object.fromEntries(this.#keyed.map((v) => [v.uid, v.maxParallelism])) } satisfies JobRecord);
    }
    const writes: Array<Promise<unknown>> = [];
    for (const v of this.#keyed) {
      const changes = (this.#o.operators.get(v) ?? []).flatMap((op) => [
        ...toChangelogChanges(op.backend!.changesSinceLastSnapshot()),
        ...this.#timers.get(op)!.changes(op.timerSnapshots()),
      ]);
      if (changes.length > 0) writes.push(this.#writers.get(v)!.write(changes, sender));
    }
    await Promise.all(writes);
    const records = this.#o.tasks.map((task) => {
      const payload: TaskPayload = { sources: {}, operators: {}, subtask: task.subtask };
      const v = task.sourceVertex;
      if (v !== undefined && task.reader !== undefined && contents.readers.has(task.reader)) payload.sources[v.uid] = contents.readers.get(task.reader);
      for (const op of task.chain) {
        const fs = contents.functions.get(op);
        if (fs !== undefined && Object.keys(fs).length > 0) payload.operators[op.uid] = fs;
      }
      return { taskId: task.id, checkpointId, payload };
    });
    await this.#log.write(sender, records);
  }

  /** The last `write` is durable (committed): the next one lists only newer changes. */
  persisted(): void {
    this.#jobRecordWritten = true;
    for (const v of this.#keyed) {
      for (const op of this.#o.operators.get(v) ?? []) {
        op.backend!.changesPersisted();
        this.#timers.get(op)!.persisted();
      }
    }
  }

  /**
   * Waits while another worker's transaction holds a checkpoint record (a frozen or dying worker
   * of this job): Kafka ends it by a commit, an abort, or its transaction timeout. Restoring before
   * would resume from an older checkpoint than the one that may still commit.
   */
  async #awaitStable(consumer: WorkerConsumer): Promise<void> {
    const topic = this.#log.topic;
    const started = this.#o.clock.now();
    let logged = false;
    for (;;) {
      const [stable, end] = await Promise.all([0, 1].map((i) => consumer.listOffsets({ topics: [topic], partitions: { [topic]: [0] }, timestamp: -1n, isolationLevel: i === 0 ? 1 : 0 })));
      if (stable!.get(topic)?.[0] === end!.get(topic)?.[0]) return;
      if (!logged) {
        logged = true;
        logger.warn({ job: this.#o.jobId, topic }, 'another worker of this job has a checkpoint in an open transaction; waiting until it commits, aborts or times out');
      }
      if (this.#o.clock.now() - started > 15 * 60_000) throw new StateIncompatibleError(`job '${this.#o.jobId}': a transaction on '${topic}' stayed open for 15 minutes; is another worker of this job still running?`);
      await sleep(200);
    }
  }

  #checkJob(job: JobRecord | undefined): void {
    if (job === undefined || typeof job.keyed !== 'object') return;
    const problems: string[] = [];
    for (const v of this.#keyed) {
      const before = job.keyed[v.uid];
      if (before !== undefined && before !== v.maxParallelism) problems.push(`operator '${v.uid}' had max parallelism ${before}, now ${v.maxParallelism}`);
    }
    const now = new Set(this.#keyed.map((v) => v.uid));
    const dropped = Object.keys(job.keyed).filter((uid) => !now.has(uid));
    if (dropped.length > 0) problems.push(`its keyed state of operator(s) ${dropped.map((u) => `'${u}'`).join(', ')} has no operator with that uid in this job`);
    if (problems.length > 0) {
      throw new StateIncompatibleError(
        `job '${this.#o.jobId}' has durable state in Kafka that does not fit this job graph: ${problems.join('; ')}. ` +
          'Keep the uids and max parallelism the job ran with (uid(...), setMaxParallelism), or start the changed job under another job id (execute(name) / --job-id)',
      );
    }
  }
}
