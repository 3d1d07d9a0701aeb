import { createRequire } from 'node:module';

/**
 * @platformatic/kafka, loaded on first use rather than at `import 'sluice'`: the library is some
 * 300 modules and compiles its option validators (ajv) as it loads, several hundred milliseconds
 * (and ~0.9 CPU-s) that a program without Kafka connectors should not pay. Synchronous (`require`
 * of the ES module, which has no top-level await), so the clients can be made where they are
 * needed; it is the same module instance that `import('@platformatic/kafka')` gives.
 */
type KafkaClientLibrary = typeof import('@platformatic/kafka');

let library: KafkaClientLibrary | undefined;

/** The client library, loaded on the first call. */
export function kafkaClientLibrary(): KafkaClientLibrary {
  return (library ??= createRequire(import.meta.url)('@platformatic/kafka') as KafkaClientLibrary);
}
