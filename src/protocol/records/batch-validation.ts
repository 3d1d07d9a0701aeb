import { crc32c } from '@node-rs/crc32';
import {
  ATTRIBUTES,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH,
  COMPRESSION_MASK,
  CRC,
  LAST_OFFSET_DELTA,
  LOG_OVERHEAD,
  MAGIC,
  RECORD_COUNT,
} from './batch-header.ts';

/** Why a records blob was rejected; maps onto a Kafka error code at the broker edge. */
export type BatchProblem =
  | { kind: 'corrupt'; reason: string } // CORRUPT_MESSAGE
  | { kind: 'unsupported-magic'; magic: number } // UNSUPPORTED_FOR_MESSAGE_FORMAT
  | { kind: 'invalid-record'; reason: string }; // INVALID_RECORD

/** Position and size of one batch inside a records blob. */
export interface BatchSpan {
  pos: number;
  size: number;
  recordCount: number;
  lastOffsetDelta: number;
}

/**
 * Splits a Produce `records` blob into RecordBatch v2 spans, checking every batch's framing, magic,
 * CRC-32C and header sanity. Returns the spans, or the first problem found: a produce request is
 * accepted or rejected whole per partition, as Kafka does.
 */
export function validateBatches(records: Buffer): BatchSpan[] | BatchProblem {
  const spans: BatchSpan[] = [];
  let pos = 0;
  if (records.length === 0) return { kind: 'corrupt', reason: 'empty record set' };
  while (pos < records.length) {
    if (records.length - pos < LOG_OVERHEAD + 5) {
      return { kind: 'corrupt', reason: `truncated batch header at byte ${pos}` };
    }
    const magic = records.readInt8(pos + MAGIC);
    if (magic !== 2) return { kind: 'unsupported-magic', magic };
    if (records.length - pos < BATCH_HEADER_SIZE) {
      return { kind: 'corrupt', reason: `truncated batch header at byte ${pos}` };
    }
    const size = records.readInt32BE(pos + BATCH_LENGTH) + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE || pos + size > records.length) {
      return { kind: 'corrupt', reason: `batch length ${size} does not fit the ${records.length - pos} bytes left` };
    }
    const expected = records.readUInt32BE(pos + CRC);
    const actual = crc32c(records.subarray(pos + ATTRIBUTES, pos + size));
    if (expected !== actual) return { kind: 'corrupt', reason: `CRC-32C mismatch at byte ${pos}` };
    const recordCount = records.readInt32BE(pos + RECORD_COUNT);
    const lastOffsetDelta = records.readInt32BE(pos + LAST_OFFSET_DELTA);
    const compression = records.readInt16BE(pos + ATTRIBUTES) & COMPRESSION_MASK;
    if (compression > 4) return { kind: 'corrupt', reason: `unknown compression codec ${compression}` };
    if (recordCount <= 0 || lastOffsetDelta !== recordCount - 1) {
      return {
        kind: 'invalid-record',
        reason: `record count ${recordCount} does not match last offset delta ${lastOffsetDelta}`,
      };
    }
    spans.push({ pos, size, recordCount, lastOffsetDelta });
    pos += size;
  }
  return spans;
}

/**
 * Walks stored batches (already validated) in `buf`, calling `visit` with each complete one.
 * Stops at the first incomplete batch and returns the number of bytes covered by whole batches.
 */
export function forEachStoredBatch(
  buf: Buffer,
  visit: (pos: number, size: number) => boolean | void,
): number {
  let pos = 0;
  while (buf.length - pos >= LOG_OVERHEAD) {
    const size = buf.readInt32BE(pos + BATCH_LENGTH) + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE || pos + size > buf.length) break;
    if (visit(pos, size) === false) return pos + size;
    pos += size;
  }
  return pos;
}
