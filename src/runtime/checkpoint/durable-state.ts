import { SluiceErrorCodes } from '../../core/errors/codes.ts';
import { SluiceError } from '../../core/errors/sluice-error.ts';
import type { ChangelogChange } from '../../kafka/changelog-codec.ts';
import { ChangelogWriter, type ChangelogWriteResult } from '../../kafka/changelog-writer.ts';
import { CheckpointLog } from '../../kafka/checkpoint-log.ts';
import type { ConsistentCheckpoint, RescaleRecord, TaskPayload } from '../../kafka/consistent-checkpoint.ts';
import { ControlChannel } from '../../kafka/control-channel.ts';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientSupplier, WorkerConsumer } from '../../kafka/client-supplier.ts';
import type { RecordSender } from '../../kafka/commit-strategy.ts';
import { InternalTopics, type InternalTopicSpec } from '../../kafka/internal-topics.ts';
import type { OperatorStateSnapshot } from '../../state/operator/redistribution.ts';
import { nextGeneration, restoredCheckpoint } from './checkpoint-generations.ts';
import type { Clock } from '../../util/clock.ts';
import { logger } from '../../util/logger.ts';
import type { JobSnapshot } from '../executor/job-client.ts';
import type { JobVertex } from '../graph/job-graph.ts';
import type { AbstractStreamOperator, OperatorSnapshot } from '../operators/operator.ts';
import { assignToKeyGroup } from '../partitioning/key-groups.ts';
import type { Task } from '../worker/task.ts';
import { TimerChangeTracker, toChangelogChanges } from './changelog-snapshot.ts';
import { restoreFromChangelog, type RestoreListener } from './changelog-restore.ts';
import { changelogTopicOf, sanitizeJobId } from './topic-names.ts';
import { LocalCopies } from './local-copies.ts';
import type { StandbySource } from './standby-replica.ts';
import type { TimersSnapshot } from '../timers/internal-timer-service.ts';

export { changelogTopicOf, sanitizeJobId } from './topic-names.ts';
export type { RestoreListener } from './changelog-restore.ts';

/** The durable state of a job does not fit the job that started (another graph under the same job id). */
export class StateIncompatibleError extends SluiceError {
  constructor(message: string) {
    super(SluiceErrorCodes.STATE_INCOMPATIBLE, message);
  }
}


/** The job's id: `options.jobId`, else `$SLUICE_JOB_ID` (`sluice run --job-id`), else the job name; sanitized. */
export function jobIdOf(graph: { jobName: string }, options: { jobId?: string | undefined }): string {
  return sanitizeJobId(options.jobId ?? process.env.SLUICE_JOB_ID ?? graph.jobName);
}

/**
 * The job record: which keyed operators the job has and how many key groups each, and the line of
 * checkpoints (a random id, new when the job starts without checkpoints or from a savepoint) that
 * local copies are stamped with.
 */
interface JobRecord {
  keyed: Record<string, number>;
  lineage?: string;
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
  /**
   * The keyed vertices of the job, when `operators` may lack some (a worker that runs some units
   * and may be given others later); default: the vertices of `operators` with a keyed backend.
   */
  keyed?: readonly JobVertex[];
  /** Told how the restore goes (the metrics' restore progress per task). */
  restoreListener?: RestoreListener | undefined;
  /** Warm standby replicas kept by this worker: a restore takes them and reads only the changelog tail. */
  standby?: StandbySource | undefined;
  /**
   * Every vertex of the job (its parallelism now, its source): a checkpoint taken at another
   * parallelism is a rescale (reader states mapped by the source, a new generation of task
   * records); default: those of `operators` and of the tasks' sources.
   */
  vertices?: readonly JobVertex[];
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
  readonly #local: LocalCopies;
  #jobRecordWritten = false;
  /** This job id's line of checkpoints (kept in the job record). */
  #lineage: string = randomUUID();
  /** The checkpoint of the last `write` (stamped on the local copies once it is persisted). */
  #writtenId = 0;
  /** The generation of task records this worker writes (`consistent-checkpoint.ts`). */
  #generation = 0;
  /** Restored at another parallelism: the rescale record the first checkpoint writes (with its task records, atomically). */
  #rescale: RescaleRecord | undefined;
  /** Where each keyed operator's state came from at start, by uid (tests, logs). */
  readonly restoredFrom = new Map<string, 'local' | 'changelog'>();
  /** Per keyed operator uid restored from a standby replica: entries it handed over, changelog tail records read. */
  readonly restoredFromStandby = new Map<string, { standbyEntries: number; tailRecords: number }>();
  /** Keyed state of a savepoint the job started from, written in full by the first checkpoint. */
  #seed: Map<JobVertex, ChangelogChange[]> | undefined;

  constructor(options: DurableStateOptions) {
    this.#o = options;
    this.#keyed = options.keyed !== undefined ? [...options.keyed] : [...options.operators].filter(([, ops]) => ops[0]?.backend !== undefined).map(([v]) => v);
    for (const v of this.#keyed) {
      this.#writers.set(v, new ChangelogWriter({ topic: this.changelogTopic(v), maxParallelism: v.maxParallelism, keyGroupOf: (k) => assignToKeyGroup(k, v.maxParallelism), clock: options.clock }));
      for (const op of options.operators.get(v) ?? []) this.#timers.set(op, new TimerChangeTracker());
    }
    this.#log = new CheckpointLog(options.jobId, { clock: options.clock });
    this.#local = new LocalCopies(options.jobId, options.clock);
  }

  changelogTopic(v: JobVertex): string {
    return changelogTopicOf(this.#o.jobId, v.uid);
  }

  topics(): InternalTopicSpec[] {
    return [
      CheckpointLog.spec(this.#o.jobId),
      ControlChannel.spec(this.#o.jobId),
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
    const { clients } = this.#o;
    const wire = clients.wire('internal-topics');
    try {
      await new InternalTopics(wire).ensure(this.topics());
    } finally {
      await wire.close?.();
    }
    const consumer = clients.consumer('restore');
    const listener = this.#o.restoreListener;
    listener?.started(this.#o.clock.now());
    try {
      await this.#awaitStable(consumer);
      return (await this.#restore(consumer, this.#o.operators, this.#o.tasks, true))?.snapshot;
    } finally {
      listener?.finished(this.#o.clock.now());
      await consumer.close().catch(() => {});
      clients.release(consumer);
    }
  }

  /**
   * Units added to a running worker (cooperative rebalancing): restores the keyed state and timers
   * of `operators` — the new operator instances of those units, not yet opened — from their local
   * copies or the changelogs (only their key groups are read), and returns the snapshot their
   * operator and reader state restores from, with the vertices restored from a changelog (their
   * restored state does not count as changed once they opened: see `unitsOpened`).
   */
  async restoreUnits(operators: ReadonlyMap<JobVertex, readonly AbstractStreamOperator<unknown>[]>, tasks: readonly Task[]): Promise<{ snapshot: JobSnapshot | undefined; changelogged: JobVertex[] }> {
    const { clients } = this.#o;
    for (const v of this.#keyed) for (const op of operators.get(v) ?? []) this.#timers.set(op, new TimerChangeTracker());
    const consumer = clients.consumer('restore');
    try {
      await this.#awaitStable(consumer);
      return (await this.#restore(consumer, operators, tasks, false)) ?? { snapshot: undefined, changelogged: [] };
    } finally {
      await consumer.close().catch(() => {});
      clients.release(consumer);
    }
  }

  /** The operators of added units opened on state restored from the changelogs: it is there already, it does not count as changed. */
  unitsOpened(operators: ReadonlyMap<JobVertex, readonly AbstractStreamOperator<unknown>[]>, changelogged: readonly JobVertex[]): void {
    for (const v of changelogged) for (const op of operators.get(v) ?? []) op.backend!.changesPersisted();
  }

  /** The operators of revoked units stopped: their timers are no longer tracked. */
  forget(operators: readonly AbstractStreamOperator<unknown>[]): void {
    for (const op of operators) this.#timers.delete(op);
  }

  /**
   * Reads the last committed checkpoint and the changelogs into a snapshot for `operators` (the
   * worker's at start, or those of units added later). At start (`first`) it also checks the job
   * record and adopts its line of checkpoints.
   */
  async #restore(
    consumer: WorkerConsumer,
    operators: ReadonlyMap<JobVertex, readonly AbstractStreamOperator<unknown>[]>,
    ownTasks: readonly Task[],
    first: boolean,
  ): Promise<{ snapshot: JobSnapshot; changelogged: JobVertex[] } | undefined> {
    const { jobId } = this.#o;
    const { tasks, job, rescale } = await this.#log.read(consumer);
    if (first) {
      this.#checkJob(job as JobRecord | undefined);
      const lineage = (job as JobRecord | undefined)?.lineage;
      if (lineage !== undefined) this.#lineage = lineage;
      // A job record of an earlier version has no lineage: written again with one.
      this.#jobRecordWritten = lineage !== undefined;
    }
    const vertices = new Map(this.#vertices().map((v) => [v.uid, v]));
    const { checkpoint: cp, operators: snapshotOperators, sources, current } = restoredCheckpoint({ tasks, rescale }, vertices);
    if (first) this.#adoptGeneration(cp, vertices);
    const checkpointId = cp.checkpointId;
    const snapshotOf = (uid: string, subtaskIndex: number): OperatorSnapshot => {
      const list = (snapshotOperators[uid] ??= []);
      let s = list.find((x) => x.subtaskIndex === subtaskIndex);
      if (s === undefined) list.push((s = { uid, subtaskIndex }));
      return s;
    };
    let restored = 0;
    let local = false;
    const changelogged: JobVertex[] = [];
    for (const v of this.#keyed) {
      const ops = operators.get(v) ?? [];
      if (ops.length === 0) continue;
      const copies = this.#local.reuse(v, ops, (op) => (this.#rescale === undefined ? current.get(this.#taskOf(op, ownTasks))?.checkpointId : undefined) ?? 0, this.#lineage);
      if (copies !== undefined) {
        local = true;
        // A replica of these key groups is not needed (the local copy is newer): dropped; replicas of other units stay.
        this.#o.standby?.take(v.uid, Array.from({ length: v.maxParallelism }, (_, kg) => kg).filter((kg) => ops.some((op) => op.keyGroupRange().contains(kg))));
        this.restoredFrom.set(v.uid, 'local');
        ops.forEach((op, i) => {
          snapshotOf(v.uid, op.subtaskIndex).timers = copies[i]!;
          this.#timers.get(op)?.restored(copies[i]!);
        });
        continue;
      }
      const { clock } = this.#o;
      const { records, timers, standby } = await restoreFromChangelog({ jobId, clock, topic: this.changelogTopic(v), vertex: v, ops, consumer, checkpointId, listener: this.#o.restoreListener, standby: this.#o.standby });
      if (standby !== undefined) this.restoredFromStandby.set(v.uid, standby);
      restored += records;
      this.restoredFrom.set(v.uid, 'changelog');
      changelogged.push(v);
      if (records > 0) {
        snapshotOf(v.uid, 0).timers = timers;
        // Each subtask's tracker knows only its own timers (else it would delete the others').
        for (const op of ops) this.#timers.get(op)?.restored(timersIn(timers, op, v.maxParallelism), true);
      }
    }
    if (cp.records === 0 && rescale === undefined && restored === 0 && !local) return undefined;
    logger.info({ job: jobId, checkpointId, checkpointGeneration: cp.generation, tasks: cp.records, changelogRecords: restored, ...(first ? { sources } : { subtasks: ownTasks.map((t) => t.id) }) }, first ? 'job restored from its last committed checkpoint' : 'added units restored from their last committed checkpoint');
    return { snapshot: { jobName: jobId, checkpointId, operators: snapshotOperators, sources }, changelogged };
  }

  /** Every vertex of the job (option `vertices`), else those this worker knows. */
  #vertices(): JobVertex[] {
    if (this.#o.vertices !== undefined) return [...this.#o.vertices];
    const known = new Set<JobVertex>([...this.#o.operators.keys(), ...this.#keyed]);
    for (const t of this.#o.tasks) for (const v of t.stage.vertices) known.add(v);
    return [...known];
  }

  /**
   * At start: the generation this worker's task records belong to. A checkpoint taken at another
   * parallelism than a vertex has now starts a new generation, whose first checkpoint writes the
   * rescale record (that checkpoint's state, complete) together with its task records.
   */
  #adoptGeneration(cp: ConsistentCheckpoint, vertices: ReadonlyMap<string, JobVertex>): void {
    const { generation, rescale, rescaled } = nextGeneration(cp, vertices);
    this.#generation = generation;
    this.#rescale = rescale;
    if (rescale !== undefined) logger.info({ job: this.#o.jobId, checkpointId: cp.checkpointId, checkpointGeneration: generation, parallelism: rescaled }, 'restored at another parallelism: a new generation of checkpoint records starts');
  }

  /** The id of the task whose chain holds `op` (its checkpoint record's key). */
  #taskOf(op: AbstractStreamOperator<unknown>, tasks: readonly Task[] = this.#o.tasks): string {
    return tasks.find((t) => t.chain.includes(op))?.id ?? '';
  }

  /**
   * Starting from a savepoint: the job id's checkpoints topic and the changelogs of its keyed
   * operators (those of the job record and of this job) are deleted and created again, so that
   * nothing of the job's earlier checkpoints mixes with the savepoint; the first checkpoint then
   * writes the savepoint's keyed state in full (and timers, operator state, reader positions).
   */
  async replaceWith(snapshot: JobSnapshot): Promise<void> {
    const { clients, jobId } = this.#o;
    const wire = clients.wire('internal-topics');
    const consumer = clients.consumer('restore');
    try {
      const topics = new InternalTopics(wire);
      await topics.ensure(this.topics());
      await this.#awaitStable(consumer);
      const { job } = await this.#log.read(consumer);
      const before = Object.keys((job as JobRecord | undefined)?.keyed ?? {});
      const names = new Set([this.#log.topic, ...this.#keyed.map((v) => this.changelogTopic(v)), ...before.map((uid) => changelogTopicOf(jobId, uid))]);
      const deleted = await topics.deleteAndWait([...names], (t) => clients.admin().deleteTopics({ topics: t }));
      await topics.ensure(this.topics());
      if (deleted.length > 0) logger.warn({ job: jobId, topics: deleted }, 'starting from a savepoint: the earlier checkpoints and changelogs of this job id were deleted');
    } finally {
      await consumer.close().catch(() => {});
      clients.release(consumer);
      await wire.close?.();
    }
    this.#jobRecordWritten = false;
    this.#lineage = randomUUID();
    this.#generation = 0;
    this.#rescale = undefined;
    this.#seed = new Map();
    for (const v of this.#keyed) {
      const changes: ChangelogChange[] = [];
      for (const s of snapshot.operators[v.uid] ?? []) {
        for (const group of s.keyed?.keyGroups ?? []) {
          for (const [state, entries] of Object.entries(group.states)) {
            for (const [key, namespace, value, ttlTimestamp] of entries) changes.push({ state, key, namespace, value, ...(ttlTimestamp !== undefined && { ttlTimestamp }) });
          }
        }
      }
      this.#seed.set(v, changes);
    }
  }

  /**
   * Step 4: writes every keyed operator's changes since the last checkpoint to its changelog,
   * then one checkpoint record per task, through `sender`; resolves when Kafka acknowledged them.
   * The changes count as written only after `persisted()` (a failed checkpoint writes them again).
   * Returns the bytes written (keys and values of changelog and checkpoint records): the checkpoint's size.
   */
  async write(checkpointId: number, contents: CheckpointContents, sender: RecordSender): Promise<number> {
    this.#writtenId = checkpointId;
    if (!this.#jobRecordWritten) {
      await this.#log.writeJob(sender, { keyed: Object.fromEntries(this.#keyed.map((v) => [v.uid, v.maxParallelism])), lineage: this.#lineage } satisfies JobRecord);
    }
    const writes: Array<Promise<ChangelogWriteResult>> = [];
    for (const v of this.#keyed) {
      const changes = [...(this.#seed?.get(v) ?? []), ...(this.#o.operators.get(v) ?? []).flatMap((op) => [
        ...toChangelogChanges(op.backend!.changesSinceLastSnapshot()),
        ...this.#timers.get(op)!.changes(op.timerSnapshots()),
      ])];
      if (changes.length > 0) writes.push(this.#writers.get(v)!.write(changes, sender));
    }
    let bytes = 0;
    for (const w of await Promise.all(writes)) bytes += w.bytes;
    const records = this.#o.tasks.map((task) => {
      const payload: TaskPayload = { sources: {}, operators: {}, subtask: task.subtask, generation: this.#generation, parallelism: task.stage.parallelism, uids: task.stage.vertices.map((v) => v.uid) };
      const v = task.sourceVertex;
      if (v !== undefined && task.reader !== undefined && contents.readers.has(task.reader)) payload.sources[v.uid] = contents.readers.get(task.reader);
      for (const op of task.chain) {
        const fs = contents.functions.get(op);
        if (fs !== undefined && Object.keys(fs).length > 0) payload.operators[op.uid] = fs;
      }
      return { taskId: task.id, checkpointId, payload };
    });
    // The rescale record goes first, in the same batch as the new generation's first task records.
    const logRecords = [...(this.#rescale !== undefined ? [this.#log.rescaleRecord(this.#rescale)] : []), ...this.#log.records(records)];
    await sender.send(logRecords);
    for (const r of logRecords) bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
    return bytes;
  }

  /**
   * Step 7: the last `write` is committed: the next one lists only newer changes, and local copies
   * (LMDB files) are stamped with the checkpoint — only now, so that a stamp never names a
   * checkpoint that did not commit.
   */
  persisted(): void {
    this.#jobRecordWritten = true;
    this.#rescale = undefined;
    this.#seed = undefined;
    for (const v of this.#keyed) {
      for (const op of this.#o.operators.get(v) ?? []) {
        op.backend!.changesPersisted();
        const timerChanges = this.#timers.get(op)!.persisted();
        this.#local.stamp(v, op, this.#writtenId, this.#lineage, timerChanges);
      }
    }
  }

  /**
   * After the operators opened on state restored from the changelogs: that state is in the
   * changelogs already, so it does not count as changed (the first checkpoint would write all of
   * it again).
   */
  restoredStateOpened(): void {
    for (const v of this.#keyed) {
      if (this.restoredFrom.get(v.uid) !== 'changelog') continue;
      for (const op of this.#o.operators.get(v) ?? []) op.backend!.changesPersisted();
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

/** The timers of `timers` in the key groups of one operator subtask. */
function timersIn(timers: Record<string, TimersSnapshot>, op: AbstractStreamOperator<unknown>, maxParallelism: number): Record<string, TimersSnapshot> {
  const range = op.keyGroupRange();
  const mine = (t: readonly [number, unknown, unknown]): boolean => range.contains(assignToKeyGroup(t[2], maxParallelism));
  const out: Record<string, TimersSnapshot> = {};
  for (const [service, snap] of Object.entries(timers)) out[service] = { eventTime: snap.eventTime.filter(mine), processingTime: snap.processingTime.filter(mine) };
  return out;
}
