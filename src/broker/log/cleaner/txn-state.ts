import {
  decodeBatchRecords,
  isControl,
  isTransactional,
  readBatchHeader,
  type BatchHeader,
} from '../../../protocol/records/index.ts';

/** Control record types (key = version int16 | type int16). */
export const ABORT = 0;
export const COMMIT = 1;

/** A transaction that ended with an ABORT marker, found by walking the log. */
export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  /** Offset of the ABORT marker. */
  lastOffset: number;
}

/**
 * What the cleaner must keep for a producer so its idempotence state survives a rebuild from the
 * log: the batch holding its last data offset, or, if its last entry is a marker, that marker.
 */
export interface LastRecord {
  lastDataOffset: number | null;
  producerEpoch: number;
}

/** The marker type of a control batch, or -1 when it holds no record (already cleaned). */
export function controlTypeOf(batch: Buffer): number {
  const records = decodeBatchRecords(batch);
  const key = records[0]?.key;
  return key && key.length >= 4 ? key.readInt16BE(2) : -1;
}

/**
 * Walks a log's batches in offset order and collects what the transaction-aware filter needs:
 * the aborted transactions (like Kafka's transaction index) and each producer's last record.
 */
export class TxnScan {
  readonly aborted: AbortedTxn[] = [];
  readonly lastRecords = new Map<number, LastRecord>();
  readonly #open = new Map<number, number>();

  visit(batch: Buffer): void {
    const h = readBatchHeader(batch);
    const pid = Number(h.producerId);
    if (pid < 0) return;
    const last = this.lastRecords.get(pid);
    if (isControl(h.attributes)) {
      if (h.recordCount === 0) return; // an emptied marker: its transaction is gone
      const type = controlTypeOf(batch);
      const first = this.#open.get(pid);
      this.#open.delete(pid);
      if (type === ABORT && first !== undefined) {
        this.aborted.push({ producerId: pid, firstOffset: first, lastOffset: Number(h.baseOffset) });
      }
      const bumped = !last || h.producerEpoch > last.producerEpoch;
      this.lastRecords.set(pid, { lastDataOffset: bumped ? null : last.lastDataOffset, producerEpoch: h.producerEpoch });
      return;
    }
    if (isTransactional(h.attributes) && !this.#open.has(pid)) this.#open.set(pid, Number(h.baseOffset));
    this.lastRecords.set(pid, { lastDataOffset: Number(h.baseOffset) + h.lastOffsetDelta, producerEpoch: h.producerEpoch });
  }

  /** Aborted transactions ordered by first offset, as the filter consumes them. */
  abortedByFirstOffset(): AbortedTxn[] {
    return [...this.aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  }
}

/**
 * The transaction state carried through one cleaning pass (Kafka's cleaned-transaction metadata):
 * decides which data batches belong to aborted transactions and when a marker may go — an ABORT
 * marker once no batch of its transaction is left, a COMMIT marker once no batch of its
 * transaction was seen in this pass (then only after its delete horizon, see batch-filter.ts).
 */
export class CleanedTxnState {
  readonly #pending: AbortedTxn[];
  #next = 0;
  readonly #ongoingAborted = new Map<number, { txn: AbortedTxn; sawBatch: boolean }>();
  readonly #ongoingCommitted = new Set<number>();
  /** Aborted transactions met at their marker with no batch left: the index forgets them. */
  #emptied: AbortedTxn[] = [];

  constructor(abortedByFirstOffset: AbortedTxn[]) {
    this.#pending = abortedByFirstOffset;
  }

  #consumeUpTo(offset: number): void {
    while (this.#next < this.#pending.length && this.#pending[this.#next]!.firstOffset <= offset) {
      const txn = this.#pending[this.#next++]!;
      if (!this.#ongoingAborted.has(txn.producerId)) this.#ongoingAborted.set(txn.producerId, { txn, sawBatch: false });
    }
  }

  /** A data batch: true when it belongs to an aborted transaction (its records may all go). */
  onDataBatch(h: BatchHeader): boolean {
    const lastOffset = Number(h.baseOffset) + h.lastOffsetDelta;
    this.#consumeUpTo(lastOffset);
    if (!isTransactional(h.attributes)) return false;
    const pid = Number(h.producerId);
    const aborted = this.#ongoingAborted.get(pid);
    if (aborted) {
      aborted.sawBatch = true;
      return true;
    }
    this.#ongoingCommitted.add(pid);
    return false;
  }

  /** The emptied aborted transactions found since the last call. */
  takeEmptied(): AbortedTxn[] {
    const out = this.#emptied;
    this.#emptied = [];
    return out;
  }

  /** A control batch of type `type` (-1 if emptied): true when the marker may be discarded. */
  onControlBatch(h: BatchHeader, type: number): boolean {
    this.#consumeUpTo(Number(h.baseOffset) + h.lastOffsetDelta);
    if (type < 0) return true;
    const pid = Number(h.producerId);
    if (type === ABORT) {
      const aborted = this.#ongoingAborted.get(pid);
      this.#ongoingAborted.delete(pid);
      // No batch of it left (or none found by the walk at all): only its marker remains.
      if (!aborted?.sawBatch) this.#emptied.push({ producerId: pid, firstOffset: aborted?.txn.firstOffset ?? -1, lastOffset: Number(h.baseOffset) });
      return !aborted?.sawBatch;
    }
    if (type === COMMIT) return !this.#ongoingCommitted.delete(pid);
    return false;
  }
}
