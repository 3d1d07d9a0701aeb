/** Record batch attribute bits (Kafka's record batch v2 format). */
const TRANSACTIONAL = 1 << 4;
const CONTROL = 1 << 5;

/** Control record type (in the key, after the int16 version) of an abort marker. */
export const ABORT_MARKER = 0;

/** An aborted transaction as a read_committed Fetch response lists it. */
export interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
}

/**
 * Kafka's Java-consumer rule for read_committed reads of one fetched partition: an aborted
 * transaction the broker listed starts at its first offset and ends at its producer's next abort
 * marker. Shown every batch of the partition in offset order (control batches included), it says
 * which data batches belong to an aborted transaction. One rule for every reader Sluice has (the
 * workers' consumers through @platformatic/kafka, the CLI's own wire client).
 */
export class AbortedTransactions {
  readonly #pending: AbortedTransaction[];
  readonly #aborting = new Set<bigint>();
  #next = 0;

  constructor(aborted: readonly AbortedTransaction[] | null | undefined) {
    this.#pending = aborted == null ? [] : [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  }

  /**
   * Whether the batch (the next in offset order) holds data of an aborted transaction.
   * `isAbortMarker` is asked only for control batches.
   */
  drops(producerId: bigint, lastOffset: bigint, attributes: number, isAbortMarker: () => boolean): boolean {
    while (this.#next < this.#pending.length && this.#pending[this.#next]!.firstOffset <= lastOffset) this.#aborting.add(this.#pending[this.#next++]!.producerId);
    if ((attributes & CONTROL) !== 0) {
      if (isAbortMarker()) this.#aborting.delete(producerId);
      return false;
    }
    return (attributes & TRANSACTIONAL) !== 0 && this.#aborting.has(producerId);
  }
}
