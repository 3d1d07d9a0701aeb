import type { OffsetLogEntry } from './offset-log.ts';

/**
 * OffsetLogEntry <-> bytes, as JSON. bigint and Buffer have no JSON form, so they travel as
 * `{"$n":"123"}` and `{"$b64":"..."}`; entries have no user-named keys, so the tags cannot clash.
 */
export function encodeEntry(e: OffsetLogEntry): Buffer {
  return Buffer.from(JSON.stringify(e, replacer), 'utf8');
}

export function decodeEntry(bytes: Buffer): OffsetLogEntry {
  return JSON.parse(bytes.toString('utf8'), reviver) as OffsetLogEntry;
}

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // `this[key]` is the raw value: Buffer.toJSON has already run on `value`.
  const raw = this[key];
  if (Buffer.isBuffer(raw)) return { $b64: raw.toString('base64') };
  if (typeof value === 'bigint') return { $n: value.toString() };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (typeof o.$b64 === 'string') return Buffer.from(o.$b64, 'base64');
    if (typeof o.$n === 'string') return BigInt(o.$n);
  }
  return value;
}
