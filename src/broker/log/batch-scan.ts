import { readSync } from 'node:fs';
import { crc32c } from '@node-rs/crc32';
import {
  ATTRIBUTES,
  BASE_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH,
  CRC,
  LAST_OFFSET_DELTA,
  LOG_OVERHEAD,
  MAGIC,
  MAX_TIMESTAMP,
  PRODUCER_ID,
  PRODUCER_EPOCH,
  BASE_SEQUENCE,
  RECORD_COUNT,
} from '../../protocol/records/index.ts';

/** What storage needs to know of one stored batch. */
export interface StoredBatch {
  pos: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  attributes: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** Reads the storage-relevant header fields of the batch at `pos` of `buf`. */
export function storedBatchAt(buf: Buffer, pos: number, filePos: number): StoredBatch {
  const baseOffset = Number(buf.readBigInt64BE(pos + BASE_OFFSET));
  return {
    pos: filePos,
    size: buf.readInt32BE(pos + BATCH_LENGTH) + LOG_OVERHEAD,
    baseOffset,
    lastOffset: baseOffset + buf.readInt32BE(pos + LAST_OFFSET_DELTA),
    maxTimestamp: Number(buf.readBigInt64BE(pos + MAX_TIMESTAMP)),
    attributes: buf.readInt16BE(pos + ATTRIBUTES),
    producerId: Number(buf.readBigInt64BE(pos + PRODUCER_ID)),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE),
    recordCount: buf.readInt32BE(pos + RECORD_COUNT),
  };
}

const CHUNK = 8 * 1024 * 1024;

/**
 * Walks the batches of a segment file from `start`, calling `visit` for each valid one. With
 * `validate`, every batch's magic, CRC-32C and offset order are checked, which is how recovery
 * finds a torn or corrupt tail. Returns the file position just after the last good batch.
 */
export function scanSegment(
  fd: number,
  start: number,
  fileSize: number,
  validate: boolean,
  minBaseOffset: number,
  visit: (batch: StoredBatch) => void,
): number {
  // Sized to what is left to scan: recovery opens thousands of small segments.
  let chunk = Buffer.allocUnsafe(Math.max(BATCH_HEADER_SIZE, Math.min(CHUNK, fileSize - start)));
  let chunkPos = -1;
  let chunkLen = 0;
  let pos = start;
  let expectedOffset = minBaseOffset;
  const load = (at: number, need: number) => {
    if (chunk.length < need) chunk = Buffer.allocUnsafe(need);
    chunkLen = readSync(fd, chunk, 0, Math.min(chunk.length, fileSize - at), at);
    chunkPos = at;
  };
  while (fileSize - pos >= BATCH_HEADER_SIZE) {
    if (chunkPos < 0 || pos + BATCH_HEADER_SIZE > chunkPos + chunkLen) load(pos, BATCH_HEADER_SIZE);
    let off = pos - chunkPos;
    const size = chunk.readInt32BE(off + BATCH_LENGTH) + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE || pos + size > fileSize || chunk.readInt8(off + MAGIC) !== 2) break;
    if (validate) {
      if (pos + size > chunkPos + chunkLen) {
        load(pos, size);
        off = 0;
      }
      const crc = crc32c(chunk.subarray(off + ATTRIBUTES, off + size));
      if (crc !== chunk.readUInt32BE(off + CRC)) break;
    }
    const batch = storedBatchAt(chunk, off, pos);
    if (validate && (batch.baseOffset < expectedOffset || batch.lastOffset < batch.baseOffset)) break;
    expectedOffset = batch.lastOffset + 1;
    visit(batch);
    pos += size;
  }
  return pos;
}
