import type { Collector } from '../../core/functions/collector.ts';
import type { KafkaConsumerRecord } from './record.ts';
import { toDeserializer, type DeserializationSchema, type DeserializerLike } from './serialization.ts';

/** A whole Kafka record as Flink's `ConsumerRecord`: key and value bytes, topic, partition, offset, timestamp, headers. */
export interface KafkaRecord extends KafkaConsumerRecord<Buffer | null> {
  readonly value: Buffer | null;
}

/**
 * Flink's `KafkaRecordDeserializationSchema`: turns a whole record into zero, one or more stream
 * elements (`out.collect(...)`). Throwing hands the record to the source's `onDeserializationError`
 * policy. `KafkaRecordDeserializationSchema.valueOnly(schema)` wraps a value deserializer.
 *
 * @example
 * ```ts
 * import { KafkaRecordDeserializationSchema, type KafkaRecord, type Collector } from 'sluice';
 * const lines: KafkaRecordDeserializationSchema<string> = {
 *   deserialize(record: KafkaRecord, out: Collector<string>) {
 *     for (const line of (record.value?.toString() ?? '').split('\n')) out.collect(`${record.partition}:${line}`);
 *   },
 * };
 * ```
 */
export interface KafkaRecordDeserializationSchema<T> {
  deserialize(record: KafkaRecord, out: Collector<T>): void;
}

/** @internal a schema made by `valueOnly`, whose value deserializer the source calls directly. */
export interface ValueOnlyRecordDeserializationSchema<T> extends KafkaRecordDeserializationSchema<T> {
  readonly valueDeserializer: DeserializationSchema<T, unknown>;
}

export const KafkaRecordDeserializationSchema = {
  /** Deserializes only the value of each record (Flink's `KafkaRecordDeserializationSchema.valueOnly`). */
  valueOnly<T>(schema: DeserializerLike<T, unknown>): KafkaRecordDeserializationSchema<T> {
    const valueDeserializer = toDeserializer(schema);
    const wrapped: ValueOnlyRecordDeserializationSchema<T> = {
      valueDeserializer,
      deserialize(record, out) {
        const v = valueDeserializer.deserialize(record.value, record);
        if (v !== null && v !== undefined) out.collect(v);
      },
    };
    return wrapped;
  },
};

/** @internal the value deserializer inside a `valueOnly` schema, if it is one. */
export function valueOnlyDeserializer<T>(schema: KafkaRecordDeserializationSchema<T>): DeserializationSchema<T, unknown> | undefined {
  return (schema as Partial<ValueOnlyRecordDeserializationSchema<T>>).valueDeserializer;
}
