import { JobConfigurationError } from '../errors/job-errors.ts';

/**
 * Picks the downstream subtask of a record from its key (`partitionCustom`): an integer in
 * `[0, numPartitions)`, numPartitions being the downstream parallelism.
 *
 * @example
 * ```ts
 * import type { Partitioner } from 'sluice';
 * const byFirstLetter: Partitioner<string> = { partition: (key, n) => key.charCodeAt(0) % n };
 * ```
 */
export interface Partitioner<K> {
  partition(key: K, numPartitions: number): number;
}
/** A {@link Partitioner} as an object or a plain function. */
export type PartitionerLike<K> = Partitioner<K> | ((key: K, numPartitions: number) => number);

export function toPartitioner<K>(p: PartitionerLike<K>): (key: K, numPartitions: number) => number {
  if (typeof p === 'function') return p;
  if (p !== null && typeof p === 'object' && typeof p.partition === 'function') return (k, n) => p.partition(k, n);
  throw new JobConfigurationError(`partitionCustom() expects a function or an object with a 'partition' method, got ${p === null ? 'null' : typeof p}`);
}
