import { KafkaConfigError } from '../../core/errors/kafka-errors.ts';
import type { KafkaHeaders } from './record.ts';
import { toSerializer, type SerializerLike } from './serialization.ts';

/** A record for Kafka, as Flink's `ProducerRecord`: strings are UTF-8 encoded; no partition = the sink's partitioner. */
export interface KafkaProducerRecord {
  readonly topic: string;
  readonly value: Buffer | string | null;
  readonly key?: Buffer | string | null;
  readonly partition?: number;
  /** Default: the element's timestamp, else the send time. */
  readonly timestamp?: number;
  readonly headers?: KafkaHeaders;
}

/** Where a sink writer runs, as Flink's `KafkaRecordSerializationSchema.KafkaSinkContext`. */
export interface KafkaSinkContext {
  getParallelInstanceId(): number;
  getNumberOfParallelInstances(): number;
}

/**
 * Flink's `KafkaRecordSerializationSchema`: makes the Kafka record of each element (topic, key,
 * value, partition, headers). `null` writes nothing. Build the usual one with
 * `KafkaRecordSerializationSchema.builder()`, or implement `serialize` for full control.
 *
 * @example
 * ```ts
 * import { KafkaRecordSerializationSchema, KafkaSink, SimpleStringSchema } from 'sluice';
 * const sink = KafkaSink.builder<string>()
 *   .setBootstrapServers('localhost:9092')
 *   .setRecordSerializer(
 *     KafkaRecordSerializationSchema.builder<string>()
 *       .setTopic('output')
 *       .setValueSerializationSchema(new SimpleStringSchema())
 *       .build(),
 *   )
 *   .build();
 * ```
 */
export interface KafkaRecordSerializationSchema<T> {
  serialize(element: T, context: KafkaSinkContext, timestamp: number | undefined): KafkaProducerRecord | null;
}

/**
 * Flink's `FlinkKafkaPartitioner`: the partition of a record. `partitions` lists the topic's
 * partitions when the sink knows them (a fixed topic), else it is empty; the result is taken
 * modulo the topic's partition count.
 */
export interface KafkaPartitioner<T> {
  partition(record: T, key: Buffer | null, value: Buffer | null, targetTopic: string, partitions: readonly number[]): number;
}

/** @internal the parts of a schema made by the builder, which the sink uses directly. */
export interface RecordSerializerParts<T> {
  topic: string | ((element: T) => string);
  value: SerializerLike<T>;
  key: SerializerLike<T> | undefined;
  partitioner: KafkaPartitioner<T> | undefined;
  headers: ((element: T) => KafkaHeaders | undefined) | undefined;
}

const WHAT = 'KafkaRecordSerializationSchema.builder()';

/** The schema `KafkaRecordSerializationSchemaBuilder.build()` makes. */
class BuiltRecordSerializationSchema<T> implements KafkaRecordSerializationSchema<T> {
  readonly parts: RecordSerializerParts<T>;
  readonly #value: (v: T) => Buffer | string | null;
  readonly #key: ((v: T) => Buffer | string | null) | undefined;
  constructor(parts: RecordSerializerParts<T>) {
    this.parts = parts;
    this.#value = toSerializer(parts.value);
    this.#key = parts.key === undefined ? undefined : toSerializer(parts.key);
  }
  serialize(element: T, _context: KafkaSinkContext, timestamp: number | undefined): KafkaProducerRecord {
    const { topic, partitioner, headers } = this.parts;
    const target = typeof topic === 'string' ? topic : topic(element);
    const value = this.#value(element);
    const key = this.#key?.(element) ?? null;
    const bytes = (b: Buffer | string | null): Buffer | null => (typeof b === 'string' ? Buffer.from(b) : b);
    const h = headers?.(element);
    return {
      topic: target,
      value,
      key,
      ...(partitioner !== undefined && { partition: partitioner.partition(element, bytes(key), bytes(value), target, []) }),
      ...(timestamp !== undefined && { timestamp }),
      ...(h !== undefined && { headers: h }),
    };
  }
}

/** @internal the builder's parts, when the schema was made by the builder. */
export function recordSerializerParts<T>(schema: KafkaRecordSerializationSchema<T>): RecordSerializerParts<T> | undefined {
  return schema instanceof BuiltRecordSerializationSchema ? (schema.parts as RecordSerializerParts<T>) : undefined;
}

/**
 * Builds a `KafkaRecordSerializationSchema` as Flink's builder: a topic (fixed or per element), a
 * value serialization schema, optionally a key schema, a partitioner and headers.
 */
export class KafkaRecordSerializationSchemaBuilder<T> {
  #topic: RecordSerializerParts<T>['topic'] | undefined;
  #value: SerializerLike<T> | undefined;
  #key: SerializerLike<T> | undefined;
  #partitioner: KafkaPartitioner<T> | undefined;
  #headers: RecordSerializerParts<T>['headers'];

  /** Every record goes to this topic. */
  setTopic(topic: string): this {
    if (this.#topic !== undefined) throw new KafkaConfigError(`${WHAT}: the topic is already set (setTopic or setTopicSelector, once)`);
    if (typeof topic !== 'string') throw new KafkaConfigError(`${WHAT}: setTopic needs a topic name`);
    this.#topic = topic;
    return this;
  }
  /** The topic of each record, from the element. */
  setTopicSelector(selector: (element: T) => string): this {
    if (this.#topic !== undefined) throw new KafkaConfigError(`${WHAT}: the topic is already set (setTopic or setTopicSelector, once)`);
    if (typeof selector !== 'function') throw new KafkaConfigError(`${WHAT}: setTopicSelector needs a function (element) => topic`);
    this.#topic = selector;
    return this;
  }
  /** The value of each record, e.g. `new SimpleStringSchema()` or `new JsonSchema<T>()`. */
  setValueSerializationSchema(schema: SerializerLike<T>): this {
    if (this.#value !== undefined) throw new KafkaConfigError(`${WHAT}: the value serializer is already set`);
    this.#value = serializer(schema, 'setValueSerializationSchema');
    return this;
  }
  /** The key of each record, from the element (a schema or a function); without it records have no key. */
  setKeySerializationSchema(schema: SerializerLike<T>): this {
    if (this.#key !== undefined) throw new KafkaConfigError(`${WHAT}: the key serializer is already set`);
    this.#key = serializer(schema, 'setKeySerializationSchema');
    return this;
  }
  /** Chooses the partition of each record; default: Kafka's (murmur2 of the key, round-robin without one). */
  setPartitioner(partitioner: KafkaPartitioner<T>): this {
    if (typeof partitioner?.partition !== 'function') throw new KafkaConfigError(`${WHAT}: setPartitioner needs an object with partition(record, key, value, targetTopic, partitions)`);
    this.#partitioner = partitioner;
    return this;
  }
  /** Headers of each record. */
  setHeaderProvider(provider: (element: T) => KafkaHeaders | undefined): this {
    if (typeof provider !== 'function') throw new KafkaConfigError(`${WHAT}: setHeaderProvider needs a function (element) => headers`);
    this.#headers = provider;
    return this;
  }
  build(): KafkaRecordSerializationSchema<T> {
    if (this.#topic === undefined) throw new KafkaConfigError(`${WHAT}: no topic; call setTopic('output') or setTopicSelector(...)`);
    if (this.#value === undefined) throw new KafkaConfigError(`${WHAT}: no value serializer; call setValueSerializationSchema(new SimpleStringSchema())`);
    return new BuiltRecordSerializationSchema<T>({ topic: this.#topic, value: this.#value, key: this.#key, partitioner: this.#partitioner, headers: this.#headers });
  }
}

function serializer<T>(s: SerializerLike<T>, method: string): SerializerLike<T> {
  if (typeof s !== 'function' && typeof s?.serialize !== 'function') throw new KafkaConfigError(`${WHAT}: ${method} needs a schema with serialize(value) or a function`);
  return s;
}

export const KafkaRecordSerializationSchema = {
  /** Flink's `KafkaRecordSerializationSchema.builder()`. */
  builder<T>(): KafkaRecordSerializationSchemaBuilder<T> {
    return new KafkaRecordSerializationSchemaBuilder<T>();
  },
};
