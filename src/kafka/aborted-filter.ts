import type { Consumer } from '@platformatic/kafka';

type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;

/** Record batch attribute bits. */
const TRANSACTIONAL = 1 << 4;
const CONTROL = 1 << 5;
/** Control record type (in the key, after the version) of an abort marker. */
const ABORT_MARKER = 0;

/**
 * Removes the data batches of aborted transactions from a read_committed Fetch response, as
 * Kafka's Java consumer does: an aborted transaction listed by the broker starts at its first
 * offset and ends at its producer's next abort marker. Control batches are kept (they advance
 * the fetch position; nothing prints them).
 *
 * @platformatic/kafka 2.12 filters too, but keeps one range per producer, so with several aborted
 * transactions of one producer in a response it delivers the records of all but the last.
 */
export function dropAbortedBatches(response: FetchResponse): void {
  for (const topic of response.responses) {
    for (const partition of topic.partitions) {
      if (!partition.records || !partition.abortedTransactions?.length) continue;
      const pending = [...partition.abortedTransactions].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
      const aborting = new Set<bigint>();
      let next = 0;
      partition.records = partition.records.filter((batch) => {
        const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
        while (next < pending.length && pending[next]!.firstOffset <= last) aborting.add(pending[next++]!.producerId);
        if (batch.attributes & CONTROL) {
          if (batch.records[0]?.key?.readInt16BE(2) === ABORT_MARKER) aborting.delete(batch.producerId);
          return true;
        }
        return !(batch.attributes & TRANSACTIONAL && aborting.has(batch.producerId));
      });
    }
  }
}
