import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { API_TABLE } from '../../../src/protocol/index.ts';

/** One corpus entry: a valid request frame (size prefix included) a real client sent. */
export interface CorpusFrame {
  client: string;
  apiKey: number;
  apiVersion: number;
  frame: Buffer;
}

export function loadCorpus(): CorpusFrame[] {
  const file = fileURLToPath(new URL('./corpus.json', import.meta.url));
  const json = JSON.parse(readFileSync(file, 'utf8')) as { frames: Array<{ client: string; apiKey: number; apiVersion: number; hex: string }> };
  return json.frames.map((f) => ({ client: f.client, apiKey: f.apiKey, apiVersion: f.apiVersion, frame: Buffer.from(f.hex, 'hex') }));
}

/** mulberry32: small and seeded, so a run can be replayed. */
export class Rng {
  #a: number;
  constructor(seed: number) {
    this.#a = seed >>> 0;
  }
  next(): number {
    this.#a = (this.#a + 0x6d2b79f5) >>> 0;
    let t = this.#a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

/** Values that tend to break length and count fields. */
const INT32S = [0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, -0x80000000, 1 << 24, 10_001, 100_000];

function withSize(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

export type Mutation = 'valid' | 'flip' | 'byte' | 'int' | 'truncate' | 'extend' | 'splice' | 'duplicate' | 'delete' | 'version' | 'lie';

/**
 * A mutated copy of a corpus frame (its size prefix recomputed unless the mutation is a lying
 * prefix). The header's api key, version and correlation id are left alone by most mutations, so
 * the bodies of every API and version are what gets exercised.
 */
export function mutate(rng: Rng, corpus: readonly CorpusFrame[], base: CorpusFrame, correlationId: number): { mutation: Mutation; bytes: Buffer } {
  const body = Buffer.from(base.frame.subarray(4));
  if (body.length >= 8) body.writeInt32BE(correlationId, 4);
  const headerEnd = Math.min(body.length, 8); // api key, version, correlation id
  const at = () => headerEnd + rng.int(Math.max(1, body.length - headerEnd));
  const x = rng.next();
  if (x < 0.06) return { mutation: 'valid', bytes: withSize(body) };
  if (x < 0.26) {
    for (let i = 1 + rng.int(4); i > 0; i--) {
      const p = at();
      if (p < body.length) body[p] = body[p]! ^ (1 << rng.int(8));
    }
    return { mutation: 'flip', bytes: withSize(body) };
  }
  if (x < 0.38) {
    for (let i = 1 + rng.int(3); i > 0; i--) {
      const p = at();
      if (p < body.length) body[p] = rng.int(256);
    }
    return { mutation: 'byte', bytes: withSize(body) };
  }
  if (x < 0.58) {
    const p = at();
    const v = rng.pick(INT32S);
    if (rng.next() < 0.5 && p + 4 <= body.length) body.writeInt32BE(v | 0, p);
    else if (p + 2 <= body.length) body.writeInt16BE(((v << 16) >> 16) | 0, p);
    return { mutation: 'int', bytes: withSize(body) };
  }
  if (x < 0.68) return { mutation: 'truncate', bytes: withSize(body.subarray(0, headerEnd + rng.int(Math.max(1, body.length - headerEnd)))) };
  if (x < 0.73) return { mutation: 'extend', bytes: withSize(Buffer.concat([body, rng.bytes(1 + rng.int(64))])) };
  if (x < 0.8) {
    const other = rng.pick(corpus).frame.subarray(4);
    const cut = at();
    return { mutation: 'splice', bytes: withSize(Buffer.concat([body.subarray(0, cut), other.subarray(Math.min(other.length, rng.int(other.length + 1)))])) };
  }
  if (x < 0.85) {
    const p = at();
    const n = 1 + rng.int(32);
    return { mutation: 'duplicate', bytes: withSize(Buffer.concat([body.subarray(0, p), body.subarray(p, p + n), body.subarray(p)])) };
  }
  if (x < 0.9) {
    const p = at();
    return { mutation: 'delete', bytes: withSize(Buffer.concat([body.subarray(0, p), body.subarray(p + 1 + rng.int(16))])) };
  }
  if (x < 0.97) {
    // The same body under another version of the API: fields shift, flexible encodings mix.
    const api = API_TABLE[base.apiKey];
    if (api && body.length >= 4) body.writeInt16BE(api.minVersion + rng.int(api.maxVersion - api.minVersion + 1), 2);
    return { mutation: 'version', bytes: withSize(body) };
  }
  const out = withSize(body);
  out.writeInt32BE(Math.max(0, body.length + rng.int(41) - 20), 0); // a size prefix that lies a little
  return { mutation: 'lie', bytes: out };
}
