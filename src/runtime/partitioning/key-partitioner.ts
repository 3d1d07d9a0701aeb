import { toStateKey } from '../../state/key.ts';
import { murmur2, murmur2Ascii } from './murmur2.ts';

const encoder = new TextEncoder();
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * The bytes a key is hashed over: UTF-8 of a string key (what Kafka's StringSerializer writes),
 * of the decimal text of a number/bigint/boolean, or of the stable JSON of an object key.
 */
export function keyText(key: unknown): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'bigint' || typeof key === 'boolean') return String(key);
  if (key === null || key === undefined) return '';
  return toStateKey(key) as string;
}

/** Kafka-compatible murmur2 hash of a key. */
export function hashKey(key: unknown): number {
  const text = keyText(key);
  return NON_ASCII.test(text) ? murmur2(encoder.encode(text)) : murmur2Ascii(text);
}

/**
 * The one place that maps a key to a subtask (= a partition): `toPositive(murmur2(bytes)) % n`,
 * Kafka's default partitioner, so Sluice co-partitions with keyed topics of other Kafka clients.
 *
 * @example
 * ```ts
 * subtaskForKey('user-42', 4); // same partition Kafka's producer would pick among 4
 * ```
 */
export function subtaskForKey(key: unknown, parallelism: number): number {
  if (parallelism === 1) return 0;
  return (hashKey(key) & 0x7fffffff) % parallelism;
}
