import { murmur2 } from '../../util/murmur2.ts';

/**
 * Kafka's default partitioning as the Java client does it: a keyed record goes to
 * `toPositive(murmur2(key)) % partitions` (so `sluice produce` places keys where any other Kafka
 * client would); records without a key are spread round-robin. The client applies the modulo.
 */
export function javaCompatiblePartitioner(): (message: unknown, key: Buffer | undefined) => number {
  let next = 0;
  return (_message, key) => {
    if (key !== undefined) return murmur2(key) & 0x7fffffff;
    next = (next + 1) & 0x7fffffff;
    return next;
  };
}
