import { ChangelogFormatError } from './errors.ts';

/**
 * Sluice's portable value encoding (documented in docs/internals/changelog-format.md): a small
 * tagged binary form for the data held in state — everything JSON has, plus undefined, bigint,
 * NaN/±Infinity/-0, Date, Map, Set and bytes — readable by any language from the documentation.
 * `canonical` mode sorts object properties, so equal keys and namespaces always give equal bytes
 * (what log compaction needs); values keep their property order.
 */
export const Tag = {
  UNDEFINED: 0x00,
  NULL: 0x01,
  FALSE: 0x02,
  TRUE: 0x03,
  INT32: 0x04,
  FLOAT64: 0x05,
  BIGINT: 0x06,
  STRING: 0x07,
  BYTES: 0x08,
  ARRAY: 0x09,
  OBJECT: 0x0a,
  MAP: 0x0b,
  SET: 0x0c,
  DATE: 0x0d,
} as const;

const MAX_DEPTH = 512;

/** A growable byte buffer with the writes the encoding needs. */
export class ByteWriter {
  buf: Buffer;
  pos = 0;
  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  /** Unsigned LEB128 (lengths and counts). */
  varuint(v: number): void {
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }
  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }
  i32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }
  /** Length-prefixed UTF-8. */
  str(s: string): void {
    const len = s.length;
    if (len < 128) {
      // Short ASCII (most keys and state names): one pass, no UTF-8 encoder.
      this.ensure(len + 1);
      const start = this.pos;
      this.buf[start] = len;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        this.buf[start + 1 + i] = c;
      }
      if (i === len) {
        this.pos = start + 1 + len;
        return;
      }
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.varuint(n);
    this.ensure(n);
    this.buf.write(s, this.pos, n, 'utf8');
    this.pos += n;
  }
  bytes(b: Uint8Array): void {
    this.varuint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** A copy of what was written (small copies come from Node's buffer pool). */
  result(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }
  /** Starts over, keeping the allocated space (for a writer reused across records). */
  reset(): this {
    this.pos = 0;
    return this;
  }
}

/** Sequential reads over a buffer; every read is bounds-checked (corrupt input throws, never over-reads). */
export class ByteReader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;
  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }
  #need(n: number): void {
    if (this.pos + n > this.end) throw new ChangelogFormatError(`truncated record: needed ${n} byte(s) at ${this.pos}, have ${this.end - this.pos}`);
  }
  u8(): number {
    this.#need(1);
    return this.buf[this.pos++]!;
  }
  varuint(): number {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.u8();
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
    }
    throw new ChangelogFormatError('malformed length in record');
  }
  f64(): number {
    this.#need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }
  i32(): number {
    this.#need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  str(): string {
    const n = this.varuint();
    this.#need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  bytes(): Buffer {
    const n = this.varuint();
    this.#need(n);
    const b = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return b;
  }
  get remaining(): number {
    return this.end - this.pos;
  }
}

/** Appends the encoding of `value`. `path` names the place in error messages. */
export function writePortable(w: ByteWriter, value: unknown, canonical: boolean, path = '$', depth = 0): void {
  if (depth > MAX_DEPTH) throw new ChangelogFormatError(`cannot encode ${path}: nested deeper than ${MAX_DEPTH} levels (a cycle?)`);
  switch (typeof value) {
    case 'undefined':
      return w.u8(Tag.UNDEFINED);
    case 'boolean':
      return w.u8(value ? Tag.TRUE : Tag.FALSE);
    case 'number':
      if (Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff && !Object.is(value, -0)) {
        w.u8(Tag.INT32);
        return w.i32(value);
      }
      w.u8(Tag.FLOAT64);
      return w.f64(value);
    case 'bigint':
      w.u8(Tag.BIGINT);
      return w.str(value.toString(10));
    case 'string':
      w.u8(Tag.STRING);
      return w.str(value);
    case 'object':
      break;
    default:
      throw new ChangelogFormatError(`cannot encode ${path}: a ${typeof value} is not data; keep only data (primitives, arrays, objects, Map, Set, Date, bytes) in state`);
  }
  if (value === null) return w.u8(Tag.NULL);
  if (value instanceof Uint8Array) {
    w.u8(Tag.BYTES);
    return w.bytes(value);
  }
  if (ArrayBuffer.isView(value)) throw new ChangelogFormatError(`cannot encode ${path}: typed arrays other than Uint8Array/Buffer are not supported; store a Buffer or an array`);
  if (Array.isArray(value)) {
    w.u8(Tag.ARRAY);
    w.varuint(value.length);
    for (let i = 0; i < value.length; i++) writePortable(w, value[i], canonical, `${path}[${i}]`, depth + 1);
    return;
  }
  if (value instanceof Date) {
    w.u8(Tag.DATE);
    return w.f64(value.getTime());
  }
  if (value instanceof Map) {
    w.u8(Tag.MAP);
    w.varuint(value.size);
    for (const [k, v] of value) {
      writePortable(w, k, canonical, `${path}<key>`, depth + 1);
      writePortable(w, v, canonical, `${path}.get(…)`, depth + 1);
    }
    return;
  }
  if (value instanceof Set) {
    w.u8(Tag.SET);
    w.varuint(value.size);
    for (const v of value) writePortable(w, v, canonical, `${path}<element>`, depth + 1);
    return;
  }
  // Plain objects and class instances alike: own enumerable properties (a prototype is not data).
  const keys = Object.keys(value);
  if (canonical) keys.sort();
  w.u8(Tag.OBJECT);
  w.varuint(keys.length);
  for (const k of keys) {
    w.str(k);
    writePortable(w, (value as Record<string, unknown>)[k], canonical, `${path}.${k}`, depth + 1);
  }
}

/** Reads one encoded value. */
export function readPortable(r: ByteReader, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new ChangelogFormatError(`corrupt record: values nested deeper than ${MAX_DEPTH} levels`);
  const tag = r.u8();
  switch (tag) {
    case Tag.UNDEFINED:
      return undefined;
    case Tag.NULL:
      return null;
    case Tag.FALSE:
      return false;
    case Tag.TRUE:
      return true;
    case Tag.INT32:
      return r.i32();
    case Tag.FLOAT64:
      return r.f64();
    case Tag.BIGINT: {
      const s = r.str();
      if (!/^-?\d+$/.test(s)) throw new ChangelogFormatError(`corrupt record: '${s.slice(0, 40)}' is not a bigint`);
      return BigInt(s);
    }
    case Tag.STRING:
      return r.str();
    case Tag.BYTES:
      return r.bytes();
    case Tag.ARRAY: {
      const n = count(r);
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = readPortable(r, depth + 1);
      return out;
    }
    case Tag.OBJECT: {
      const n = count(r);
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const k = r.str();
        const v = readPortable(r, depth + 1);
        // defineProperty: a key named __proto__ is data here, not a prototype switch.
        Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case Tag.MAP: {
      const n = count(r);
      const out = new Map<unknown, unknown>();
      for (let i = 0; i < n; i++) {
        const k = readPortable(r, depth + 1);
        out.set(k, readPortable(r, depth + 1));
      }
      return out;
    }
    case Tag.SET: {
      const n = count(r);
      const out = new Set<unknown>();
      for (let i = 0; i < n; i++) out.add(readPortable(r, depth + 1));
      return out;
    }
    case Tag.DATE:
      return new Date(r.f64());
    default:
      throw new ChangelogFormatError(`corrupt or newer record: unknown value tag 0x${tag.toString(16)} at byte ${r.pos - 1}`);
  }
}

/** An element count, checked against what is left (each element takes at least one byte). */
function count(r: ByteReader): number {
  const n = r.varuint();
  if (n > r.remaining) throw new ChangelogFormatError(`corrupt record: ${n} elements announced, ${r.remaining} byte(s) left`);
  return n;
}

/** Encodes one value on its own. */
export function encodePortable(value: unknown, canonical = false): Buffer {
  const w = new ByteWriter();
  writePortable(w, value, canonical);
  return w.result();
}

/** Decodes a buffer holding exactly one value. */
export function decodePortable(buf: Buffer): unknown {
  const r = new ByteReader(buf);
  const v = readPortable(r);
  if (r.remaining !== 0) throw new ChangelogFormatError(`corrupt record: ${r.remaining} byte(s) after the value`);
  return v;
}
