import { crc32c } from '@node-rs/crc32';
import { ATTRIBUTES, BASE_SEQUENCE, CRC, decodeBatchRecords, isTransactional, MAX_TIMESTAMP, PRODUCER_EPOCH, PRODUCER_ID, RECORD_COUNT, TIMESTAMP_TYPE_BIT, type BatchSpan } from '../../protocol/records/index.ts';
import type { ProducerBatch } from '../txn/producer-state.ts';

/** Offset/timestamp pair answered by time lookups. */
export interface OffsetAndTimestamp {
  offset: number;
  timestamp: number;
}

/** Sets LogAppendTime on a batch (attributes bit 3 and max timestamp) and recomputes its CRC. */
export function stampLogAppendTime(records: Buffer, span: BatchSpan, now: number): void {
  records.writeInt16BE(records.readInt16BE(span.pos + ATTRIBUTES) | TIMESTAMP_TYPE_BIT, span.pos + ATTRIBUTES);
  records.writeBigInt64BE(BigInt(now), span.pos + MAX_TIMESTAMP);
  records.writeUInt32BE(crc32c(records.subarray(span.pos + ATTRIBUTES, span.pos + span.size)), span.pos + CRC);
}

/** Record-level answer inside one batch; falls back to the batch base offset if undecodable. */
export function firstRecordAtOrAfter(batch: Buffer, timestamp: number, baseOffset: number, minOffset: number): OffsetAndTimestamp | null {
  try {
    const logAppend = (batch.readInt16BE(ATTRIBUTES) & TIMESTAMP_TYPE_BIT) !== 0;
    for (const r of decodeBatchRecords(batch)) {
      const ts = logAppend ? Number(batch.readBigInt64BE(MAX_TIMESTAMP)) : Number(r.timestamp);
      if (ts >= timestamp && Number(r.offset) >= minOffset) return { offset: Number(r.offset), timestamp: ts };
    }
    return null;
  } catch {
    return { offset: Math.max(baseOffset, minOffset), timestamp: Number(batch.readBigInt64BE(MAX_TIMESTAMP)) };
  }
}

/** The producer fields of the batch at `pos`, for the idempotence checks. */
export function producerBatchAt(records: Buffer, pos: number): ProducerBatch {
  return {
    producerId: Number(records.readBigInt64BE(pos + PRODUCER_ID)),
    producerEpoch: records.readInt16BE(pos + PRODUCER_EPOCH),
    baseSequence: records.readInt32BE(pos + BASE_SEQUENCE),
    recordCount: records.readInt32BE(pos + RECORD_COUNT),
    transactional: isTransactional(records.readInt16BE(pos + ATTRIBUTES)),
  };
}
