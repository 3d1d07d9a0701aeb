import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterMetadata } from '@platformatic/kafka';
import type { BytesProducer, TopicPartition, TransactionalProducerIdentity, TransactionalSender } from '../../../core/kafka-clients.ts';
import { classifyKafkaError } from '../../../kafka/error-classification.ts';
import { ErrorCode, isRetriable } from '../../../protocol/error-codes.ts';
import type { ClientLibrary } from '../fetch-request.ts';
import { producePartitionError, produceWithCodec, type CodecProducedPartition } from '../produce-request.ts';
import { RepartitionBatch } from './repartition-batch.ts';

/**
 * A batch holds up to this many bytes; a record that would pass it starts another (a batch of one
 * larger record is sent alone). Below Kafka's default max.message.bytes (1 MiB).
 */
const MAX_BATCH_BYTES = 512 * 1024;
/** A record's bytes besides its key and value, at most: length, attributes, deltas, headers (with `sluice.t`, `sluice.m` and `sluice.w` keys). */
const RECORD_OVERHEAD = 64;
/** Attempts of a batch that meets retriable errors (leader moves, timeouts, dropped connections). */
const MAX_ATTEMPTS = 12;
const REQUEST_TIMEOUT_MS = 30_000;
const INT32_MAX = 2 ** 31 - 1;
/**
 * How long a round waits for more records after the previous one, unless a flush is due (a
 * checkpoint, the end of input) or a batch is full: Kafka's linger.ms. Rounds otherwise follow
 * each other as fast as the broker answers, each batch holding the few records of a partition
 * that came in meanwhile, and every round costs a Produce, one append per partition and the
 * readers' fetches of it, in the worker and in the broker. 20 ms keeps an exchange's added
 * latency well below Flink's default buffer timeout and Kafka Streams' producer linger (both
 * 100 ms); with the scaling benchmark's CPU-bound job it cut the broker's CPU per record by about
 * half (docs/internals/runtime.md).
 */
export const REPARTITION_LINGER_MS = 20;

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(e: Error): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => {}); // a failure is reported to whoever flushes; no unhandled rejection meanwhile
  return { promise, resolve, reject };
}

/** A batch waiting for its round; `done` settles with its acknowledgement. */
interface Queued {
  readonly batch: RepartitionBatch;
  readonly done: Deferred;
  /** The transaction's abort count when the batch began (exactly-once). */
  readonly aborts: number;
}

/** A repartition partition: its batches not yet sent, in order, and its next sequence number. */
interface PartitionQueue extends TopicPartition {
  readonly queued: Queued[];
  nextSequence: number;
}

/** A batch of a round, sealed: retries resend these exact bytes (same producer id, epoch and sequence). */
interface Sealed {
  readonly queue: PartitionQueue;
  readonly bytes: Buffer;
  readonly baseSequence: number;
  readonly done: Deferred;
}

type ProducerIdentity = Omit<TransactionalProducerIdentity, 'transactionalId'> & { transactionalId: string | null };

const shared = new WeakMap<BytesProducer, RepartitionProducer>();

/**
 * Writes a worker's repartition records with Sluice's codec on its producer's connections, one
 * per worker producer (every repartition writer of the worker shares it): records are appended
 * straight into one RecordBatch per partition; a round sends one batch per partition, one Produce
 * request per leader (acks=-1), and the next round starts when it is acknowledged. It is
 * idempotent with the producer's id and epoch and keeps the sequence numbers of the repartition
 * partitions itself (nothing else writes them): a retried batch goes again byte for byte, so the
 * broker drops a copy it already appended (DUPLICATE_SEQUENCE counts as acknowledged), and since a
 * partition never has two batches in flight its order holds. Under exactly-once each round runs
 * inside the worker's transaction (`writeInTransaction`: AddPartitionsToTxn for partitions new in
 * it), so the checkpoint's commit covers it and an abort discards it.
 */
export class RepartitionProducer {
  readonly #lib: ClientLibrary;
  readonly #producer: BytesProducer;
  readonly #transaction: TransactionalSender | undefined;
  readonly #partitions = new Map<string, Map<number, PartitionQueue>>();
  /** Partitions with queued batches, in the order they got them. */
  readonly #ready = new Set<PartitionQueue>();
  /** The producer id and epoch the sequence numbers count for. */
  #sequencesOf: { producerId: bigint; producerEpoch: number } | undefined;
  /** Rounds are being sent (one pump at a time). */
  #pumping = false;
  /** The acknowledgements of the round in flight. */
  #inRound: Array<Promise<void>> = [];
  readonly #lingerMs: number;
  /** Flushes waiting for their records: rounds do not linger meanwhile. */
  #urgent = 0;
  /** Ends the pump's linger early (a flush, a full batch). */
  #endLinger: (() => void) | undefined;
  /** Changes whenever a batch begins or a round starts (see {@link generation}). */
  #generation = 0;
  /** Rounds sent so far (one Produce per leader each). */
  rounds = 0;

  /** The repartition producer of `producer` (made on first use). */
  static of(lib: ClientLibrary, producer: BytesProducer, transaction: TransactionalSender | undefined): RepartitionProducer {
    let p = shared.get(producer);
    if (p === undefined) shared.set(producer, (p = new RepartitionProducer(lib, producer, transaction)));
    return p;
  }

  constructor(lib: ClientLibrary, producer: BytesProducer, transaction: TransactionalSender | undefined, lingerMs = REPARTITION_LINGER_MS) {
    if (transaction !== undefined && transaction.writeInTransaction === undefined) throw new TypeError('the worker transaction does not accept writes of their own Produce requests');
    this.#lib = lib;
    this.#producer = producer;
    this.#transaction = transaction;
    this.#lingerMs = lingerMs;
  }

  /**
   * Changes whenever a batch begins or a round starts: while it stays the same, records appended
   * since a {@link send} went into batches that send's promise already covers.
   */
  get generation(): number {
    return this.#generation;
  }

  /** A data record (see RepartitionBatch.addData). */
  appendData(topic: string, partition: number, timestamp: number, key: Buffer | string | undefined, value: Uint8Array, eventTime: number): void {
    // A string key's UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.#open(topic, partition, timestamp, (typeof key === 'string' ? 3 * key.length : (key?.length ?? 0)) + value.length + RECORD_OVERHEAD).addData(timestamp, key, value, eventTime);
  }

  /** A watermark or idleness marker (see RepartitionBatch.addMarker). */
  appendMarker(topic: string, partition: number, timestamp: number, kind: Buffer, writer: Buffer, time: number): void {
    this.#open(topic, partition, timestamp, kind.length + writer.length + RECORD_OVERHEAD).addMarker(timestamp, kind, writer, time);
  }

  /**
   * Sends what was appended so far, in rounds that linger (REPARTITION_LINGER_MS) for more
   * records; resolves when all of it is acknowledged (in the open transaction under
   * exactly-once), rejects with the first failure of it.
   */
  send(): Promise<void> {
    const waits: Promise<void>[] = [...this.#inRound];
    for (const q of this.#ready) for (const b of q.queued) waits.push(b.done.promise);
    this.#kick();
    return Promise.all(waits).then(() => {});
  }

  /** As {@link send}, but now: no round lingers until all of it is acknowledged (Kafka's flush()). */
  flush(): Promise<void> {
    this.#urgent++;
    const sent = this.send();
    this.#endLinger?.();
    return sent.finally(() => this.#urgent--);
  }

  /** Starts rounds if some are due and none is running. */
  #kick(): void {
    if (this.#pumping || this.#ready.size === 0) return;
    // Set before the call: the flag must not be cleared by a pump that ended before it was assigned.
    this.#pumping = true;
    void this.#pump();
  }

  /** The batch that takes the next record of a partition: its last queued one, or a new one. */
  #open(topic: string, partition: number, timestamp: number, bytes: number): RepartitionBatch {
    let byTopic = this.#partitions.get(topic);
    if (byTopic === undefined) this.#partitions.set(topic, (byTopic = new Map()));
    let q = byTopic.get(partition);
    if (q === undefined) byTopic.set(partition, (q = { topic, partition, queued: [], nextSequence: 0 }));
    const aborts = this.#transaction?.abortedTransactions ?? 0;
    const last = q.queued[q.queued.length - 1];
    // A batch begun before an abort takes no later record: it is dropped (see #send).
    if (last !== undefined && last.aborts === aborts && last.batch.byteLength + bytes <= MAX_BATCH_BYTES && last.batch.accepts(timestamp)) return last.batch;
    const batch = new RepartitionBatch();
    q.queued.push({ batch, done: deferred(), aborts });
    this.#ready.add(q);
    this.#generation++;
    if (q.queued.length > 1) this.#endLinger?.(); // a full batch goes without waiting
    return batch;
  }

  /** Before a round: waits up to the linger for more records, unless a flush is due or a batch is full. */
  #linger(): Promise<void> | undefined {
    if (this.#lingerMs <= 0 || this.#urgent > 0) return undefined;
    for (const q of this.#ready) if (q.queued.length > 1) return undefined;
    return new Promise<void>((resolve) => {
      const end = (): void => {
        clearTimeout(timer);
        this.#endLinger = undefined;
        resolve();
      };
      const timer = setTimeout(end, this.#lingerMs);
      this.#endLinger = end;
    });
  }

  /** Rounds until nothing is queued; never throws (failures settle the batches' promises). */
  async #pump(): Promise<void> {
    try {
      while (this.#ready.size > 0) {
        // Only an actual linger awaits: a due round starts in the same step (a transaction's commit right after a flush sees it in flight).
        const lingering = this.#linger();
        if (lingering !== undefined) await lingering;
        this.rounds++;
        this.#generation++;
        const round: Array<{ queue: PartitionQueue; queued: Queued }> = [];
        for (const q of this.#ready) {
          round.push({ queue: q, queued: q.queued.shift()! });
          if (q.queued.length === 0) this.#ready.delete(q);
        }
        this.#inRound = round.map((r) => r.queued.done.promise);
        try {
          if (this.#transaction !== undefined) await this.#transaction.writeInTransaction!(round.map((r) => r.queue), (id) => this.#send(round, id));
          else await this.#send(round, await this.#idempotentIdentity());
        } catch (e) {
          const error = e instanceof Error ? e : new Error(String(e));
          for (const r of round) r.queued.done.reject(error);
        }
      }
    } finally {
      // The loop saw nothing due; the check and this are one synchronous step, so nothing was queued between.
      this.#inRound = [];
      this.#pumping = false;
    }
  }

  async #idempotentIdentity(): Promise<ProducerIdentity> {
    if (this.#producer.producerId === undefined || this.#producer.producerEpoch === undefined) await this.#producer.initIdempotentProducer({});
    return { transactionalId: null, producerId: this.#producer.producerId!, producerEpoch: this.#producer.producerEpoch! };
  }

  /** Seals the round's batches with `id` and sends them until each is acknowledged or fails for good. */
  async #send(round: ReadonlyArray<{ queue: PartitionQueue; queued: Queued }>, id: ProducerIdentity): Promise<void> {
    if (this.#transaction !== undefined) {
      // Batches begun before an abort belong to the aborted attempt, which the job replays from
      // its last checkpoint: dropped, never written into a later transaction.
      const aborts = this.#transaction.abortedTransactions ?? 0;
      for (const r of round) if (r.queued.aborts !== aborts) r.queued.done.resolve();
      round = round.filter((r) => r.queued.aborts === aborts);
      if (round.length === 0) return;
    }
    const known = this.#sequencesOf;
    if (known === undefined || known.producerId !== id.producerId || known.producerEpoch !== id.producerEpoch) {
      // A new producer id or epoch starts every partition's sequence at 0.
      for (const byTopic of this.#partitions.values()) for (const q of byTopic.values()) q.nextSequence = 0;
      this.#sequencesOf = { producerId: id.producerId, producerEpoch: id.producerEpoch };
    }
    let pending: Sealed[] = round.map(({ queue, queued }) => {
      const baseSequence = queue.nextSequence;
      queue.nextSequence = (baseSequence + queued.batch.recordCount) % (INT32_MAX + 1);
      return { queue, baseSequence, done: queued.done, bytes: queued.batch.seal(id.producerId, id.producerEpoch, baseSequence, id.transactionalId !== null) };
    });
    let failure: Error | undefined;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const metadata = await this.#producer.metadata({ topics: [...new Set(pending.map((s) => s.queue.topic))], forceUpdate: attempt > 1 });
      const outcomes = await Promise.all([...byLeader(metadata, pending)].map(([leader, sealed]) => this.#sendTo(metadata, leader, sealed, id)));
      const refused = outcomes.flatMap((o) => o.refused);
      if (refused.length > 0) throw refusal(refused);
      pending = outcomes.flatMap((o) => o.retry);
      failure = outcomes.find((o) => o.failure !== undefined)?.failure ?? failure;
      if (pending.length > 0 && attempt >= MAX_ATTEMPTS) {
        // Kafka may hold these batches or not: their sequence numbers stay used (a later batch with
        // them would be taken for a duplicate); the broker refuses the next ones, so the job restarts.
        throw new Error(`gave up on ${pending.length} repartition batch(es) after ${attempt} attempts: ${failure?.message ?? 'no leader'}`, { cause: failure });
      }
      if (pending.length > 0) await sleep(Math.min(1000, 50 * 2 ** attempt));
    }
  }

  /** One Produce to a leader: which batches are acknowledged (settled here), to retry, or refused. */
  async #sendTo(metadata: ClusterMetadata, leader: number | undefined, sealed: Sealed[], id: ProducerIdentity): Promise<{ retry: Sealed[]; refused: CodecProducedPartition[]; failure?: Error }> {
    const broker = leader === undefined ? undefined : metadata.brokers.get(leader);
    if (broker === undefined) return { retry: sealed, refused: [] }; // no leader known yet
    let answers: CodecProducedPartition[];
    try {
      answers = await produceWithCodec(this.#lib, this.#producer, broker, {
        transactionalId: id.transactionalId,
        acks: -1,
        timeoutMs: REQUEST_TIMEOUT_MS,
        partitions: sealed.map((s) => ({ topic: s.queue.topic, partition: s.queue.partition, batch: s.bytes })),
      });
    } catch (e) {
      // A closed producer or an unsupported cluster will not get better.
      if (this.#producer.closed || classifyKafkaError(e) !== 'retriable') throw e;
      // The connection failed: the batches may or may not be appended; the same bytes again are safe.
      return { retry: sealed, refused: [], failure: e as Error };
    }
    const retry: Sealed[] = [];
    const refused: CodecProducedPartition[] = [];
    let failure: Error | undefined;
    for (const s of sealed) {
      const a = answers.find((x) => x.topic === s.queue.topic && x.partition === s.queue.partition);
      if (a === undefined) {
        failure = new Error(`the broker's Produce answer left out ${s.queue.topic}/${s.queue.partition}`);
        retry.push(s);
      } else if (a.errorCode === ErrorCode.NONE || a.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) s.done.resolve();
      else if (isRetriable(a.errorCode) && a.errorCode !== ErrorCode.CORRUPT_MESSAGE) {
        failure = producePartitionError(a);
        retry.push(s);
      } else {
        // Refused for good, so not written: the partition's sequence goes back to the batch's.
        if (a.errorCode !== ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && a.errorCode !== ErrorCode.UNKNOWN_PRODUCER_ID) s.queue.nextSequence = s.baseSequence;
        refused.push(a);
      }
    }
    return failure === undefined ? { retry, refused } : { retry, refused, failure };
  }
}

/** Partitions that refused their batches, as one error whose `errors` carry the Kafka error names. */
function refusal(refused: readonly CodecProducedPartition[]): Error {
  const errors = refused.map(producePartitionError);
  return Object.assign(new Error(`the broker refused repartition records: ${errors.map((e) => e.message).join('; ')}`), { errors });
}

/** The sealed batches grouped by their partitions' leaders (undefined: no leader in the metadata). */
function byLeader(metadata: ClusterMetadata, sealed: readonly Sealed[]): Map<number | undefined, Sealed[]> {
  const out = new Map<number | undefined, Sealed[]>();
  for (const s of sealed) {
    const leader = metadata.topics.get(s.queue.topic)?.partitions[s.queue.partition]?.leader;
    const node = leader === undefined || leader < 0 ? undefined : leader;
    let list = out.get(node);
    if (list === undefined) out.set(node, (list = []));
    list.push(s);
  }
  return out;
}
