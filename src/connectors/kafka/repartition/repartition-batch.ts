import { crc32c } from '@node-rs/crc32';
import * as H from '../../../protocol/records/batch-header.ts';
import { varintSize, writeVarint } from '../../../protocol/records/varint.ts';
import { HEADER_MARKER, HEADER_TIMESTAMP, HEADER_WRITER } from './exchange-records.ts';

/** Bytes of the `sluice.t` header: key length, key, value length, 8-byte float64. */
const TIME_HEADER_SIZE = 1 + HEADER_TIMESTAMP.length + 1 + 8;
/** Deltas beyond ±2^30 ms (12 days) do not fit the 32-bit varint writer: such a record starts a new batch. */
const MAX_TIMESTAMP_DELTA = 2 ** 30;

/**
 * One RecordBatch v2 of a repartition partition, written record by record straight into one
 * growing buffer (no per-record objects, no BigInt): data records with their `sluice.t` header,
 * markers with `sluice.m`, `sluice.w` and `sluice.t` (see exchange-records.ts). `seal` fills the
 * header (producer id, epoch, base sequence, transactional bit) and the CRC-32C. No compression,
 * as the exchange's writes always had.
 */
export class RepartitionBatch {
  #buf: Buffer;
  #pos = H.BATCH_HEADER_SIZE;
  #count = 0;
  #baseTimestamp = 0;
  #maxTimestamp = 0;

  constructor(initialBytes = 16 * 1024) {
    this.#buf = Buffer.allocUnsafe(Math.max(initialBytes, H.BATCH_HEADER_SIZE + 64));
  }

  get recordCount(): number {
    return this.#count;
  }

  /** Bytes of the batch so far (header included). */
  get byteLength(): number {
    return this.#pos;
  }

  /** Whether a record with processing time `timestamp` can join (its delta fits). */
  accepts(timestamp: number): boolean {
    return this.#count === 0 || Math.abs(timestamp - this.#baseTimestamp) < MAX_TIMESTAMP_DELTA;
  }

  /**
   * A data record: `key` (keyBy: its bytes, or its text written as UTF-8 without an intermediate
   * buffer) or none, the serialized value, its event time in `sluice.t`.
   */
  addData(timestamp: number, key: Buffer | string | undefined, value: Uint8Array, eventTime: number): void {
    const keyLength = key === undefined ? -1 : typeof key === 'string' ? Buffer.byteLength(key, 'utf8') : key.length;
    const keySize = keyLength < 0 ? 1 : varintSize(keyLength) + keyLength;
    const headersSize = 1 + TIME_HEADER_SIZE;
    let pos = this.#recordStart(timestamp, keySize + varintSize(value.length) + value.length + headersSize);
    const buf = this.#buf;
    if (key === undefined) buf[pos++] = 1; // varint -1: null key
    else {
      pos = writeVarint(buf, pos, keyLength);
      pos += typeof key === 'string' ? buf.write(key, pos, keyLength, 'utf8') : key.copy(buf, pos);
    }
    pos = writeVarint(buf, pos, value.length);
    buf.set(value, pos);
    pos += value.length;
    buf[pos++] = 2; // varint 1: one header
    pos = writeTimeHeader(buf, pos, eventTime);
    this.#pos = pos;
  }

  /** A marker: no key, no value; headers `sluice.m` (its kind), `sluice.w` (the writer) and `sluice.t`. */
  addMarker(timestamp: number, kind: Buffer, writer: Buffer, time: number): void {
    const headersSize = 1 + headerSize(HEADER_MARKER, kind) + headerSize(HEADER_WRITER, writer) + TIME_HEADER_SIZE;
    let pos = this.#recordStart(timestamp, 1 + 1 + headersSize);
    const buf = this.#buf;
    buf[pos++] = 1; // null key
    buf[pos++] = 1; // null value
    buf[pos++] = 6; // varint 3: three headers
    pos = writeHeader(buf, pos, HEADER_MARKER, kind);
    pos = writeHeader(buf, pos, HEADER_WRITER, writer);
    pos = writeTimeHeader(buf, pos, time);
    this.#pos = pos;
  }

  /**
   * Writes the record's length, attributes, timestamp and offset deltas; returns where the key
   * goes. `rest` is the size of the key, value and headers.
   */
  #recordStart(timestamp: number, rest: number): number {
    if (this.#count === 0) this.#baseTimestamp = this.#maxTimestamp = timestamp;
    else if (timestamp > this.#maxTimestamp) this.#maxTimestamp = timestamp;
    const delta = timestamp - this.#baseTimestamp;
    const offsetDelta = this.#count;
    const size = 1 + varintSize(delta) + varintSize(offsetDelta) + rest;
    this.#reserve(varintSize(size) + size);
    let pos = writeVarint(this.#buf, this.#pos, size);
    this.#buf[pos++] = 0; // record attributes: unused
    pos = writeVarint(this.#buf, pos, delta);
    pos = writeVarint(this.#buf, pos, offsetDelta);
    this.#count++;
    return pos;
  }

  #reserve(bytes: number): void {
    if (this.#pos + bytes <= this.#buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#pos + bytes));
    this.#buf.copy(grown, 0, 0, this.#pos);
    this.#buf = grown;
  }

  /** The finished batch (a view of the builder's buffer; the builder is done with). */
  seal(producerId: bigint, producerEpoch: number, baseSequence: number, transactional: boolean): Buffer {
    if (this.#count === 0) throw new RangeError('a batch holds at least one record');
    const buf = this.#buf.subarray(0, this.#pos);
    buf.writeBigInt64BE(0n, H.BASE_OFFSET);
    buf.writeInt32BE(buf.length - H.LOG_OVERHEAD, H.BATCH_LENGTH);
    buf.writeInt32BE(-1, H.PARTITION_LEADER_EPOCH);
    buf.writeInt8(2, H.MAGIC);
    buf.writeInt16BE(transactional ? H.TRANSACTIONAL_BIT : 0, H.ATTRIBUTES);
    buf.writeInt32BE(this.#count - 1, H.LAST_OFFSET_DELTA);
    writeInt64(buf, H.BASE_TIMESTAMP, this.#baseTimestamp);
    writeInt64(buf, H.MAX_TIMESTAMP, this.#maxTimestamp);
    buf.writeBigInt64BE(producerId, H.PRODUCER_ID);
    buf.writeInt16BE(producerEpoch, H.PRODUCER_EPOCH);
    buf.writeInt32BE(baseSequence, H.BASE_SEQUENCE);
    buf.writeInt32BE(this.#count, H.RECORD_COUNT);
    buf.writeUInt32BE(crc32c(buf.subarray(H.ATTRIBUTES)), H.CRC);
    return buf;
  }
}

function headerSize(key: Buffer, value: Buffer): number {
  return varintSize(key.length) + key.length + varintSize(value.length) + value.length;
}

function writeHeader(buf: Buffer, pos: number, key: Buffer, value: Buffer): number {
  pos = writeVarint(buf, pos, key.length);
  pos += key.copy(buf, pos);
  pos = writeVarint(buf, pos, value.length);
  return pos + value.copy(buf, pos);
}

function writeTimeHeader(buf: Buffer, pos: number, time: number): number {
  buf[pos++] = HEADER_TIMESTAMP.length * 2; // varint of the key length (< 64)
  pos += HEADER_TIMESTAMP.copy(buf, pos);
  buf[pos++] = 16; // varint 8
  buf.writeDoubleBE(time, pos);
  return pos + 8;
}

/** A non-negative millisecond time (< 2^53) as a big-endian int64, without BigInt. */
function writeInt64(buf: Buffer, pos: number, value: number): void {
  buf.writeUInt32BE(Math.floor(value / 2 ** 32), pos);
  buf.writeUInt32BE(value % 2 ** 32, pos + 4);
}
