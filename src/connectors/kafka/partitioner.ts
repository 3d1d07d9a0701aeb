import { murmur2 } from '../../util/murmur2.ts';

/**
 * Kafka's default partitioner for a keyed record: `toPositive(murmur2(keyBytes)) % partitions`,
 * exactly what the Java client and kafkajs' DefaultPartitioner compute, so a Sluice sink puts a
 * key in the same partition as any other Kafka client does.
 *
 * @example
 * ```ts
 * import { kafkaPartitionForKey } from 'sluice';
 * kafkaPartitionForKey(Buffer.from('user-42'), 6); // the partition kafkajs and Java choose
 * ```
 */
export function kafkaPartitionForKey(key: Uint8Array, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

/** The positive murmur2 hash; the client takes it modulo the partition count. */
export function positiveMurmur2(key: Uint8Array): number {
  return murmur2(key) & 0x7fffffff;
}
