// Kafka connectors: public surface (re-exported from the package root).
export { KafkaSource } from './kafka-source.ts';
export type { KafkaSourceOptions, StartingOffsets, StoppingOffsets, PartitionOffsets, OffsetResetStrategy, DeserializationErrorPolicy } from './source-config.ts';
export type { KafkaSourceState } from './source-reader.ts';
export { KafkaSink } from './kafka-sink.ts';
export type { KafkaSinkOptions, DeliveryGuarantee } from './sink-config.ts';
export { SimpleStringSchema, JsonSchema, RawBytesSchema } from './serialization.ts';
export type { DeserializationSchema, KeyDeserializationSchema, SerializationSchema, DeserializerLike, SerializerLike } from './serialization.ts';
export type { KafkaConsumerRecord, KafkaHeaders } from './record.ts';
export { headerValue } from './record.ts';
export type { KafkaProperties } from './properties.ts';
export { KafkaConfigError, KafkaDeserializationError, KafkaSerializationError, KafkaConnectorError } from './errors.ts';
export { DEAD_LETTER_HEADERS } from './deserialization-errors.ts';
export { kafkaPartitionForKey } from './partitioner.ts';
export { subtaskForPartition } from './assignment.ts';
