import { toStateKey } from '../state/key.ts';
import { murmur2, murmur2Ascii } from '../util/murmur2.ts';

// The one implementation of the key-group formula: the engine's key groups
// (runtime/partitioning/key-groups.ts) and the changelogs' partitions both come from here.

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;
const encoder = new TextEncoder();

/**
 * The text whose UTF-8 bytes a key is hashed over — exactly the record key Sluice would write to
 * Kafka for it (and what the key partitioner hashes): a string as is, a number / bigint / boolean
 * as its decimal text, an object as its stable JSON, null/undefined as the empty string.
 */
export function keyText(key: unknown): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'bigint' || typeof key === 'boolean') return String(key);
  if (key === null || key === undefined) return '';
  return toStateKey(key) as string;
}

/** The serialized key bytes (UTF-8 of {@link keyText}). */
export function keyBytes(key: unknown): Uint8Array {
  return encoder.encode(keyText(key));
}

/** Key group of serialized key bytes: `toPositive(murmur2(bytes)) % maxParallelism` (Kafka's default partitioner). */
export function keyGroupOfBytes(bytes: Uint8Array, maxParallelism: number): number {
  return (murmur2(bytes) & 0x7fffffff) % maxParallelism;
}

/**
 * Key group of a key: the partition of a changelog or repartition topic with `maxParallelism`
 * partitions that holds it — the same partition a Java producer would choose for that record key.
 *
 * @example
 * ```ts
 * keyGroupOf('user-42', 128); // = Kafka's partition for key 'user-42' among 128 partitions
 * ```
 */
export function keyGroupOf(key: unknown, maxParallelism: number): number {
  return (hashKey(key) & 0x7fffffff) % maxParallelism;
}

/** Kafka-compatible murmur2 hash of a key's serialized bytes (no copy for ASCII text). */
export function hashKey(key: unknown): number {
  const text = keyText(key);
  return NON_ASCII.test(text) ? murmur2(encoder.encode(text)) : murmur2Ascii(text);
}
