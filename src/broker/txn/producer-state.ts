import { ErrorCode } from '../../protocol/error-codes.ts';

/** Sequence metadata of one appended batch, kept for duplicate detection. */
interface BatchMeta {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
}

interface ProducerEntry {
  epoch: number;
  /** The last five batches, oldest first (Kafka's max.in.flight for idempotence). */
  batches: BatchMeta[];
}

/** A transaction that ended with an ABORT marker: read_committed readers skip its records. */
export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  /** Offset of the ABORT marker. */
  lastOffset: number;
}

/** What an idempotent or transactional batch looks like to the producer-state check. */
export interface ProducerBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  transactional: boolean;
}

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; firstOffset: number; lastOffset: number }
  | { kind: 'reject'; errorCode: number; message: string };

const CACHED_BATCHES = 5;
const INT32_MAX = 0x7fffffff;

/** Next sequence after `seq`, wrapping at INT32_MAX as Kafka does. */
function nextSeq(seq: number): number {
  return seq === INT32_MAX ? 0 : seq + 1;
}

/**
 * Per-partition producer state (KIP-98): the epoch and last batches of every idempotent
 * producer, the open transactions (which bound the last stable offset), and the index of
 * aborted transactions served to read_committed fetches. Rebuilt from the log after a crash.
 */
export class ProducerStateTable {
  readonly #producers = new Map<number, ProducerEntry>();
  /** producerId -> first offset of its open transaction in this partition. */
  readonly #ongoing = new Map<number, number>();
  /** Sorted by lastOffset (markers are appended in offset order). */
  #aborted: AbortedTxn[] = [];

  /** Checks a batch before it is appended. */
  check(b: ProducerBatch): SequenceCheck {
    if (b.producerId < 0) return { kind: 'append' };
    const entry = this.#producers.get(b.producerId);
    const lastSeqOfBatch = (b.baseSequence + b.recordCount - 1) % (INT32_MAX + 1);
    if (!entry) {
      if (b.baseSequence !== 0) {
        return { kind: 'reject', errorCode: ErrorCode.UNKNOWN_PRODUCER_ID, message: `producer ${b.producerId} has no state here and sent sequence ${b.baseSequence} (expected 0)` };
      }
      return { kind: 'append' };
    }
    if (b.producerEpoch < entry.epoch) {
      return { kind: 'reject', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, message: `producer ${b.producerId} epoch ${b.producerEpoch} is older than ${entry.epoch}` };
    }
    if (b.producerEpoch > entry.epoch) {
      if (b.baseSequence !== 0) {
        return { kind: 'reject', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, message: `new epoch ${b.producerEpoch} must start at sequence 0, got ${b.baseSequence}` };
      }
      return { kind: 'append' };
    }
    for (const cached of entry.batches) {
      if (cached.firstSeq === b.baseSequence && cached.lastSeq === lastSeqOfBatch) {
        return { kind: 'duplicate', firstOffset: cached.firstOffset, lastOffset: cached.lastOffset };
      }
    }
    const last = entry.batches[entry.batches.length - 1];
    const expected = last ? nextSeq(last.lastSeq) : 0;
    if (b.baseSequence !== expected) {
      return { kind: 'reject', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, message: `producer ${b.producerId} sent sequence ${b.baseSequence}, expected ${expected}` };
    }
    return { kind: 'append' };
  }

  /** Records an appended data batch. */
  onAppend(b: ProducerBatch, firstOffset: number, lastOffset: number): void {
    if (b.producerId < 0) return;
    let entry = this.#producers.get(b.producerId);
    if (!entry || b.producerEpoch > entry.epoch) {
      entry = { epoch: b.producerEpoch, batches: [] };
      this.#producers.set(b.producerId, entry);
    }
    if (b.baseSequence >= 0) {
      entry.batches.push({ firstSeq: b.baseSequence, lastSeq: (b.baseSequence + b.recordCount - 1) % (INT32_MAX + 1), firstOffset, lastOffset });
      if (entry.batches.length > CACHED_BATCHES) entry.batches.shift();
    }
    if (b.transactional && !this.#ongoing.has(b.producerId)) this.#ongoing.set(b.producerId, firstOffset);
  }

  /** Records a transaction marker at `offset`; an ABORT enters the aborted index. */
  onMarker(producerId: number, producerEpoch: number, commit: boolean, offset: number): void {
    const entry = this.#producers.get(producerId);
    if (!entry) this.#producers.set(producerId, { epoch: producerEpoch, batches: [] });
    else if (producerEpoch > entry.epoch) {
      entry.epoch = producerEpoch;
      entry.batches = [];
    }
    const firstOffset = this.#ongoing.get(producerId);
    this.#ongoing.delete(producerId);
    if (!commit && firstOffset !== undefined) this.#aborted.push({ producerId, firstOffset, lastOffset: offset });
  }

  /** Current epoch of a producer in this partition, or undefined. */
  epochOf(producerId: number): number | undefined {
    return this.#producers.get(producerId)?.epoch;
  }

  /** The first offset not yet decided (the LSO): the start of the oldest open transaction. */
  lastStableOffset(logEndOffset: number): number {
    let lso = logEndOffset;
    for (const first of this.#ongoing.values()) if (first < lso) lso = first;
    return lso;
  }

  /**
   * Aborted transactions overlapping [from, to): what a read_committed fetch must skip. Sorted by
   * first offset: the protocol leaves the order open and the Java client and librdkafka sort it
   * themselves, but kafkajs walks the list in order, so transactions that interleave and end in
   * another order (e.g. aborted by timeout) would leak their records to it otherwise.
   */
  abortedBetween(from: number, to: number): AbortedTxn[] {
    const out: AbortedTxn[] = [];
    for (const a of this.#aborted) if (a.lastOffset >= from && a.firstOffset < to) out.push(a);
    return out.sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /**
   * Forgets aborted transactions whose records the log cleaner removed (Kafka's cleaner leaves
   * them out of the cleaned transaction index). Listed without records, a transaction would make
   * a reader skip its producer's later committed records up to the next abort marker, which may
   * be gone too.
   */
  forgetAborted(txns: readonly AbortedTxn[]): void {
    if (txns.length === 0) return;
    const gone = new Set(txns.map((t) => `${t.producerId}:${t.lastOffset}`));
    this.#aborted = this.#aborted.filter((a) => !gone.has(`${a.producerId}:${a.lastOffset}`));
  }

  /** Forgets aborted transactions wholly before `offset` (log start moved past them). */
  dropAbortedBefore(offset: number): void {
    this.#aborted = this.#aborted.filter((a) => a.lastOffset >= offset);
  }

  toJSON(): object {
    return {
      producers: [...this.#producers].map(([id, e]) => [id, e]),
      ongoing: [...this.#ongoing],
      aborted: this.#aborted,
    };
  }

  static fromJSON(json: any): ProducerStateTable {
    const t = new ProducerStateTable();
    for (const [id, e] of json.producers as Array<[number, ProducerEntry]>) t.#producers.set(id, e);
    for (const [id, first] of json.ongoing as Array<[number, number]>) t.#ongoing.set(id, first);
    t.#aborted = json.aborted as AbortedTxn[];
    return t;
  }
}
