import { decodeBatchRecords, type BatchSpan } from '../../../protocol/records/index.ts';

/**
 * Kafka refuses records without a key on compacted topics (the cleaner could never deduplicate
 * them): the produce fails with INVALID_RECORD. Returns why the first such record is refused, or
 * null when every record has a key. Throws RangeError if a batch does not decode.
 */
export function keylessRecordProblem(records: Buffer, spans: readonly BatchSpan[], topicPartition: string): string | null {
  for (const span of spans) {
    const batch = records.subarray(span.pos, span.pos + span.size);
    const index = decodeBatchRecords(batch).findIndex((r) => r.key === null);
    if (index >= 0) {
      return `Compacted topic cannot accept message without key in topic partition ${topicPartition} (record ${index} of a batch).`;
    }
  }
  return null;
}
