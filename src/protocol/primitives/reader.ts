import { malformed } from '../errors.ts';

const EMPTY = Buffer.alloc(0);

/**
 * Sequential reader over one frame. Every read checks the remaining bytes first and throws a
 * ProtocolError (never a RangeError), and every length read from the wire is validated against
 * the remaining bytes before anything is allocated, so hostile input cannot make us allocate.
 *
 * int64 values are returned as bigint. Byte fields are returned as slices of the frame (no copy).
 */
export class Reader {
  buf: Buffer;
  pos: number;
  /** Exclusive end; narrowed temporarily while decoding a tagged field. */
  end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) {
      throw malformed(`needed ${n} bytes at offset ${this.pos} but only ${this.end - this.pos} remain`);
    }
  }

  readInt8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }

  readBool(): boolean {
    this.need(1);
    return this.buf[this.pos++] !== 0;
  }

  readInt16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  readUInt16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  readInt32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  readUInt32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  readInt64(): bigint {
    this.need(8);
    const hi = this.buf.readInt32BE(this.pos);
    let v: bigint;
    // Within ±2^53 one BigInt from a number is cheaper than readBigInt64BE's shifts.
    if (hi >= -2097152 && hi < 2097152) v = BigInt(hi * 4294967296 + this.buf.readUInt32BE(this.pos + 4));
    else v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** int64 as a number; throws if it is not a safe integer. For callers that know the range. */
  readInt64Number(): number {
    const v = this.readInt64();
    if (v > 9007199254740991n || v < -9007199254740991n) throw malformed(`int64 ${v} is not a safe integer`);
    return Number(v);
  }

  readFloat64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Unsigned varint of at most 32 bits (Kafka's UNSIGNED_VARINT). */
  readUVarint(): number {
    const buf = this.buf;
    // Fast path: lengths and counts below 128 are one byte.
    if (this.pos < this.end && buf[this.pos]! < 0x80) return buf[this.pos++]!;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.end) throw malformed('truncated varint');
      const b = buf[this.pos++]!;
      if (shift === 28 && b > 0x0f) throw malformed('varint longer than 32 bits');
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw malformed('varint longer than 5 bytes');
  }

  /** Signed zigzag varint (32 bits). */
  readVarint(): number {
    const n = this.readUVarint();
    return (n >>> 1) ^ -(n & 1);
  }

  /** Unsigned varlong (64 bits) as bigint. */
  readUVarlong(): bigint {
    const buf = this.buf;
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw malformed('truncated varlong');
      const b = buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw malformed('varlong longer than 10 bytes');
  }

  /** Signed zigzag varlong as bigint. */
  readVarlong(): bigint {
    const n = this.readUVarlong();
    return BigInt.asIntN(64, (n >> 1n) ^ -(n & 1n));
  }

  /** 16 bytes as 22-character base64url (see uuid.ts). */
  readUuid(): string {
    this.need(16);
    const s = this.buf.toString('base64url', this.pos, this.pos + 16);
    this.pos += 16;
    return s;
  }

  private utf8(len: number): string {
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /** int16 length + utf8; a null (-1) decodes as '' (lenient, see docs). */
  readString(): string {
    const len = this.readInt16();
    if (len < 0) {
      if (len === -1) return '';
      throw malformed(`negative string length ${len}`);
    }
    return this.utf8(len);
  }

  readNullableString(): string | null {
    const len = this.readInt16();
    if (len < 0) {
      if (len === -1) return null;
      throw malformed(`negative string length ${len}`);
    }
    return this.utf8(len);
  }

  /** Unsigned varint (length + 1) + utf8; a null decodes as ''. */
  readCompactString(): string {
    const n = this.readUVarint();
    return n === 0 ? '' : this.utf8(n - 1);
  }

  readCompactNullableString(): string | null {
    const n = this.readUVarint();
    return n === 0 ? null : this.utf8(n - 1);
  }

  private slice(len: number): Buffer {
    this.need(len);
    const b = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }

  /** int32 length + bytes, as a slice of the frame; null decodes as an empty buffer. */
  readBytes(): Buffer {
    return this.readNullableBytes() ?? EMPTY;
  }

  readNullableBytes(): Buffer | null {
    const len = this.readInt32();
    if (len < 0) {
      if (len === -1) return null;
      throw malformed(`negative bytes length ${len}`);
    }
    return this.slice(len);
  }

  readCompactBytes(): Buffer {
    return this.readCompactNullableBytes() ?? EMPTY;
  }

  readCompactNullableBytes(): Buffer | null {
    const n = this.readUVarint();
    return n === 0 ? null : this.slice(n - 1);
  }

  /**
   * int32 element count, -1 for null. `minElementSize` (>= 1) bounds the count by the bytes left,
   * so a hostile count fails here instead of allocating.
   */
  readArrayLength(minElementSize: number): number {
    const n = this.readInt32();
    if (n < -1) throw malformed(`negative array length ${n}`);
    this.checkCount(n, minElementSize);
    return n;
  }

  /** Unsigned varint (count + 1), 0 for null; returns -1 for null. */
  readCompactArrayLength(minElementSize: number): number {
    const n = this.readUVarint() - 1;
    this.checkCount(n, minElementSize);
    return n;
  }

  private checkCount(n: number, minElementSize: number): void {
    if (n > 0 && n * minElementSize > this.end - this.pos) {
      throw malformed(`array of ${n} elements cannot fit in the ${this.end - this.pos} bytes left`);
    }
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** Reads and discards a tagged-field section (all tags unknown to the caller). */
  skipTaggedFields(): void {
    const count = this.readUVarint();
    for (let i = 0; i < count; i++) {
      this.readUVarint();
      this.skip(this.readUVarint());
    }
  }
}
