import { randomBytes } from 'node:crypto';

/** Flink's REST API writes "no watermark yet" as Long.MIN_VALUE and "end of input" as Long.MAX_VALUE. */
export const LONG_MIN = '-9223372036854775808';
export const LONG_MAX = '9223372036854775807';

// Placeholders replaced after stringifying; the random part keeps user strings from matching them.
const NONCE = randomBytes(8).toString('hex');
const MIN_MARK = `\u0000LONG_MIN_${NONCE}`;
const MAX_MARK = `\u0000LONG_MAX_${NONCE}`;

/**
 * JSON as Flink's REST API writes it: infinite numbers (watermarks) become Long.MIN_VALUE /
 * Long.MAX_VALUE as exact integers, bigints become numbers.
 */
export function toJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return Number(v);
    if (v === Number.NEGATIVE_INFINITY) return MIN_MARK;
    if (v === Number.POSITIVE_INFINITY) return MAX_MARK;
    return v;
  });
  return text.replaceAll(JSON.stringify(MIN_MARK), LONG_MIN).replaceAll(JSON.stringify(MAX_MARK), LONG_MAX);
}
