import { ErrorCode } from '../../protocol/error-codes.ts';
import type { LogManager } from '../log/log-manager.ts';
import type { PartitionLog } from '../log/partition-log.ts';
import type { Clock } from '../../util/clock.ts';
import type { Logger } from '../../util/logger.ts';
import { MAX_EPOCH, partitionKey, splitPartitionKey, type TxnMetadata } from './txn-metadata.ts';
import type { TxnState, TxnStateStore } from './txn-state-store.ts';

/** What the coordinator needs from the group coordinator: make transactional offsets final. */
export interface TxnOffsetSink {
  complete(producerId: bigint, committed: boolean): boolean;
}

export interface TransactionCoordinatorOptions {
  clock: Clock;
  store: TxnStateStore;
  logs: LogManager;
  offsets: TxnOffsetSink;
  log: Logger;
  /** Kafka's transaction.max.timeout.ms (default 15 minutes). */
  maxTimeoutMs?: number;
}

/** Outcome of validating a producer against its transactional id. */
type Validation = { ok: true; txn: TxnMetadata } | { ok: false; errorCode: number };

/**
 * The transaction coordinator (KIP-98): producer ids and epochs, the partitions and groups of
 * each open transaction, and the two-phase end: Prepare{Commit,Abort} is made durable, markers
 * are written to every partition and the group offsets are completed, then Complete*. A
 * transaction open longer than its timeout is aborted with a bumped epoch, fencing its producer.
 */
export class TransactionCoordinator {
  readonly #opts: TransactionCoordinatorOptions;
  readonly #maxTimeoutMs: number;
  #state: TxnState;
  readonly #txns = new Map<string, TxnMetadata>();

  constructor(opts: TransactionCoordinatorOptions) {
    this.#opts = opts;
    this.#maxTimeoutMs = opts.maxTimeoutMs ?? 900_000;
    this.#state = opts.store.load();
    for (const t of this.#state.transactions) this.#txns.set(t.transactionalId, t);
    // A crash between Prepare* and Complete*: the decision is durable, so finish it.
    for (const t of this.#txns.values()) {
      if (t.status === 'PrepareCommit' || t.status === 'PrepareAbort') this.#complete(t, t.status === 'PrepareCommit');
    }
  }

  #persist(): void {
    this.#state = { nextProducerId: this.#state.nextProducerId, transactions: [...this.#txns.values()] };
    this.#opts.store.save(this.#state);
  }

  #allocateProducerId(): number {
    const id = this.#state.nextProducerId++;
    return id;
  }

  /** InitProducerId: a new id for idempotent producers; for transactional ids, a bumped epoch. */
  initProducerId(transactionalId: string | null, timeoutMs: number, expectedId: bigint, expectedEpoch: number, fencedCode: number) {
    if (transactionalId === null || transactionalId === '') {
      const producerId = this.#allocateProducerId();
      this.#persist();
      return { errorCode: ErrorCode.NONE, producerId: BigInt(producerId), producerEpoch: 0 };
    }
    if (timeoutMs <= 0 || timeoutMs > this.#maxTimeoutMs) {
      return { errorCode: ErrorCode.INVALID_TRANSACTION_TIMEOUT, producerId: -1n, producerEpoch: -1 };
    }
    let txn = this.#txns.get(transactionalId);
    if (!txn) {
      txn = {
        transactionalId,
        producerId: this.#allocateProducerId(),
        producerEpoch: -1,
        lastProducerId: -1,
        lastProducerEpoch: -1,
        timeoutMs,
        status: 'Empty',
        partitions: [],
        groups: [],
        startedAt: 0,
      };
      this.#txns.set(transactionalId, txn);
    }
    // KIP-360: a producer that names its current id/epoch may bump it; any other is a zombie.
    if (expectedId >= 0n && txn.producerEpoch >= 0) {
      const current = Number(expectedId) === txn.producerId && expectedEpoch === txn.producerEpoch;
      const retried = Number(expectedId) === txn.lastProducerId && expectedEpoch === txn.lastProducerEpoch;
      if (retried) return { errorCode: ErrorCode.NONE, producerId: BigInt(txn.producerId), producerEpoch: txn.producerEpoch };
      if (!current) return { errorCode: fencedCode, producerId: -1n, producerEpoch: -1 };
    }
    this.#bumpEpoch(txn);
    if (expectedId < 0n) {
      // A new producer instance: the previous one must not be able to resume as a "retry".
      txn.lastProducerId = -1;
      txn.lastProducerEpoch = -1;
    }
    if (txn.status === 'Ongoing') this.#complete(txn, false); // fence and abort the old producer's work
    txn.status = 'Empty';
    txn.timeoutMs = timeoutMs;
    txn.partitions = [];
    txn.groups = [];
    txn.startedAt = 0;
    this.#persist();
    this.#opts.log.debug({ transactionalId, producerId: txn.producerId, epoch: txn.producerEpoch }, 'init producer id');
    return { errorCode: ErrorCode.NONE, producerId: BigInt(txn.producerId), producerEpoch: txn.producerEpoch };
  }

  #bumpEpoch(txn: TxnMetadata): void {
    txn.lastProducerId = txn.producerId;
    txn.lastProducerEpoch = txn.producerEpoch;
    if (txn.producerEpoch >= MAX_EPOCH - 1) {
      txn.producerId = this.#allocateProducerId();
      txn.producerEpoch = 0;
    } else txn.producerEpoch++;
  }

  /** Checks that (id, epoch) is the current producer of `transactionalId`. */
  validate(transactionalId: string, producerId: bigint, producerEpoch: number, fencedCode: number): Validation {
    const txn = this.#txns.get(transactionalId);
    if (!txn || txn.producerId !== Number(producerId)) return { ok: false, errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING };
    if (producerEpoch < txn.producerEpoch) return { ok: false, errorCode: fencedCode };
    if (producerEpoch > txn.producerEpoch) return { ok: false, errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    if (txn.status === 'PrepareCommit' || txn.status === 'PrepareAbort') return { ok: false, errorCode: ErrorCode.CONCURRENT_TRANSACTIONS };
    return { ok: true, txn };
  }

  #begin(txn: TxnMetadata): void {
    if (txn.status !== 'Ongoing') {
      txn.status = 'Ongoing';
      txn.startedAt = this.#opts.clock.now();
    }
  }

  /** AddPartitionsToTxn for one transaction: per-partition error codes. */
  addPartitions(transactionalId: string, producerId: bigint, producerEpoch: number, topics: Array<{ name: string; partitions: number[] }>, fencedCode: number) {
    const v = this.validate(transactionalId, producerId, producerEpoch, fencedCode);
    const unknown = topics.some((t) => t.partitions.some((p) => !this.#opts.logs.partition(t.name, p)));
    const results = topics.map((t) => ({
      name: t.name,
      resultsByPartition: t.partitions.map((partitionIndex) => {
        let partitionErrorCode: number;
        if (!v.ok) partitionErrorCode = v.errorCode;
        else if (!this.#opts.logs.partition(t.name, partitionIndex)) partitionErrorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else partitionErrorCode = unknown ? ErrorCode.OPERATION_NOT_ATTEMPTED : ErrorCode.NONE;
        return { partitionIndex, partitionErrorCode };
      }),
    }));
    if (v.ok && !unknown) {
      const set = new Set(v.txn.partitions);
      for (const t of topics) for (const p of t.partitions) set.add(partitionKey(t.name, p));
      v.txn.partitions = [...set];
      this.#begin(v.txn);
      this.#persist();
    }
    return results;
  }

  /** AddOffsetsToTxn: the group's offsets become part of the transaction. */
  addOffsets(transactionalId: string, producerId: bigint, producerEpoch: number, groupId: string, fencedCode: number): number {
    const v = this.validate(transactionalId, producerId, producerEpoch, fencedCode);
    if (!v.ok) return v.errorCode;
    if (!v.txn.groups.includes(groupId)) v.txn.groups.push(groupId);
    this.#begin(v.txn);
    this.#persist();
    return ErrorCode.NONE;
  }

  /** EndTxn: commit or abort. Returns the error code and the partitions given markers. */
  endTxn(transactionalId: string, producerId: bigint, producerEpoch: number, commit: boolean, fencedCode: number): { errorCode: number; written: PartitionLog[] } {
    const txn = this.#txns.get(transactionalId);
    // A retry of an end that already completed is answered as success.
    if (txn && txn.producerId === Number(producerId) && txn.producerEpoch === producerEpoch) {
      if ((txn.status === 'CompleteCommit' && commit) || (txn.status === 'CompleteAbort' && !commit)) return { errorCode: ErrorCode.NONE, written: [] };
    }
    const v = this.validate(transactionalId, producerId, producerEpoch, fencedCode);
    if (!v.ok) return { errorCode: v.errorCode, written: [] };
    if (v.txn.status !== 'Ongoing') return { errorCode: ErrorCode.INVALID_TXN_STATE, written: [] };
    return { errorCode: ErrorCode.NONE, written: this.#complete(v.txn, commit) };
  }

  /**
   * The second phase: durable Prepare*, markers on every partition, group offsets completed,
   * then Complete*. Every step is idempotent, so a restart in the middle simply repeats it.
   */
  #complete(txn: TxnMetadata, commit: boolean): PartitionLog[] {
    txn.status = commit ? 'PrepareCommit' : 'PrepareAbort';
    this.#persist();
    const written: PartitionLog[] = [];
    for (const key of txn.partitions) {
      const [topic, partition] = splitPartitionKey(key);
      const log = this.#opts.logs.partition(topic, partition);
      if (!log) continue; // deleted meanwhile: nothing left to mark
      log.appendMarker(BigInt(txn.producerId), txn.producerEpoch, commit);
      written.push(log);
    }
    if (txn.groups.length > 0) this.#opts.offsets.complete(BigInt(txn.producerId), commit);
    txn.status = commit ? 'CompleteCommit' : 'CompleteAbort';
    txn.partitions = [];
    txn.groups = [];
    txn.startedAt = 0;
    this.#persist();
    this.#opts.log.debug({ transactionalId: txn.transactionalId, commit, partitions: written.length }, 'transaction completed');
    return written;
  }

  /** Aborts transactions open longer than their timeout, bumping the epoch to fence the producer. */
  tick(): PartitionLog[] {
    const now = this.#opts.clock.now();
    const written: PartitionLog[] = [];
    for (const txn of this.#txns.values()) {
      if (txn.status !== 'Ongoing' || now - txn.startedAt <= txn.timeoutMs) continue;
      this.#opts.log.info({ transactionalId: txn.transactionalId, timeoutMs: txn.timeoutMs }, 'aborting a timed-out transaction');
      this.#bumpEpoch(txn);
      written.push(...this.#complete(txn, false));
    }
    return written;
  }

  /** Transactional ids with their state, for tools and tests. */
  describe(transactionalId: string): Readonly<TxnMetadata> | undefined {
    return this.#txns.get(transactionalId);
  }

  /** Every transactional id's state (ListTransactions). */
  all(): Iterable<Readonly<TxnMetadata>> {
    return this.#txns.values();
  }
}
