/** DescribeConfigs `configType` codes (Kafka's ConfigType, KIP-569). */
export const ConfigType = { UNKNOWN: 0, BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9 } as const;

/** DescribeConfigs `configSource` codes. */
export const ConfigSource = {
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

export type ConfigTypeName = keyof typeof ConfigType;

/** How a config acts on this single-node broker. */
export type ConfigEffect =
  /** Applied as Kafka applies it. */
  | 'applied'
  /** Accepted, stored and described, but without effect here (documented why). */
  | 'no-effect'
  /** Removed in Kafka 4.0: accepted and stored for older tools, without effect. */
  | 'deprecated';

/** Validates and normalizes a value; throws an Error saying what is allowed. */
export type Parser = (value: string) => string;

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function integer(v: string, min: bigint, max: bigint, what: string): string {
  const s = v.trim();
  if (!/^[-+]?\d+$/.test(s)) throw new Error(`must be ${what}`);
  const n = BigInt(s);
  if (n < min || n > max) throw new Error(`must be ${what}`);
  return n.toString();
}

/** A 32-bit integer in [min, max]. */
export const int = (min = -(2 ** 31), max = 2 ** 31 - 1): Parser => (v) =>
  integer(v, BigInt(min), BigInt(max), max === 2 ** 31 - 1 ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`);

/** A 64-bit integer >= min. */
export const long = (min: number | bigint = LONG_MIN): Parser => (v) => integer(v, BigInt(min), LONG_MAX, `an integer >= ${min}`);

/** A 64-bit integer, or empty for "not set" (Kafka's nullable longs such as log.retention.ms). */
export const nullableLong = (min: number | bigint = LONG_MIN): Parser => (v) => (v.trim() === '' ? '' : long(min)(v));

export const double = (min: number, max: number): Parser => (v) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new Error(`must be a number in [${min}, ${max}]`);
  return String(n);
};

export const bool: Parser = (v) => {
  const s = v.trim().toLowerCase();
  if (s !== 'true' && s !== 'false') throw new Error('must be true or false');
  return s;
};

/** One of the given words (case as Kafka spells them). */
export const oneOf = (...allowed: string[]): Parser => (v) => {
  const s = v.trim();
  const hit = allowed.find((a) => a.toLowerCase() === s.toLowerCase());
  if (hit === undefined) throw new Error(`must be one of ${allowed.join(', ')}`);
  return hit;
};

/** A comma-separated list whose items are all among `allowed` (any item when none given). */
export const list = (...allowed: string[]): Parser => (v) => {
  const items = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (allowed.length > 0) {
    for (const item of items) if (!allowed.includes(item.toLowerCase())) throw new Error(`must be a list of ${allowed.join(', ')}`);
  }
  return items.map((i) => (allowed.length > 0 ? i.toLowerCase() : i)).join(',');
};

/** Free text. */
export const text: Parser = (v) => v;

/** Kafka's Long.MAX_VALUE, the usual "never" of durations and counts. */
export const LONG_MAX_STRING = LONG_MAX.toString();

/** A stored numeric config as a JavaScript number, saturating at Number.MAX_SAFE_INTEGER. */
export function numberOf(value: string): number {
  const n = Number(value);
  return n > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : n;
}
