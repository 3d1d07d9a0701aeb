import type { ExchangeSerde } from '../../../core/exchange-serde.ts';
import { decodePortable, encodePortable } from '../../../kafka/portable-codec.ts';

export type { ExchangeSerde };

/**
 * The records of a repartition topic. Data records carry the user's record: key = the serialized
 * key (keyBy; the bytes the key group is hashed over), value = the serialized value, header
 * `sluice.t` = the event timestamp (8-byte float64, so −∞ for "no timestamp" and negative times
 * survive; the Kafka record timestamp is processing time). Markers have no key and no value and a
 * header `sluice.m`: `w` (watermark in `sluice.t`), `i` (idle) or `a` (active again), sent by one
 * upstream task (`sluice.w`, its writer id) into every partition.
 */
export const HEADER_TIMESTAMP = Buffer.from('sluice.t');
export const HEADER_MARKER = Buffer.from('sluice.m');
export const HEADER_WRITER = Buffer.from('sluice.w');

export type MarkerKind = 'w' | 'i' | 'a';
export const MARKER_VALUES: Readonly<Record<MarkerKind, Buffer>> = { w: Buffer.from('w'), i: Buffer.from('i'), a: Buffer.from('a') };

export function encodeTime(t: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeDoubleBE(t, 0);
  return b;
}
export function decodeTime(b: Buffer | null | undefined): number {
  return b !== null && b !== undefined && b.length === 8 ? b.readDoubleBE(0) : Number.NEGATIVE_INFINITY;
}

/**
 * The default: Sluice's portable encoding (docs/internals/changelog-format.md) — JSON's values plus
 * undefined, bigint, NaN/±Infinity, Date, Map, Set and bytes. Class instances arrive as plain
 * objects (their prototype does not travel).
 */
export const PORTABLE_SERDE: ExchangeSerde<unknown> = {
  serialize: (v) => encodePortable(v),
  deserialize: (b) => decodePortable(b),
};
