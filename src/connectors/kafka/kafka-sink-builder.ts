import { KafkaConfigError } from '../../core/errors/kafka-errors.ts';
import { KafkaSink } from './kafka-sink.ts';
import { propertyEntries, type PropertiesLike } from './kafka-source-builder.ts';
import type { KafkaRecordSerializationSchema } from './record-serialization.ts';
import { DeliveryGuarantee } from './sink-config.ts';

const WHAT = 'KafkaSink.builder()';

/**
 * Builds a `KafkaSink` call by call, as Flink's `KafkaSinkBuilder` (`KafkaSink.builder()`).
 * Flink's defaults and checks apply: the delivery guarantee is `DeliveryGuarantee.NONE` unless
 * set, and `build()` needs bootstrap servers and a record serializer. Settings are Kafka producer
 * properties (a later call wins). A missing topic is created by the cluster when it allows it
 * (`setProperty('allow.auto.create.topics', 'false')` turns the request off).
 *
 * @example
 * ```ts
 * import { DeliveryGuarantee, KafkaRecordSerializationSchema, KafkaSink, SimpleStringSchema } from 'sluice';
 * const sink = KafkaSink.builder<string>()
 *   .setBootstrapServers('localhost:9092')
 *   .setRecordSerializer(
 *     KafkaRecordSerializationSchema.builder<string>().setTopic('output').setValueSerializationSchema(new SimpleStringSchema()).build(),
 *   )
 *   .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
 *   .build();
 * stream.sinkTo(sink);
 * ```
 */
export class KafkaSinkBuilder<T> {
  readonly #props = new Map<string, string | number | boolean>();
  #serializer: KafkaRecordSerializationSchema<T> | undefined;
  #guarantee: DeliveryGuarantee = DeliveryGuarantee.NONE;
  #transactionalIdPrefix: string | undefined;

  /** `'host:port,host:port'` (property `bootstrap.servers`). */
  setBootstrapServers(servers: string): this {
    return this.setProperty('bootstrap.servers', servers);
  }
  /** How each element becomes a Kafka record (see `KafkaRecordSerializationSchema.builder()`). */
  setRecordSerializer(serializer: KafkaRecordSerializationSchema<T>): this {
    if (typeof serializer?.serialize !== 'function') throw new KafkaConfigError(`${WHAT}: setRecordSerializer needs a KafkaRecordSerializationSchema, e.g. KafkaRecordSerializationSchema.builder().setTopic(...)...build()`);
    this.#serializer = serializer;
    return this;
  }
  /** `DeliveryGuarantee.NONE` (Flink's default) or `AT_LEAST_ONCE`; `EXACTLY_ONCE` is not available yet. */
  setDeliveryGuarantee(guarantee: DeliveryGuarantee): this {
    this.#guarantee = guarantee;
    return this;
  }
  /** Accepted for Flink programs; it names transactions, which only `EXACTLY_ONCE` uses. */
  setTransactionalIdPrefix(prefix: string): this {
    if (typeof prefix !== 'string' || prefix === '') throw new KafkaConfigError(`${WHAT}: setTransactionalIdPrefix needs a non-empty string`);
    this.#transactionalIdPrefix = prefix;
    return this;
  }
  /** One Kafka producer property, by its Kafka name (`acks`, `compression.type`, `linger.ms`, ...). */
  setProperty(key: string, value: string | number | boolean): this {
    this.#props.set(key, value);
    return this;
  }
  /** Several Kafka producer properties (an object or a Map), as Flink's `setKafkaProducerConfig`. */
  setKafkaProducerConfig(properties: PropertiesLike): this {
    for (const [k, v] of propertyEntries(properties)) this.setProperty(k, v);
    return this;
  }

  /** Checks the settings (a `KafkaConfigError` says what is missing) and makes the sink. */
  build(): KafkaSink<T> {
    if (!this.#props.has('bootstrap.servers')) throw new KafkaConfigError(`${WHAT}: no bootstrap servers; call setBootstrapServers('host:port')`);
    if (this.#serializer === undefined) {
      throw new KafkaConfigError(`${WHAT}: no record serializer; call setRecordSerializer(KafkaRecordSerializationSchema.builder().setTopic(...).setValueSerializationSchema(...).build())`);
    }
    if (this.#guarantee === DeliveryGuarantee.EXACTLY_ONCE && this.#transactionalIdPrefix === undefined) {
      throw new KafkaConfigError(`${WHAT}: DeliveryGuarantee.EXACTLY_ONCE needs setTransactionalIdPrefix(...) (and is not available yet; use AT_LEAST_ONCE)`);
    }
    return new KafkaSink<T>({ recordSerializer: this.#serializer, deliveryGuarantee: this.#guarantee, properties: Object.fromEntries(this.#props) });
  }
}
