import { ProtocolError, ProtocolErrorCode } from '../errors.ts';

/** Buffers at least this large are emitted as their own chunk instead of being copied. */
export const ZERO_COPY_THRESHOLD = 1024;

const MIN_CHUNK = 256;

/**
 * Bytes whose length is known when a frame is encoded but whose content is produced when the
 * frame is sent (e.g. record batches read from a log file as the socket drains). The codec only
 * needs the length; whoever writes the frame resolves the content.
 */
export interface DeferredBytes {
  readonly deferredLength: number;
}

/** One piece of an encoded frame: bytes, or a deferred range of known length. */
export type OutboundChunk = Buffer | DeferredBytes;

export function isDeferredBytes(v: unknown): v is DeferredBytes {
  return typeof v === 'object' && v !== null && !Buffer.isBuffer(v) && typeof (v as DeferredBytes).deferredLength === 'number';
}

function invalid(message: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.INVALID_BODY, message);
}

/**
 * Growable writer producing a list of chunks. Growing never copies what was already written: the
 * filled part of the current buffer becomes a chunk and writing continues in a fresh buffer.
 * Large byte fields (stored record batches) are pushed as chunks of their own, uncopied.
 */
export class Writer {
  private buf: Buffer;
  private start = 0;
  private pos = 0;
  private readonly chunks: OutboundChunk[] = [];
  private flushed = 0;

  constructor(initialSize = MIN_CHUNK) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.flushed + this.pos - this.start;
  }

  private flush(): void {
    if (this.pos > this.start) {
      this.chunks.push(this.buf.subarray(this.start, this.pos));
      this.flushed += this.pos - this.start;
      this.start = this.pos;
    }
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    this.buf = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2, MIN_CHUNK));
    this.start = 0;
    this.pos = 0;
  }

  /**
   * Reserves an int32 to be filled later (e.g. a size prefix); returns a setter. The bytes stay
   * valid because buffers are never reallocated under written data.
   */
  reserveInt32(): (value: number) => void {
    this.ensure(4);
    const buf = this.buf;
    const at = this.pos;
    this.pos += 4;
    return (value) => {
      buf.writeInt32BE(value, at);
    };
  }

  writeInt8(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
  }

  writeBool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  writeInt16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }

  writeUInt16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }

  writeInt32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }

  writeUInt32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
  }

  /** int64 from a bigint; a safe-integer number is accepted too. */
  writeInt64(v: bigint | number): void {
    this.ensure(8);
    const n = Number(v);
    if (Number.isSafeInteger(n)) {
      // Offsets and timestamps are safe integers: two int32 writes beat writeBigInt64BE.
      const hi = Math.floor(n / 4294967296);
      this.buf.writeInt32BE(hi, this.pos);
      this.buf.writeUInt32BE(n - hi * 4294967296, this.pos + 4);
    } else {
      this.buf.writeBigInt64BE(typeof v === 'bigint' ? v : BigInt(v), this.pos);
    }
    this.pos += 8;
  }

  writeFloat64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  writeUVarint(v: number): void {
    this.ensure(5);
    const buf = this.buf;
    while (v > 0x7f) {
      buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[this.pos++] = v;
  }

  writeVarint(v: number): void {
    this.writeUVarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  writeUVarlong(v: bigint): void {
    this.ensure(10);
    const buf = this.buf;
    let n = BigInt.asUintN(64, v);
    while (n > 0x7fn) {
      buf[this.pos++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    buf[this.pos++] = Number(n);
  }

  writeVarlong(v: bigint): void {
    const n = BigInt.asIntN(64, v);
    this.writeUVarlong((n << 1n) ^ (n >> 63n));
  }

  /** Writes a 22-char base64url uuid (see uuid.ts) as 16 bytes. */
  writeUuid(v: string): void {
    this.ensure(16);
    if (v.length !== 22 || this.buf.write(v, this.pos, 16, 'base64url') !== 16) {
      throw invalid(`"${v}" is not a uuid (expected 22 base64url characters)`);
    }
    this.pos += 16;
  }

  private utf8(v: string, len: number): void {
    this.ensure(len);
    this.buf.write(v, this.pos, len, 'utf8');
    this.pos += len;
  }

  writeString(v: string): void {
    const len = Buffer.byteLength(v, 'utf8');
    if (len > 0x7fff) throw invalid(`string of ${len} bytes is longer than 32767`);
    this.writeInt16(len);
    this.utf8(v, len);
  }

  writeNullableString(v: string | null): void {
    if (v === null) this.writeInt16(-1);
    else this.writeString(v);
  }

  writeCompactString(v: string): void {
    const len = Buffer.byteLength(v, 'utf8');
    this.writeUVarint(len + 1);
    this.utf8(v, len);
  }

  writeCompactNullableString(v: string | null): void {
    if (v === null) this.writeUVarint(0);
    else this.writeCompactString(v);
  }

  /** int32 element count; null writes -1. */
  writeArrayLength(n: number | null): void {
    this.writeInt32(n === null ? -1 : n);
  }

  /** Unsigned varint (count + 1); null writes 0. */
  writeCompactArrayLength(n: number | null): void {
    this.writeUVarint(n === null ? 0 : n + 1);
  }

  /** An empty tagged-field section (flexible versions). */
  writeEmptyTaggedFields(): void {
    this.writeUVarint(0);
  }

  /** Raw bytes, copied when small, emitted as a chunk of their own when large. */
  writeRaw(b: Buffer): void {
    if (b.length >= ZERO_COPY_THRESHOLD) {
      this.flush();
      this.chunks.push(b);
      this.flushed += b.length;
      return;
    }
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  writeBytes(v: Buffer): void {
    this.writeInt32(v.length);
    this.writeRaw(v);
  }

  writeNullableBytes(v: Buffer | null): void {
    if (v === null) this.writeInt32(-1);
    else this.writeBytes(v);
  }

  writeCompactBytes(v: Buffer): void {
    this.writeUVarint(v.length + 1);
    this.writeRaw(v);
  }

  writeCompactNullableBytes(v: Buffer | null): void {
    if (v === null) this.writeUVarint(0);
    else this.writeCompactBytes(v);
  }

  /**
   * A records field: one buffer, stored batches written back to back without copying, or a
   * deferred range (bytes read from a log when the frame is sent).
   */
  writeRecords(v: Buffer | DeferredBytes | readonly (Buffer | DeferredBytes)[] | null, compact: boolean): void {
    if (v === null) {
      if (compact) this.writeUVarint(0);
      else this.writeInt32(-1);
      return;
    }
    if (Buffer.isBuffer(v)) {
      if (compact) this.writeCompactBytes(v);
      else this.writeBytes(v);
      return;
    }
    const parts: readonly (Buffer | DeferredBytes)[] = isDeferredBytes(v) ? [v] : (v as readonly (Buffer | DeferredBytes)[]);
    let size = 0;
    for (const p of parts) size += Buffer.isBuffer(p) ? p.length : p.deferredLength;
    if (compact) this.writeUVarint(size + 1);
    else this.writeInt32(size);
    for (const p of parts) {
      if (Buffer.isBuffer(p)) this.writeRaw(p);
      else {
        this.flush();
        this.chunks.push(p);
        this.flushed += p.deferredLength;
      }
    }
  }

  /** The written bytes as chunks, in order, deferred ranges included. The writer must not be used afterwards. */
  finishChunks(): OutboundChunk[] {
    this.flush();
    return this.chunks;
  }

  /** The written bytes as buffers, in order; throws if a deferred range was written. */
  finish(): Buffer[] {
    const chunks = this.finishChunks();
    if (chunks.some((c) => !Buffer.isBuffer(c))) throw invalid('the frame holds deferred bytes: use finishChunks()');
    return chunks as Buffer[];
  }

  /** The written bytes as one buffer (copies when there is more than one chunk). */
  toBuffer(): Buffer {
    const chunks = this.finish();
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.flushed);
  }
}
