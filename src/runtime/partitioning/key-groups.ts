import { JobConfigurationError } from '../../core/errors/job-errors.ts';
import { keyGroupOf } from '../../kafka/key-groups.ts';

/**
 * Key groups: the unit in which keyed state is split, snapshotted, moved and (later) changelogged.
 *
 * - key group of a key = `toPositive(murmur2(serialized key)) % maxParallelism`: the partition
 *   Kafka's default partitioner picks for that key among `maxParallelism` partitions, so a key
 *   group is exactly one partition of a repartition or changelog topic with maxParallelism
 *   partitions;
 * - subtask `i` of `parallelism` owns the contiguous range of key groups that Flink's
 *   KeyGroupRangeAssignment gives it (`operatorIndex = keyGroup * parallelism / maxParallelism`).
 *
 * See docs/internals/key-groups.md.
 */

/** Default lower bound of the max parallelism when nobody set one (Flink's 2^7). */
export const DEFAULT_LOWER_BOUND_MAX_PARALLELISM = 128;
/** Largest max parallelism (inclusive), Flink's 2^15. */
export const UPPER_BOUND_MAX_PARALLELISM = 32768;

/**
 * An inclusive range of key groups `[start, end]`; empty when end < start.
 *
 * @example
 * ```ts
 * import { computeKeyGroupRangeForOperatorIndex } from 'sluice';
 * const r = computeKeyGroupRangeForOperatorIndex(128, 4, 1); // KeyGroupRange{start=32, end=63}
 * r.contains(40); // true
 * ```
 */
export class KeyGroupRange {
  readonly start: number;
  readonly end: number;
  constructor(start: number, end: number) {
    this.start = start;
    this.end = end;
  }
  contains(keyGroup: number): boolean {
    return keyGroup >= this.start && keyGroup <= this.end;
  }
  get size(): number {
    return Math.max(0, this.end - this.start + 1);
  }
  /** Flink's accessor names, for code ported from Flink. */
  getStartKeyGroup(): number {
    return this.start;
  }
  getEndKeyGroup(): number {
    return this.end;
  }
  getNumberOfKeyGroups(): number {
    return this.size;
  }
  toString(): string {
    return `KeyGroupRange{start=${this.start}, end=${this.end}}`;
  }
  /** All key groups of `[0, maxParallelism)`. */
  static all(maxParallelism: number): KeyGroupRange {
    return new KeyGroupRange(0, maxParallelism - 1);
  }
}

function roundUpToPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Checks a (max) parallelism is an integer in [1, 32768]; `what` names the setting in the error. */
export function checkMaxParallelism(value: number, what = 'max parallelism'): number {
  if (!(Number.isInteger(value) && value >= 1 && value <= UPPER_BOUND_MAX_PARALLELISM)) {
    throw new JobConfigurationError(`${what} must be an integer between 1 and ${UPPER_BOUND_MAX_PARALLELISM}, got ${value}`);
  }
  return value;
}

/**
 * The max parallelism of an operator nobody configured: `roundUpToPowerOfTwo(p + p / 2)`
 * bounded to [128, 32768], as Flink computes it (128 up to parallelism 85).
 *
 * @example
 * ```ts
 * import { computeDefaultMaxParallelism } from 'sluice';
 * computeDefaultMaxParallelism(4);   // 128
 * computeDefaultMaxParallelism(100); // 256
 * ```
 */
export function computeDefaultMaxParallelism(parallelism: number): number {
  return Math.min(Math.max(roundUpToPowerOfTwo(parallelism + Math.floor(parallelism / 2)), DEFAULT_LOWER_BOUND_MAX_PARALLELISM), UPPER_BOUND_MAX_PARALLELISM);
}

/**
 * The key group of a key: the partition Kafka's default partitioner picks for that key among
 * `maxParallelism` partitions (`toPositive(murmur2(bytes)) % maxParallelism`, over the bytes
 * Sluice writes as the record key: UTF-8 of a string, decimal text of a number, stable JSON of an
 * object).
 *
 * @example
 * ```ts
 * import { assignToKeyGroup } from 'sluice';
 * assignToKeyGroup('user-42', 128); // = the partition a Java producer picks for key "user-42" among 128
 * ```
 */
export function assignToKeyGroup(key: unknown, maxParallelism: number): number {
  return keyGroupOf(key, maxParallelism);
}

/**
 * The subtask that owns a key group: `keyGroup * parallelism / maxParallelism`.
 *
 * @example
 * ```ts
 * import { computeOperatorIndexForKeyGroup } from 'sluice';
 * computeOperatorIndexForKeyGroup(128, 4, 40); // 1
 * ```
 */
export function computeOperatorIndexForKeyGroup(maxParallelism: number, parallelism: number, keyGroup: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

/**
 * The key groups subtask `operatorIndex` of `parallelism` owns (contiguous, as in Flink).
 *
 * @example
 * ```ts
 * import { computeKeyGroupRangeForOperatorIndex } from 'sluice';
 * computeKeyGroupRangeForOperatorIndex(128, 3, 1); // KeyGroupRange{start=43, end=85}
 * ```
 */
export function computeKeyGroupRangeForOperatorIndex(maxParallelism: number, parallelism: number, operatorIndex: number): KeyGroupRange {
  const start = Math.floor((operatorIndex * maxParallelism + parallelism - 1) / parallelism);
  const end = Math.floor(((operatorIndex + 1) * maxParallelism - 1) / parallelism);
  return new KeyGroupRange(start, end);
}

/** The subtask a key goes to: its key group, then the subtask owning that key group. */
export function assignKeyToParallelOperator(key: unknown, maxParallelism: number, parallelism: number): number {
  if (parallelism === 1) return 0;
  return computeOperatorIndexForKeyGroup(maxParallelism, parallelism, assignToKeyGroup(key, maxParallelism));
}

/**
 * The subtask of a keyed operator that processes `key` (and holds its state): the key's key
 * group, then the subtask that owns that key group. `maxParallelism` defaults to what Sluice
 * uses when none is configured (`computeDefaultMaxParallelism(parallelism)`).
 *
 * @example
 * ```ts
 * import { subtaskForKey } from 'sluice';
 * subtaskForKey('user-42', 4);      // with the default 128 key groups
 * subtaskForKey('user-42', 4, 256); // after env.setMaxParallelism(256)
 * ```
 */
export function subtaskForKey(key: unknown, parallelism: number, maxParallelism = computeDefaultMaxParallelism(parallelism)): number {
  return assignKeyToParallelOperator(key, maxParallelism, parallelism);
}
