import { systemClock, type Clock } from '../util/clock.ts';
import type { ProducerRecord, WorkerConsumer } from './client-supplier.ts';
import type { RecordSender } from './commit-strategy.ts';
import { ChangelogFormatError } from './errors.ts';
import type { InternalTopicSpec } from './internal-topics.ts';
import { ByteReader, ByteWriter, readPortable, writePortable } from './portable-codec.ts';
import { readToEnd } from './read-to-end.ts';

/** Format version of checkpoint records (docs/internals/changelog-format.md). */
export const CHECKPOINT_FORMAT_VERSION = 1;
/** Key of the job-level record (job graph fingerprint); task ids must not start with NUL. */
const JOB_KEY = '\u0000job';
/** Key of the rescale record (the checkpoint the current generation of task records started from). */
const RESCALE_KEY = '\u0000rescale';

/** The last committed checkpoint of one task. */
export interface CheckpointRecord {
  readonly taskId: string;
  readonly checkpointId: number;
  /** Clock time of the checkpoint (ms). */
  readonly timestamp: number;
  /** Operator state, watermarks, ... in portable form (whatever the runtime stores). */
  readonly payload: unknown;
}

/** What `read` found. */
export interface CheckpointLogContents {
  readonly tasks: Map<string, CheckpointRecord>;
  /** The job-level record (e.g. operator uids and max parallelism), if one was written. */
  readonly job: unknown;
  /** The last rescale record, if one was written (`consistent-checkpoint.ts`). */
  readonly rescale: unknown;
}

/**
 * The `<jobId>-checkpoints` topic: compacted, one partition, one record per task (key = task
 * id) holding its last committed checkpoint, written INSIDE the checkpoint's transaction so it is
 * visible exactly when the rest of the checkpoint is. At start, read read_committed: the latest
 * record of each task (compaction keeps the topic small; tombstones remove tasks).
 *
 * @example
 * ```ts
 * const log = new CheckpointLog('orders');
 * await log.write(committer, [{ taskId: 'counter/0', checkpointId: 17, payload: { watermark: 1234 } }]);
 * await committer.commit();
 * const { tasks } = await log.read(clients.consumer('checkpoints'));
 * ```
 */
export class CheckpointLog {
  readonly topic: string;
  readonly #clock: Clock;

  constructor(jobId: string, options: { clock?: Clock } = {}) {
    this.topic = CheckpointLog.topicFor(jobId);
    this.#clock = options.clock ?? systemClock;
  }

  static topicFor(jobId: string): string {
    return `${jobId}-checkpoints`;
  }

  /** The topic spec to hand to InternalTopics. */
  static spec(jobId: string): InternalTopicSpec {
    return {
      name: CheckpointLog.topicFor(jobId),
      partitions: 1,
      configs: { 'cleanup.policy': 'compact' },
      partitionsAdvice: 'The checkpoints topic must have exactly one partition (records of all tasks in one order); it was not created by Sluice.',
    };
  }

  /** Records of tasks' checkpoints (sent through the checkpoint's transaction). */
  records(entries: ReadonlyArray<Omit<CheckpointRecord, 'timestamp'> & { timestamp?: number }>): ProducerRecord[] {
    const now = this.#clock.now();
    return entries.map((e) => {
      if (e.taskId.startsWith('\u0000') || e.taskId === '') throw new ChangelogFormatError(`task id ${JSON.stringify(e.taskId)} is reserved or empty`);
      const timestamp = e.timestamp ?? now;
      return { topic: this.topic, partition: 0, key: Buffer.from(e.taskId, 'utf8'), value: encodeValue({ checkpointId: e.checkpointId, timestamp, payload: e.payload }), timestamp: BigInt(Math.floor(timestamp)) };
    });
  }

  /** Writes tasks' checkpoint records; resolves when acknowledged (visible on commit). */
  write(sender: RecordSender, entries: ReadonlyArray<Omit<CheckpointRecord, 'timestamp'> & { timestamp?: number }>): Promise<void> {
    return sender.send(this.records(entries));
  }

  /** Removes tasks (e.g. after rescaling) with tombstones. */
  removeTasks(sender: RecordSender, taskIds: readonly string[]): Promise<void> {
    return sender.send(taskIds.map((taskId) => ({ topic: this.topic, partition: 0, key: Buffer.from(taskId, 'utf8') })));
  }

  /** The rescale record (sent with the first checkpoint of a new generation, in its transaction). */
  rescaleRecord(rescale: unknown): ProducerRecord {
    return { topic: this.topic, partition: 0, key: Buffer.from(RESCALE_KEY, 'utf8'), value: encodeValue({ checkpointId: -1, timestamp: this.#clock.now(), payload: rescale }) };
  }

  /** Writes the job-level record (what the job graph was), to be checked by later starts. */
  writeJob(sender: RecordSender, job: unknown): Promise<void> {
    return sender.send([{ topic: this.topic, partition: 0, key: Buffer.from(JOB_KEY, 'utf8'), value: encodeValue({ checkpointId: -1, timestamp: this.#clock.now(), payload: job }) }]);
  }

  /** The last committed record of every task, and the job record (read_committed, to the end). */
  async read(consumer: WorkerConsumer): Promise<CheckpointLogContents> {
    const tasks = new Map<string, CheckpointRecord>();
    let job: unknown;
    let rescale: unknown;
    await this.#readFrom(consumer, undefined, (taskId, record) => {
      if (taskId === JOB_KEY) job = record?.payload;
      else if (taskId === RESCALE_KEY) rescale = record?.payload;
      else if (record === undefined) tasks.delete(taskId);
      else tasks.set(taskId, record);
    });
    return { tasks, job, rescale };
  }

  /**
   * What changed since offset `from` (a previous call's `next`; 0: everything), read_committed up
   * to the last stable offset: the newest record of each task written since (`undefined`: removed),
   * the newest rescale record written since (if any), and where the next call continues. Lets a
   * follower keep every task's last committed checkpoint without reading the whole log each time.
   */
  async readSince(consumer: WorkerConsumer, from: bigint): Promise<{ tasks: Map<string, CheckpointRecord | undefined>; rescale?: unknown; next: bigint }> {
    const tasks = new Map<string, CheckpointRecord | undefined>();
    let rescale: unknown;
    const ends = await this.#readFrom(consumer, from, (taskId, record) => {
      if (taskId === RESCALE_KEY) rescale = record?.payload;
      else if (taskId !== JOB_KEY) tasks.set(taskId, record);
    });
    const end = ends.get(0) ?? from;
    return { tasks, ...(rescale !== undefined && { rescale }), next: end > from ? end : from };
  }

  #readFrom(consumer: WorkerConsumer, from: bigint | undefined, onRecord: (key: string, record: CheckpointRecord | undefined) => void): Promise<Map<number, bigint>> {
    return readToEnd(
      consumer,
      this.topic,
      [0],
      (r) => {
        if (r.key === null) return;
        const taskId = r.key.toString('utf8');
        onRecord(taskId, r.value === null ? undefined : { taskId, ...decodeValue(r.value, `${this.topic}@${r.offset}`) });
      },
      from === undefined ? {} : { from: new Map([[0, from]]) },
    );
  }
}

function encodeValue(v: { checkpointId: number; timestamp: number; payload: unknown }): Buffer {
  const w = new ByteWriter(128);
  w.u8(CHECKPOINT_FORMAT_VERSION);
  w.f64(v.checkpointId);
  w.f64(v.timestamp);
  writePortable(w, v.payload, false, 'checkpoint payload');
  return w.result();
}

function decodeValue(buf: Buffer, where: string): { checkpointId: number; timestamp: number; payload: unknown } {
  try {
    const r = new ByteReader(buf);
    const version = r.u8();
    if (version !== CHECKPOINT_FORMAT_VERSION) {
      throw new ChangelogFormatError(`format version ${version}; this Sluice reads ${CHECKPOINT_FORMAT_VERSION}${version > CHECKPOINT_FORMAT_VERSION ? ' (written by a newer Sluice: upgrade)' : ''}`);
    }
    const checkpointId = r.f64();
    const timestamp = r.f64();
    const payload = readPortable(r);
    if (r.remaining !== 0) throw new ChangelogFormatError(`${r.remaining} byte(s) left over`);
    return { checkpointId, timestamp, payload };
  } catch (e) {
    throw new ChangelogFormatError(`cannot read checkpoint record ${where}: ${(e as Error).message}`, e);
  }
}
