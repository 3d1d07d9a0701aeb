import { isUnknownTopic } from '../../../core/errors/kafka-errors.ts';
import type { BytesConsumer, KafkaClients, PartitionOffset } from '../../../core/kafka-clients.ts';
import type { CheckpointRecord } from '../../../kafka/checkpoint-log.ts';
import { CheckpointLog } from '../../../kafka/checkpoint-log.ts';
import { broadcastReaderStatesAt } from './reader-state-rescale.ts';
import { consistentCheckpoint, type RescaleRecord } from '../../../kafka/consistent-checkpoint.ts';
import type { RepartitionTopic } from '../../../runtime/graph/repartition.ts';
import type { Clock } from '../../../util/clock.ts';
import { logger } from '../../../util/logger.ts';

/** The part of a repartition reader's checkpointed state this module reads: next offset per partition. */
interface ReaderPositions {
  readonly offsets: ReadonlyArray<readonly [partition: number, offset: string]>;
}

/** What may be deleted from a topic: below `offset` in `partition`. */
export interface PurgeBound {
  readonly partition: number;
  readonly offset: bigint;
}

/** Per worker (its Kafka clients), per broadcast topic, per reader subtask: the next offset of each partition as of its last completed checkpoint. */
const consumedByWorker = new WeakMap<object, Map<string, Map<number, Map<number, bigint>>>>();

/** Per partition, the lowest offset over every reader's offsets; nothing when a reader is missing or a bound is 0. */
function lowest(readers: ReadonlyArray<ReadonlyMap<number, bigint> | undefined>, partitions: number): PurgeBound[] {
  if (readers.length === 0 || readers.some((r) => r === undefined)) return [];
  const out: PurgeBound[] = [];
  for (let partition = 0; partition < partitions; partition++) {
    let min: bigint | undefined;
    for (const offsets of readers) {
      const o = offsets!.get(partition) ?? 0n;
      if (min === undefined || o < min) min = o;
    }
    if (min !== undefined && min > 0n) out.push({ partition, offset: min });
  }
  return out;
}

/**
 * Every reader subtask of a broadcast topic reads all of it, so a record may be deleted only once
 * every one of them consumed it. When one worker runs all the readers it knows that by itself:
 * called by each reader when a checkpoint completed with the offsets it committed; returns what
 * may be deleted now (the minimum over the readers, per partition), empty until every reader of
 * the topic reported here. Readers spread over workers go through {@link lowestCheckpointed}.
 */
export function purgeableBroadcast(worker: object, topic: RepartitionTopic, subtask: number, consumed: readonly PartitionOffset[]): PurgeBound[] {
  const topics = consumedByWorker.get(worker) ?? consumedByWorker.set(worker, new Map()).get(worker)!;
  const readers = topics.get(topic.topic) ?? topics.set(topic.topic, new Map()).get(topic.topic)!;
  readers.set(subtask, new Map(consumed.map((o) => [o.partition, o.offset])));
  if (readers.size < topic.readers) return [];
  return lowest(Array.from({ length: topic.readers }, (_, i) => readers.get(i)), topic.partitions);
}

/** Whether every reader subtask of the topic reported to this worker (it runs them all: its own bound is the whole truth). */
function runsAllReaders(worker: object, topic: RepartitionTopic): boolean {
  return (consumedByWorker.get(worker)?.get(topic.topic)?.size ?? 0) >= topic.readers;
}

/** A reader subtask stopped in this worker (e.g. its unit moved to another one): its offsets no longer count here. */
export function forgetBroadcastReader(worker: object, topic: RepartitionTopic, subtask: number): void {
  consumedByWorker.get(worker)?.get(topic.topic)?.delete(subtask);
}

/**
 * The reader state (`readerUid`) of each subtask in the job's consistent checkpoint (the tasks'
 * last committed records of the current generation, the rescale record for subtasks without one:
 * `consistent-checkpoint.ts`), by subtask index (holes: none).
 */
function readerStates(records: Iterable<CheckpointRecord>, readerUid: string, rescale: unknown, readers?: number): unknown[] {
  const checkpoint = consistentCheckpoint(records, rescale as RescaleRecord | undefined, (_uid, states, n) => broadcastReaderStatesAt(states, n));
  const states = checkpoint.sources[readerUid] ?? [];
  // Taken at another parallelism (no reader checkpointed since the rescale): where each of the `readers` resumes.
  return readers !== undefined && checkpoint.asRescaled.has(readerUid) ? broadcastReaderStatesAt(states, readers) : states;
}

function positionsOf(state: unknown): Map<number, bigint> | undefined {
  const offsets = (state as ReaderPositions | undefined)?.offsets;
  if (!Array.isArray(offsets)) return undefined;
  return new Map(offsets.map(([p, o]) => [p, BigInt(o)]));
}

/**
 * What may be deleted from a broadcast topic whose readers run on several workers: per partition,
 * the lowest next offset over the last committed checkpoint of EVERY reader subtask 0…readers−1
 * (where each of them resumes after a restart or a move to another worker); nothing while one of
 * them has no committed checkpoint yet. Records of subtasks beyond the parallelism (left by a run
 * at a higher parallelism) do not hold the topic back.
 */
export function lowestCheckpointed(records: Iterable<CheckpointRecord>, topic: RepartitionTopic, rescale?: unknown): PurgeBound[] {
  const states = readerStates(records, topic.readerUid, rescale, topic.readers);
  return lowest(Array.from({ length: topic.readers }, (_, i) => positionsOf(states[i])), topic.partitions);
}

/**
 * The checkpointed state a broadcast reader subtask without one of its own starts from: that of
 * old subtask `subtask % n` (n: the highest subtask index with a record, plus one), the subtask
 * whose broadcast state its operator gets (Flink's rule for broadcast state at a new parallelism,
 * `redistributeOperatorState`), so that state and position go together: reading from the topic's
 * start instead would apply again what the copied state holds, and find it purged.
 */
export function inheritedReaderState(records: Iterable<CheckpointRecord>, readerUid: string, subtask: number, rescale?: unknown): unknown {
  const states = readerStates(records, readerUid, rescale);
  return states.length === 0 ? undefined : states[subtask % states.length];
}

/** The cross-worker purge reads the checkpoint log at most this often (Kafka Streams: `repartition.purge.interval.ms`). */
export const BROADCAST_PURGE_INTERVAL_MS = 1_000;

/**
 * How one reader subtask of a broadcast topic takes part in purging it. With all readers in this
 * worker, their completed checkpoints decide (`purgeableBroadcast`). Otherwise reader subtask 0 —
 * one worker runs it at a time — follows the job's checkpoint log (`<jobId>-checkpoints`,
 * read_committed: under exactly-once only committed checkpoints count) after its own checkpoints
 * complete, and purges below the lowest position any reader subtask would resume from.
 */
export class BroadcastConsumption {
  readonly #topic: RepartitionTopic;
  readonly #subtask: number;
  readonly #clients: KafkaClients;
  readonly #clock: Clock;
  readonly #log: CheckpointLog;
  /** Every task's last committed checkpoint record, as far as the log was read. */
  readonly #records = new Map<string, CheckpointRecord>();
  /** The last rescale record read from the log, if any. */
  #rescale: unknown;
  #next = 0n;
  #consumer: BytesConsumer | undefined;
  #reading: Promise<void> | undefined;
  #lastRead = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(topic: RepartitionTopic, subtask: number, clients: KafkaClients, clock: Clock) {
    this.#topic = topic;
    this.#subtask = subtask;
    this.#clients = clients;
    this.#clock = clock;
    this.#log = new CheckpointLog(topic.jobId);
  }

  /** A reader subtask that restored no state of its own: the state it inherits (see {@link inheritedReaderState}), if the job has checkpoints. */
  async inherit(): Promise<unknown> {
    if (!(await this.#hasLog())) return undefined;
    await this.#follow();
    const state = inheritedReaderState(this.#records.values(), this.#topic.readerUid, this.#subtask, this.#rescale);
    if (state !== undefined) logger.info({ topic: this.#topic.topic, subtask: this.#subtask }, 'broadcast reader without a checkpoint of its own resumes where the subtask whose broadcast state it got stood');
    return state;
  }

  /**
   * A restored position below the topic's log start: the records in between were deleted (a state
   * older than the purges, e.g. an old savepoint or the record of a subtask beyond a later, lower
   * parallelism); the reader goes on from the log start, and this says so.
   */
  async checkResumable(position: bigint): Promise<void> {
    const c = this.#consumerOf();
    const earliest = (await c.listOffsets({ topics: [this.#topic.topic], partitions: { [this.#topic.topic]: [0] }, timestamp: -2n, isolationLevel: 1 })).get(this.#topic.topic)?.[0] ?? 0n;
    if (position >= earliest) return;
    logger.warn(
      { topic: this.#topic.topic, subtask: this.#subtask, position: String(position), logStart: String(earliest) },
      'broadcast reader resumes below the start of its topic: the broadcast records in between were purged after every reader of a later checkpoint consumed them, so this subtask misses them; restore broadcast state from a checkpoint or savepoint of the same line of checkpoints',
    );
  }

  /** This reader's checkpoint completed with `consumed` committed: calls `purge` with what may be deleted, now or after reading the log. */
  completed(consumed: readonly PartitionOffset[], purge: (bounds: PurgeBound[]) => void): void {
    const local = purgeableBroadcast(this.#clients, this.#topic, this.#subtask, consumed);
    if (local.length > 0) return purge(local);
    if (this.#subtask !== 0 || runsAllReaders(this.#clients, this.#topic) || this.#reading !== undefined || this.#closed) return;
    const now = this.#clock.now();
    if (now - this.#lastRead < BROADCAST_PURGE_INTERVAL_MS) return;
    this.#lastRead = now;
    this.#reading = this.#follow()
      .then(() => {
        const bounds = lowestCheckpointed(this.#records.values(), this.#topic, this.#rescale);
        if (bounds.length > 0 && !this.#closed) purge(bounds);
      })
      .catch((e: unknown) => logger.debug({ err: e, topic: this.#topic.topic }, 'reading the checkpoint log to purge a broadcast topic failed; a later checkpoint tries again'))
      .finally(() => (this.#reading = undefined));
  }

  async close(): Promise<void> {
    this.#closed = true;
    forgetBroadcastReader(this.#clients, this.#topic, this.#subtask);
    await this.#reading;
    if (this.#consumer !== undefined) {
      await this.#consumer.close(true).catch(() => {});
      this.#clients.release(this.#consumer);
    }
  }

  /** Reads what the checkpoint log received since the last read. */
  async #follow(): Promise<void> {
    const { tasks, rescale, next } = await this.#log.readSince(this.#consumerOf(), this.#next);
    this.#next = next;
    if (rescale !== undefined) this.#rescale = rescale;
    for (const [id, record] of tasks) {
      if (record === undefined) this.#records.delete(id);
      else this.#records.set(id, record);
    }
  }

  /** Whether the job keeps durable state (a job without checkpoints in Kafka has no checkpoint log). */
  async #hasLog(): Promise<boolean> {
    try {
      // No retries: an unknown topic is the answer here, not a transient error to wait out.
      return (await this.#consumerOf().metadata({ topics: [this.#log.topic], retries: 0 })).topics.has(this.#log.topic);
    } catch (e) {
      if (isUnknownTopic(e)) return false;
      throw e;
    }
  }

  #consumerOf(): BytesConsumer {
    return (this.#consumer ??= this.#clients.consumer(`broadcast-${this.#subtask}`, this.#topic.jobId));
  }
}
