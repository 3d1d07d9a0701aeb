import { ChangelogFormatError } from './errors.ts';
import { ByteReader, ByteWriter, readPortable, writePortable } from './portable-codec.ts';

/**
 * Record format of keyed-state changelogs (docs/internals/changelog-format.md).
 *
 * key   = u8 version(1) · str stateName · portable(key, canonical) · portable(namespace, canonical)
 * value = u8 version(1) · u8 flags · [f64 ttlTimestamp if flags&1] · [portable(key as written) if flags&2] · portable(value)
 * delete = the same key with a null value (a tombstone, removed by compaction after delete.retention.ms)
 */
export const CHANGELOG_FORMAT_VERSION = 1;

const FLAG_TTL = 1;
const FLAG_ORIGINAL_KEY = 2;

/** State names starting with this are reserved for Sluice (timer services). */
export const RESERVED_STATE_PREFIX = '\u0000';

/** The changelog state name of a timer service; its entries have namespace [namespace, timestamp]. */
export function timerStateName(service: string): string {
  return `${RESERVED_STATE_PREFIX}timers:${service}`;
}

/** One write (value present) or delete (value undefined) of keyed state. */
export interface ChangelogChange {
  readonly state: string;
  readonly key: unknown;
  /** Portable form of the namespace (null for non-windowed state). */
  readonly namespace: unknown;
  /** Portable form of the value; undefined deletes the entry. */
  readonly value: unknown;
  /** Last-access timestamp for TTL, if the state has a TTL. */
  readonly ttlTimestamp?: number;
}

// Encoding is synchronous and never re-entered, so one scratch writer per purpose serves every record.
const keyScratch = new ByteWriter(1024);
const valueScratch = new ByteWriter(1024);
const orderScratch = new ByteWriter(256);

/** The record key of (state, key, namespace): equal inputs give equal bytes (compaction relies on it). */
export function encodeChangelogKey(state: string, key: unknown, namespace: unknown): Buffer {
  const w = keyScratch.reset();
  w.u8(CHANGELOG_FORMAT_VERSION);
  w.str(state);
  writePortable(w, key, true, 'key');
  writePortable(w, namespace, true, 'namespace');
  return w.result();
}

/** The record value of a change; undefined (a tombstone) for a delete. */
export function encodeChangelogValue(change: ChangelogChange): Buffer | undefined {
  if (change.value === undefined) return undefined;
  const w = valueScratch.reset();
  w.u8(CHANGELOG_FORMAT_VERSION);
  const original = originalKeyBytes(change.key);
  w.u8((change.ttlTimestamp !== undefined ? FLAG_TTL : 0) | (original !== undefined ? FLAG_ORIGINAL_KEY : 0));
  if (change.ttlTimestamp !== undefined) w.f64(change.ttlTimestamp);
  if (original !== undefined) {
    w.ensure(original.length);
    w.buf.set(original, w.pos);
    w.pos += original.length;
  }
  writePortable(w, change.value, false, `state '${change.state}' value`);
  return w.result();
}

/**
 * An object key whose property order differs from the canonical (sorted) one is also written as
 * it was seen, so a restored job hands user functions the same key object as before the crash.
 */
function originalKeyBytes(key: unknown): Buffer | undefined {
  if (typeof key !== 'object' || key === null || key instanceof Uint8Array) return undefined;
  const asIs = orderScratch.reset();
  writePortable(asIs, key, false, 'key');
  const sorted = new ByteWriter(asIs.pos + 16);
  writePortable(sorted, key, true, 'key');
  return asIs.buf.subarray(0, asIs.pos).equals(sorted.buf.subarray(0, sorted.pos)) ? undefined : asIs.result();
}

/** Decodes a changelog record (value null = delete). */
export function decodeChangelogRecord(key: Buffer, value: Buffer | null): ChangelogChange {
  const kr = new ByteReader(key);
  const kv = kr.u8();
  if (kv !== CHANGELOG_FORMAT_VERSION) throw newerFormat('key', kv);
  const state = kr.str();
  let k = readPortable(kr);
  const namespace = readPortable(kr);
  if (kr.remaining !== 0) throw new ChangelogFormatError(`corrupt changelog key: ${kr.remaining} byte(s) left over`);
  if (value === null) return { state, key: k, namespace, value: undefined };
  const vr = new ByteReader(value);
  const vv = vr.u8();
  if (vv !== CHANGELOG_FORMAT_VERSION) throw newerFormat('value', vv);
  const flags = vr.u8();
  if ((flags & ~(FLAG_TTL | FLAG_ORIGINAL_KEY)) !== 0) throw new ChangelogFormatError(`changelog value has unknown flags 0x${flags.toString(16)}; it was written by a newer Sluice`);
  const ttlTimestamp = flags & FLAG_TTL ? vr.f64() : undefined;
  if (flags & FLAG_ORIGINAL_KEY) k = readPortable(vr);
  const v = readPortable(vr);
  if (vr.remaining !== 0) throw new ChangelogFormatError(`corrupt changelog value: ${vr.remaining} byte(s) left over`);
  return ttlTimestamp === undefined ? { state, key: k, namespace, value: v } : { state, key: k, namespace, value: v, ttlTimestamp };
}

function newerFormat(part: string, version: number): ChangelogFormatError {
  if (version < CHANGELOG_FORMAT_VERSION) return new ChangelogFormatError(`corrupt changelog ${part}: format version byte is ${version}`);
  return new ChangelogFormatError(
    `changelog ${part} has format version ${version}; this Sluice reads version ${CHANGELOG_FORMAT_VERSION}. Upgrade Sluice, or restore from a savepoint taken with this version`,
  );
}
