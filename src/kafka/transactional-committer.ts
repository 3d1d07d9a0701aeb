import type { Consumer } from '@platformatic/kafka';
import { kafkaClientLibrary } from './client-library.ts';
import type { ClientSupplier, ProducerRecord, WorkerProducer } from './client-supplier.ts';
import { commitFailure, offsetsByTopic, type CommitStrategy } from './commit-strategy.ts';
import type { GroupMetadata, PartitionOffset, TopicPartition, TransactionalProducerIdentity } from '../core/kafka-clients.ts';
import { kafkaErrorNames } from './error-classification.ts';
import { CommitError, KafkaSubstrateError, ProducerFencedError, WorkerFencedError } from './errors.ts';
import { SendQueue } from './send-queue.ts';
import { CoordinatorType, type KafkaWire } from './wire.ts';

type Txn = Awaited<ReturnType<WorkerProducer['beginTransaction']>>;

/**
 * Exactly-once commits over the worker's transactional producer (Kafka's exactly-once v2,
 * KIP-447): every record sent and the source offsets of a checkpoint go into one transaction;
 * `commit()` makes them visible to read_committed readers atomically, `abort()` discards them.
 *
 * - The transaction opens lazily with the first record or offsets; a checkpoint that sent nothing
 *   commits nothing.
 * - `sendOffsets` is one AddOffsetsToTxn plus ONE TxnOffsetCommit for all partitions, carrying the
 *   group's generation and member id, so Kafka refuses it from a worker the group moved past.
 * - Once fenced (PRODUCER_FENCED / INVALID_PRODUCER_EPOCH) it refuses every further call: the
 *   client would otherwise re-initialize with epoch -1 and fence the worker that replaced it.
 *
 * @example
 * ```ts
 * const committer = new TransactionalCommitter(clients);
 * await committer.init();                       // fences older incarnations of this worker
 * await committer.send([{ topic: 'out', key, value }]);
 * await committer.sendOffsets([{ topic: 'in', partition: 0, offset: 42n }], member.groupMetadata());
 * await committer.commit();
 * ```
 */
export class TransactionalCommitter implements CommitStrategy {
  readonly exactlyOnce = true;
  readonly #producer: WorkerProducer;
  readonly #wire: KafkaWire;
  readonly #transactionalId: string;
  #txn: Txn | undefined;
  /** Kafka-side work was attempted in the current transaction (records or offsets). */
  #dirty = false;
  /** An EndTxn(commit) of the current transaction was sent but not acknowledged: it may have committed. */
  #commitSent = false;
  /** A send of the current transaction failed: it can only be aborted (committing would lose records). */
  #sendFailure: KafkaSubstrateError | undefined;
  #fenced: ProducerFencedError | undefined;
  readonly #queue: SendQueue;
  /** Partitions added to the current transaction by `writeInTransaction` (AddPartitionsToTxn sent). */
  readonly #added = new Set<string>();
  /** Writes of `writeInTransaction` not yet settled: a commit or abort waits for them. */
  readonly #writes = new Set<Promise<unknown>>();
  /** Transactions aborted so far (see TransactionalSender.abortedTransactions). */
  #aborts = 0;
  /** A commit or abort in progress. */
  #end: Promise<void> | undefined;

  constructor(clients: ClientSupplier) {
    const id = clients.transactionalId;
    if (id === undefined) throw new CommitError('creating the exactly-once committer', false, 'the ClientSupplier producer is not transactional; configure it with kind: transactional');
    this.#transactionalId = id;
    this.#producer = clients.producer();
    this.#wire = clients.wire('txn');
    this.#queue = new SendQueue((records) => this.#sendNow(records));
  }

  /** The producer id and epoch in use (after `init` or the first send). */
  get producerIdentity(): { producerId: bigint | undefined; producerEpoch: number | undefined } {
    return { producerId: this.#producer.producerId, producerEpoch: this.#producer.producerEpoch };
  }

  /** True while a transaction holds records or offsets not yet committed or aborted. */
  get inTransaction(): boolean {
    return this.#dirty;
  }

  /**
   * InitProducerId for the transactional id (producer id -1 / epoch -1): Kafka bumps the epoch,
   * aborts whatever the previous incarnation left open, and fences it. Call once at worker start.
   */
  async init(): Promise<void> {
    await this.#current('initializing the transactional producer');
  }

  /**
   * Sends records inside the current transaction; resolves when Kafka acknowledged them. Calls may
   * overlap: they are coalesced into one request at a time (see SendQueue).
   */
  send(records: ProducerRecord[]): Promise<void> {
    return this.#queue.send(records);
  }

  async #sendNow(records: ProducerRecord[]): Promise<void> {
    const step = 'sending records in the transaction';
    try {
      const txn = await this.#current(step);
      this.#dirty = true;
      await txn.send({ messages: records });
    } catch (e) {
      throw this.#partFailed(step, e);
    }
  }

  /**
   * A writer that sends its own Produce requests (repartition topics) writes `partitions` inside
   * the current transaction: AddPartitionsToTxn for the partitions new in it (to the transaction
   * coordinator, on the committer's own connection), then `write` with the producer's identity.
   * The commit covers what `write` produced; its failure can only be aborted.
   */
  async writeInTransaction<T>(partitions: ReadonlyArray<TopicPartition>, write: (producer: TransactionalProducerIdentity) => Promise<T>): Promise<T> {
    const step = 'writing repartition records in the transaction';
    while (this.#end !== undefined) await this.#end;
    let settled!: () => void;
    const tracked = new Promise<void>((resolve) => (settled = resolve));
    this.#writes.add(tracked);
    try {
      await this.#current(step);
      this.#dirty = true;
      const producerId = this.#producer.producerId!;
      const producerEpoch = this.#producer.producerEpoch!;
      const fresh = partitions.filter((p) => !this.#added.has(`${p.topic}\0${p.partition}`));
      if (fresh.length > 0) {
        const topics = new Map<string, number[]>();
        for (const p of fresh) (topics.get(p.topic) ?? topics.set(p.topic, []).get(p.topic)!).push(p.partition);
        await this.#wire.call(kafkaClientLibrary().addPartitionsToTxnV5.api, { coordinator: CoordinatorType.TRANSACTION, key: this.#transactionalId }, {}, [
          { transactionalId: this.#transactionalId, producerId, producerEpoch, verifyOnly: false, topics: [...topics].map(([name, ps]) => ({ name, partitions: ps })) },
        ]);
        for (const p of fresh) this.#added.add(`${p.topic}\0${p.partition}`);
      }
      return await write({ transactionalId: this.#transactionalId, producerId, producerEpoch });
    } catch (e) {
      throw this.#partFailed(step, e);
    } finally {
      settled();
      this.#writes.delete(tracked);
    }
  }

  /** Waits for the queued library sends and the writes of `writeInTransaction`. */
  async #settleWrites(): Promise<void> {
    await this.#queue.drain();
    while (this.#writes.size > 0) await Promise.all([...this.#writes]);
  }

  /** The current transaction ended (committed, aborted or dropped): the next one starts with no partitions. */
  #ended(): void {
    this.#txn = undefined;
    this.#dirty = false;
    this.#commitSent = false;
    this.#added.clear();
  }

  /** A part of the transaction failed: it can no longer be committed, only aborted. */
  #partFailed(step: string, e: unknown, groupId?: string): KafkaSubstrateError {
    const failure = e instanceof KafkaSubstrateError ? e : this.#failure(step, e, groupId);
    if (this.#fenced === undefined) this.#sendFailure ??= failure;
    return failure;
  }

  async sendOffsets(offsets: readonly PartitionOffset[], group: GroupMetadata, metadata?: string): Promise<void> {
    if (offsets.length === 0) return;
    const step = `committing offsets of group '${group.groupId}' in the transaction`;
    await this.#queue.drain();
    try {
      const txn = await this.#current(step);
      this.#dirty = true;
      // AddOffsetsToTxn (to the transaction coordinator); the client only reads `groupId`.
      await txn.addConsumer({ groupId: group.groupId } as unknown as Consumer<Buffer, Buffer, Buffer, Buffer>);
      // One TxnOffsetCommit for every partition (to the group coordinator), with the generation.
      await this.#wire.call(
        kafkaClientLibrary().txnOffsetCommitV4.api,
        { coordinator: CoordinatorType.GROUP, key: group.groupId },
        { minVersion: 3 },
        this.#transactionalId,
        group.groupId,
        this.#producer.producerId!,
        this.#producer.producerEpoch!,
        group.generationId,
        group.memberId,
        group.groupInstanceId,
        offsetsByTopic(offsets, metadata),
      );
    } catch (e) {
      throw this.#partFailed(step, e, group.groupId);
    }
  }

  commit(): Promise<void> {
    return this.#ending(() => this.#commit());
  }

  abort(): Promise<void> {
    this.#aborts++;
    return this.#ending(() => this.#abort());
  }

  get abortedTransactions(): number {
    return this.#aborts;
  }

  /** Runs an EndTxn step; `writeInTransaction` calls wait until it is over (they belong to the next transaction). */
  async #ending(end: () => Promise<void>): Promise<void> {
    const done = end();
    const settled = done.then(
      () => {},
      () => {},
    );
    this.#end = settled;
    try {
      await done;
    } finally {
      if (this.#end === settled) this.#end = undefined;
    }
  }

  async #commit(): Promise<void> {
    await this.#settleWrites();
    this.#checkNotFenced();
    if (this.#sendFailure !== undefined) {
      const f = this.#sendFailure;
      // A fenced member stays fenced (the runtime must rejoin); anything else: abort and retry.
      if (f instanceof WorkerFencedError) throw f;
      throw new CommitError('committing the transaction', f instanceof CommitError && f.retriable, `a part of this transaction failed (${f.message}); abort it`, f);
    }
    const txn = this.#txn;
    if (txn === undefined || !this.#dirty) return;
    this.#commitSent = true;
    try {
      await txn.commit(); // the client retries retriable failures; a retried EndTxn is idempotent
    } catch (e) {
      throw this.#failure('committing the transaction (EndTxn)', e);
    }
    this.#ended();
  }

  async #abort(): Promise<void> {
    await this.#settleWrites();
    this.#checkNotFenced();
    this.#sendFailure = undefined;
    const txn = this.#txn;
    if (txn === undefined) return;
    if (this.#dirty) {
      try {
        await txn.abort();
      } catch (e) {
        if (!kafkaErrorNames(e).includes('INVALID_TXN_STATE')) throw this.#failure('aborting the transaction (EndTxn)', e);
        await txn.cancel();
        const commitSent = this.#commitSent;
        this.#ended();
        if (commitSent) {
          // The unacknowledged commit may have gone through: neither outcome can be assumed.
          throw new CommitError(
            'aborting after an unacknowledged commit',
            false,
            'Kafka has no open transaction to abort, so the earlier EndTxn(commit) may have succeeded; the checkpoint outcome is unknown — restart the tasks from the last committed checkpoint (changelog and committed offsets)',
            e,
          );
        }
        // Otherwise nothing reached Kafka (the first AddPartitions/AddOffsets failed): nothing to abort.
      }
    } else await txn.cancel();
    this.#ended();
  }

  /** Aborts an open transaction (best effort); the supplier closes the producer. */
  async close(): Promise<void> {
    if (this.#fenced === undefined && this.#dirty) await this.abort().catch(() => {});
  }

  async #current(step: string): Promise<Txn> {
    this.#checkNotFenced();
    if (this.#txn !== undefined) return this.#txn;
    try {
      this.#txn = await this.#producer.beginTransaction();
    } catch (e) {
      throw this.#failure(step, e);
    }
    return this.#txn;
  }

  #checkNotFenced(): void {
    if (this.#fenced !== undefined) throw this.#fenced;
  }

  #failure(step: string, e: unknown, groupId?: string): KafkaSubstrateError {
    const error = commitFailure(step, e, { transactionalId: this.#transactionalId, ...(groupId !== undefined && { groupId }) });
    if (error instanceof ProducerFencedError) {
      this.#fenced = error;
      this.#ended();
    }
    return error;
  }
}
