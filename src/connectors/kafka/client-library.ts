/**
 * @platformatic/kafka, loaded when the first Kafka source or sink starts rather than at
 * `import 'sluice'`: the library is some 300 modules and compiles its option validators (ajv) as it
 * loads, several hundred milliseconds that a program without Kafka connectors should not pay.
 * Async entry points (`KafkaSink.createWriter`, `KafkaSourceReader.start`) await
 * `loadKafkaClientLibrary()`; code that runs after them takes it synchronously from `kafkaClientLibrary()`.
 */
type KafkaClientLibrary = typeof import('@platformatic/kafka');

let library: KafkaClientLibrary | undefined;

/** Loads the client library (once). */
export async function loadKafkaClientLibrary(): Promise<KafkaClientLibrary> {
  return (library ??= await import('@platformatic/kafka'));
}

/** The client library, which an async entry point has loaded with `loadKafkaClientLibrary()`. */
export function kafkaClientLibrary(): KafkaClientLibrary {
  if (library === undefined) throw new Error('Sluice bug: the Kafka client library is used before loadKafkaClientLibrary() loaded it');
  return library;
}
