import { crc32c } from '@node-rs/crc32';
import * as H from '../../protocol/records/batch-header.ts';
import { decompress } from '../../protocol/records/compression.ts';

/** One record of a fetched batch; offsets and timestamps are relative to the batch's. */
export interface FetchedRecord {
  readonly offsetDelta: number;
  readonly timestampDelta: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: ReadonlyArray<readonly [key: Buffer, value: Buffer | null]>;
}

/** A fetched record batch: the header fields a reader needs, its data records decoded (none for a control batch). */
export interface FetchedBatch {
  readonly firstOffset: bigint;
  readonly lastOffsetDelta: number;
  /** Milliseconds (the batch's base timestamp). */
  readonly firstTimestamp: number;
  /** Milliseconds: the append time of a LogAppendTime batch. */
  readonly maxTimestamp: number;
  readonly attributes: number;
  readonly producerId: bigint;
  readonly records: readonly FetchedRecord[];
}

/** The batches of one fetched partition, and where the next fetch starts. */
export interface FetchedPartitionBatches {
  /** Data batches (aborted transactions' removed under read_committed) and control batches (empty). */
  readonly batches: FetchedBatch[];
  /** Records in `batches`. */
  readonly records: number;
  /** One past the last offset of the last complete batch, aborted ones included; `from` when there was none. */
  readonly next: bigint;
}

/** A fetched batch that fails its CRC, framing or record layout. */
export class CorruptBatchError extends Error {
  readonly offset: bigint;
  constructor(offset: bigint, reason: string) {
    super(`the record batch at offset ${offset} is corrupt (${reason})`);
    this.offset = offset;
  }
}

/** Control record type (in the key, after the int16 version) of an abort marker. */
const ABORT_MARKER = 0;
const NO_HEADERS: FetchedRecord['headers'] = Object.freeze([]) as FetchedRecord['headers'];
const NO_RECORDS: readonly FetchedRecord[] = Object.freeze([]);

/**
 * Reads the `records` bytes of a fetched partition, as Kafka's Java consumer does: complete v2
 * batches only (a broker may cut the last one short at the size limit), each batch's CRC-32C
 * checked (`check.crcs`), compressed batches (gzip, snappy, lz4, zstd) decompressed. Under
 * read_committed, `aborted` lists the aborted transactions the broker reported: a listed
 * transaction runs from its first offset to its producer's next abort marker, and its data
 * batches are dropped. Control batches are kept without records (they move the position on).
 *
 * A data batch's records are decoded (and decompressed) when the reader first reads them, as
 * Kafka's Java consumer does at poll time: a reader buffers up to its fetch limit ahead, and
 * records decoded at fetch time would live on the heap until emitted — long enough to survive
 * young-generation collections, which then copy and promote them (in the scaling benchmark, the
 * largest share of the bytes a worker promoted). A framing error inside a batch whose CRC holds is found then:
 * `onCorrupt` turns it into the error the reader throws (the CorruptBatchError itself without it).
 */
export function readFetchedBatches(
  bytes: Buffer | null,
  from: bigint,
  aborted: ReadonlyArray<{ producerId: bigint; firstOffset: bigint }> | null,
  onCorrupt?: (e: CorruptBatchError) => Error,
): FetchedPartitionBatches {
  const batches: FetchedBatch[] = [];
  let records = 0;
  let next = from;
  if (bytes === null || bytes.length === 0) return { batches, records, next };
  const pending = aborted === null || aborted.length === 0 ? [] : [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const aborting = new Set<bigint>();
  let nextAborted = 0;
  for (let pos = 0; pos + H.BATCH_HEADER_SIZE <= bytes.length; ) {
    const size = bytes.readInt32BE(pos + H.BATCH_LENGTH) + H.LOG_OVERHEAD;
    const baseOffset = bytes.readBigInt64BE(pos + H.BASE_OFFSET);
    if (size < H.BATCH_HEADER_SIZE) throw new CorruptBatchError(baseOffset, `length ${size - H.LOG_OVERHEAD}`);
    if (pos + size > bytes.length) break; // the broker cut it at the size limit: fetched again next time
    const batch = bytes.subarray(pos, pos + size);
    pos += size;
    const magic = batch.readInt8(H.MAGIC);
    if (magic !== 2) throw new CorruptBatchError(baseOffset, `message format v${magic}: Sluice reads record batches v2 (Kafka 0.11 and later); convert the topic's old messages`);
    if (crc32c(batch.subarray(H.ATTRIBUTES)) !== batch.readUInt32BE(H.CRC)) throw new CorruptBatchError(baseOffset, 'CRC-32C mismatch');
    const attributes = batch.readInt16BE(H.ATTRIBUTES);
    const lastOffsetDelta = batch.readInt32BE(H.LAST_OFFSET_DELTA);
    const producerId = batch.readBigInt64BE(H.PRODUCER_ID);
    const last = baseOffset + BigInt(lastOffsetDelta);
    if (last + 1n > next) next = last + 1n;
    while (nextAborted < pending.length && pending[nextAborted]!.firstOffset <= last) aborting.add(pending[nextAborted++]!.producerId);
    const control = (attributes & H.CONTROL_BIT) !== 0;
    if (!control && (attributes & H.TRANSACTIONAL_BIT) !== 0 && aborting.has(producerId)) continue;
    if (control) {
      const marker = decodeRecords(batch, baseOffset, attributes)[0]?.key;
      if (marker != null && marker.length >= 4 && marker.readInt16BE(2) === ABORT_MARKER) aborting.delete(producerId);
    }
    const count = batch.readInt32BE(H.RECORD_COUNT);
    if (count < 0) throw new CorruptBatchError(baseOffset, `record count ${count}`);
    batches.push(new LazyBatch(batch, baseOffset, lastOffsetDelta, attributes, producerId, control, onCorrupt));
    if (!control) records += count;
  }
  return { batches, records, next };
}

/** A fetched batch whose records are decoded on first read (see readFetchedBatches). */
class LazyBatch implements FetchedBatch {
  readonly firstOffset: bigint;
  readonly lastOffsetDelta: number;
  readonly firstTimestamp: number;
  readonly maxTimestamp: number;
  readonly attributes: number;
  readonly producerId: bigint;
  /** The batch's bytes until its records are decoded. */
  #bytes: Buffer | undefined;
  #records: readonly FetchedRecord[] | undefined;
  readonly #onCorrupt: ((e: CorruptBatchError) => Error) | undefined;

  constructor(bytes: Buffer, firstOffset: bigint, lastOffsetDelta: number, attributes: number, producerId: bigint, control: boolean, onCorrupt: ((e: CorruptBatchError) => Error) | undefined) {
    this.firstOffset = firstOffset;
    this.lastOffsetDelta = lastOffsetDelta;
    this.firstTimestamp = Number(bytes.readBigInt64BE(H.BASE_TIMESTAMP));
    this.maxTimestamp = Number(bytes.readBigInt64BE(H.MAX_TIMESTAMP));
    this.attributes = attributes;
    this.producerId = producerId;
    this.#onCorrupt = onCorrupt;
    if (control) this.#records = NO_RECORDS;
    else this.#bytes = bytes;
  }

  get records(): readonly FetchedRecord[] {
    if (this.#records !== undefined) return this.#records;
    try {
      this.#records = decodeRecords(this.#bytes!, this.firstOffset, this.attributes);
    } catch (e) {
      throw e instanceof CorruptBatchError && this.#onCorrupt !== undefined ? this.#onCorrupt(e) : e;
    }
    this.#bytes = undefined;
    return this.#records;
  }
}

// The decoding cursor: module state, as decoding is synchronous and never re-entered.
let buf: Buffer = Buffer.alloc(0);
let at = 0;
let end = 0;

function decodeRecords(batch: Buffer, baseOffset: bigint, attributes: number): FetchedRecord[] {
  const count = batch.readInt32BE(H.RECORD_COUNT);
  if (count < 0) throw new CorruptBatchError(baseOffset, `record count ${count}`);
  let body: Buffer;
  try {
    body = decompress(attributes & H.COMPRESSION_MASK, batch.subarray(H.BATCH_HEADER_SIZE));
  } catch (e) {
    throw new CorruptBatchError(baseOffset, e instanceof Error ? e.message : String(e));
  }
  buf = body;
  at = 0;
  end = body.length;
  const out: FetchedRecord[] = new Array(count);
  try {
    for (let i = 0; i < count; i++) {
      const length = varint();
      const recordEnd = at + length;
      if (length < 0 || recordEnd > end) throw new RangeError(`record ${i} of ${length} bytes runs past the batch`);
      at++; // record attributes: unused
      const timestampDelta = varlong();
      const offsetDelta = varint();
      const key = nullableBytes();
      const value = nullableBytes();
      const headerCount = varint();
      let headers = NO_HEADERS;
      if (headerCount !== 0) {
        if (headerCount < 0 || headerCount > recordEnd - at) throw new RangeError(`record ${i} claims ${headerCount} headers`);
        const list: Array<readonly [Buffer, Buffer | null]> = new Array(headerCount);
        for (let h = 0; h < headerCount; h++) list[h] = [nullableBytes() ?? Buffer.alloc(0), nullableBytes()];
        headers = list;
      }
      if (at !== recordEnd) throw new RangeError(`record ${i}: length ${length} does not match its fields`);
      out[i] = { offsetDelta, timestampDelta, key, value, headers };
    }
  } catch (e) {
    if (e instanceof RangeError) throw new CorruptBatchError(baseOffset, e.message);
    throw e;
  } finally {
    buf = Buffer.alloc(0);
  }
  return out;
}

function byte(): number {
  if (at >= end) throw new RangeError('a varint runs past the end of the batch');
  return buf[at++]!;
}

/** Zig-zag varint (int32). */
function varint(): number {
  let b = byte();
  let result = b & 0x7f;
  for (let shift = 7; b & 0x80; shift += 7) {
    if (shift > 28) throw new RangeError('a varint is longer than 5 bytes');
    b = byte();
    result |= (b & 0x7f) << shift;
  }
  return (result >>> 1) ^ -(result & 1);
}

/** Zig-zag varlong as a number (exact up to 2^53: timestamp deltas in milliseconds). */
function varlong(): number {
  let b = byte();
  if ((b & 0x80) === 0) return (b >>> 1) ^ -(b & 1);
  let result = b & 0x7f;
  let scale = 128;
  for (let n = 1; b & 0x80; n++) {
    if (n >= 10) throw new RangeError('a varlong is longer than 10 bytes');
    b = byte();
    result += (b & 0x7f) * scale;
    scale *= 128;
  }
  return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
}

function nullableBytes(): Buffer | null {
  const length = varint();
  if (length < 0) return null;
  if (at + length > end) throw new RangeError(`a field of ${length} bytes runs past the end of the batch`);
  const b = buf.subarray(at, at + length);
  at += length;
  return b;
}
