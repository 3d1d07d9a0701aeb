import { toStateKey } from '../../state/key.ts';
import { murmur2, murmur2Ascii } from '../../util/murmur2.ts';

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
