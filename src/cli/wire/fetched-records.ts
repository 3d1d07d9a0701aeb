import * as H from '../../protocol/records/batch-header.ts';
import { ABORT_MARKER, AbortedTransactions } from '../../kafka/aborted-transactions.ts';
import { decodeBatchRecords, type KafkaRecord } from '../../protocol/records/record-batch.ts';

/** The records of one fetched partition, and the offset to fetch next. */
export interface FetchedPartition {
  records: KafkaRecord[];
  /** One past the last offset of the last complete batch (or `from` when there was none). */
  next: bigint;
}

/**
 * Reads the record batches of a fetched partition's `records` bytes: complete v2 batches only
 * (a broker may cut the last one short at the size limit), records before `from` dropped (a batch
 * may start earlier), control batches (transaction markers) skipped but counted in `next`.
 * `aborted` (read_committed) lists the aborted transactions the broker reported: their data
 * batches are dropped as Kafka's Java consumer does, each transaction running from its first
 * offset to its producer's next abort marker.
 */
export function readFetchedPartition(bytes: Buffer | null, from: bigint, aborted: ReadonlyArray<{ producerId: bigint; firstOffset: bigint }> | null): FetchedPartition {
  const records: KafkaRecord[] = [];
  let next = from;
  if (bytes === null) return { records, next };
  const abortedTransactions = new AbortedTransactions(aborted);
  for (let pos = 0; pos + H.BATCH_HEADER_SIZE <= bytes.length; ) {
    const size = bytes.readInt32BE(pos + H.BATCH_LENGTH) + H.LOG_OVERHEAD;
    if (size < H.BATCH_HEADER_SIZE || pos + size > bytes.length) break;
    const batch = bytes.subarray(pos, pos + size);
    pos += size;
    if (batch.readInt8(H.MAGIC) !== 2) continue; // message formats v0/v1: not written by any client Sluice supports
    const header = H.readBatchHeader(batch);
    const last = header.baseOffset + BigInt(header.lastOffsetDelta);
    if (last + 1n > next) next = last + 1n;
    const isAbortMarker = (): boolean => {
      const marker = decodeBatchRecords(batch)[0]?.key;
      return marker !== null && marker !== undefined && marker.length >= 4 && marker.readInt16BE(2) === ABORT_MARKER;
    };
    if (abortedTransactions.drops(header.producerId, last, header.attributes, isAbortMarker) || H.isControl(header.attributes)) continue;
    for (const r of decodeBatchRecords(batch)) if (r.offset >= from) records.push(r);
  }
  return { records, next };
}
