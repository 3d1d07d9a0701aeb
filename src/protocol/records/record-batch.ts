import { crc32c } from '@node-rs/crc32';
import * as H from './batch-header.ts';
import { compress, decompress } from './compression.ts';
import { VarintCursor, varintSize, varlongSize, writeVarint, writeVarlong } from './varint.ts';

/** One record header (key/value pair attached to a record). */
export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** A record as producers write it and consumers read it. */
export interface KafkaRecord {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** What a batch is built from. */
export interface BatchInput {
  baseOffset?: bigint;
  /** Defaults to the first record's timestamp. */
  baseTimestamp?: bigint;
  compression?: number;
  transactional?: boolean;
  control?: boolean;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  partitionLeaderEpoch?: number;
  /** LogAppendTime batch (attributes bit 3); `maxTimestamp` then carries the append time. */
  logAppendTime?: boolean;
  /** Overrides the computed max timestamp. */
  maxTimestamp?: bigint;
  /**
   * Sets the delete horizon (attributes bit 6, KIP-534): the base timestamp field then holds the
   * horizon and record timestamp deltas are relative to it, as Kafka's cleaner writes them.
   */
  deleteHorizonMs?: bigint;
  /** Keeps a larger last offset delta than the record count implies (a compacted batch). */
  lastOffsetDelta?: number;
  records: Array<{
    key?: Buffer | null;
    value: Buffer | null;
    timestamp: bigint;
    headers?: RecordHeader[];
    /** Defaults to the record's index in the batch. */
    offsetDelta?: number;
  }>;
}

/** Encodes a RecordBatch v2 (with CRC-32C). */
export function buildBatch(input: BatchInput): Buffer {
  const records = input.records;
  if (records.length === 0) throw new RangeError('a batch holds at least one record');
  const baseTimestamp = input.deleteHorizonMs ?? input.baseTimestamp ?? records[0]!.timestamp;
  let maxTimestamp = input.deleteHorizonMs === undefined ? baseTimestamp : records[0]!.timestamp;
  const parts: Buffer[] = [];
  records.forEach((r, i) => {
    if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
    parts.push(encodeRecord(r.offsetDelta ?? i, r.timestamp - baseTimestamp, r.key ?? null, r.value, r.headers ?? []));
  });
  maxTimestamp = input.maxTimestamp ?? maxTimestamp;
  const lastOffsetDelta = input.lastOffsetDelta ?? records.length - 1;
  const compression = input.compression ?? H.COMPRESSION_NONE;
  const body = compress(compression, Buffer.concat(parts));
  const buf = Buffer.alloc(H.BATCH_HEADER_SIZE + body.length);
  let attributes = compression;
  if (input.transactional) attributes |= H.TRANSACTIONAL_BIT;
  if (input.control) attributes |= H.CONTROL_BIT;
  if (input.logAppendTime) attributes |= H.TIMESTAMP_TYPE_BIT;
  if (input.deleteHorizonMs !== undefined) attributes |= H.DELETE_HORIZON_BIT;
  buf.writeBigInt64BE(input.baseOffset ?? 0n, H.BASE_OFFSET);
  buf.writeInt32BE(buf.length - H.LOG_OVERHEAD, H.BATCH_LENGTH);
  buf.writeInt32BE(input.partitionLeaderEpoch ?? 0, H.PARTITION_LEADER_EPOCH);
  buf.writeInt8(2, H.MAGIC);
  buf.writeInt16BE(attributes, H.ATTRIBUTES);
  buf.writeInt32BE(lastOffsetDelta, H.LAST_OFFSET_DELTA);
  buf.writeBigInt64BE(baseTimestamp, H.BASE_TIMESTAMP);
  buf.writeBigInt64BE(maxTimestamp, H.MAX_TIMESTAMP);
  buf.writeBigInt64BE(input.producerId ?? -1n, H.PRODUCER_ID);
  buf.writeInt16BE(input.producerEpoch ?? -1, H.PRODUCER_EPOCH);
  buf.writeInt32BE(input.baseSequence ?? -1, H.BASE_SEQUENCE);
  buf.writeInt32BE(records.length, H.RECORD_COUNT);
  body.copy(buf, H.BATCH_HEADER_SIZE);
  buf.writeUInt32BE(crc32c(buf.subarray(H.ATTRIBUTES)), H.CRC);
  return buf;
}

function encodeRecord(
  offsetDelta: number,
  timestampDelta: bigint,
  key: Buffer | null,
  value: Buffer | null,
  headers: RecordHeader[],
): Buffer {
  const headerBytes = headers.map((h) => ({ key: Buffer.from(h.key, 'utf8'), value: h.value }));
  let size = 1 + varlongSize(timestampDelta) + varintSize(offsetDelta);
  size += key ? varintSize(key.length) + key.length : 1;
  size += value ? varintSize(value.length) + value.length : 1;
  size += varintSize(headers.length);
  for (const h of headerBytes) {
    size += varintSize(h.key.length) + h.key.length;
    size += h.value ? varintSize(h.value.length) + h.value.length : 1;
  }
  const buf = Buffer.alloc(varintSize(size) + size);
  let pos = writeVarint(buf, 0, size);
  buf[pos++] = 0; // record attributes: unused
  pos = writeVarlong(buf, pos, timestampDelta);
  pos = writeVarint(buf, pos, offsetDelta);
  pos = writeNullableBytes(buf, pos, key);
  pos = writeNullableBytes(buf, pos, value);
  pos = writeVarint(buf, pos, headers.length);
  for (const h of headerBytes) {
    pos = writeNullableBytes(buf, pos, h.key);
    pos = writeNullableBytes(buf, pos, h.value);
  }
  return buf;
}

function writeNullableBytes(buf: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, b.length);
  b.copy(buf, pos);
  return pos + b.length;
}

/** Decodes every record of the batch at the start of `batch`. Throws RangeError on corruption. */
export function decodeBatchRecords(batch: Buffer): KafkaRecord[] {
  const header = H.readBatchHeader(batch, 0);
  const body = decompress(H.compressionOf(header.attributes), batch.subarray(H.BATCH_HEADER_SIZE, header.size));
  const cur = new VarintCursor(body);
  const out: KafkaRecord[] = [];
  for (let i = 0; i < header.recordCount; i++) {
    const length = cur.varint();
    const end = cur.pos + length;
    cur.pos++; // attributes
    const timestampDelta = cur.varlong();
    const offsetDelta = cur.varint();
    const key = readNullableBytes(cur);
    const value = readNullableBytes(cur);
    const headerCount = cur.varint();
    const headers: RecordHeader[] = [];
    for (let h = 0; h < headerCount; h++) {
      const k = readNullableBytes(cur);
      headers.push({ key: k ? k.toString('utf8') : '', value: readNullableBytes(cur) });
    }
    if (cur.pos !== end) throw new RangeError(`record ${i} length ${length} does not match its fields`);
    out.push({
      offset: header.baseOffset + BigInt(offsetDelta),
      timestamp: header.baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    });
  }
  return out;
}

function readNullableBytes(cur: VarintCursor): Buffer | null {
  const len = cur.varint();
  return len < 0 ? null : cur.bytes(len);
}
