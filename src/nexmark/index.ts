// The Nexmark benchmark's data: generator, event model, Kafka format and in-job source.
export * from './model.ts';
export * from './config.ts';
export { NexmarkGenerator } from './generator.ts';
export { toKafkaJson, fromKafkaJson, formatSqlTimestamp, parseSqlTimestamp, NexmarkFormatError } from './json-format.ts';
export { nexmarkSource, nexmarkWatermarks, NEXMARK_OUT_OF_ORDERNESS_MS } from './source.ts';
export type { NexmarkSourceOptions } from './source.ts';
export { nexmarkKafkaSource } from './kafka-source.ts';
