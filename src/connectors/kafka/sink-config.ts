import type { SinkWriterContext } from '../../core/sink.ts';
import { KafkaConfigError } from '../../core/errors/kafka-errors.ts';
import { COMMON_PROPERTIES, parseBootstrap, parseProperties, pick, type KafkaProperties, type PropertyValue } from '../../kafka/properties.ts';
import type { KafkaHeaders } from './record.ts';
import { toSerializer, type SerializerLike } from './serialization.ts';
import { SOURCE_PROPERTIES } from './source-config.ts';
import { recordSerializerParts, type KafkaRecordSerializationSchema } from './record-serialization.ts';

/**
 * Flink's `DeliveryGuarantee`. `NONE`: fire and forget (flushed only at the end of input);
 * `AT_LEAST_ONCE`: acks=all and checkpoints wait for every acknowledgement; `EXACTLY_ONCE`
 * (Kafka transactions committed with checkpoints) is not available yet and is refused.
 *
 * @example
 * ```ts
 * import { DeliveryGuarantee, KafkaSink } from 'sluice';
 * KafkaSink.builder<string>().setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
 * ```
 */
export const DeliveryGuarantee = { NONE: 'none', AT_LEAST_ONCE: 'at-least-once', EXACTLY_ONCE: 'exactly-once' } as const;
/** `'none'`, `'at-least-once'` (or `'exactly-once'`, refused until it is available). */
export type DeliveryGuarantee = (typeof DeliveryGuarantee)[keyof typeof DeliveryGuarantee];

/**
 * Options of a `KafkaSink`. `bootstrapServers` and `clientId` may also be given as the Kafka
 * properties `bootstrap.servers` and `client.id`.
 */
export interface KafkaSinkOptions<T> {
  bootstrapServers?: string | readonly string[];
  /** A topic name, or a function choosing the topic of each record. Needed unless `recordSerializer` is set. */
  topic?: string | ((value: T) => string);
  /**
   * Makes the whole record of each element (Flink's `KafkaRecordSerializationSchema`, e.g. from
   * `KafkaRecordSerializationSchema.builder()`); instead of topic, serializers, headers and partitioner.
   */
  recordSerializer?: KafkaRecordSerializationSchema<T>;
  /** Value serializer. Default: strings as UTF-8, Buffers as they are, anything else as JSON. */
  serializer?: SerializerLike<T>;
  /** Key of each record, from the record (e.g. `(order) => order.customerId`); `null` for no key. Strings are UTF-8 encoded. */
  keySerializer?: SerializerLike<T>;
  /** Headers of each record. */
  headers?: (value: T) => KafkaHeaders | undefined;
  /**
   * Partition of each record (taken modulo the topic's partition count). Default: Kafka's default
   * partitioner, murmur2 of the key bytes like the Java client and kafkajs, round-robin without a key.
   */
  partitioner?: (key: Buffer | null, value: T) => number;
  /** Record timestamp. Default: the element's timestamp (event time) when it has one, else the send time. */
  timestamp?: (value: T, ctx: SinkWriterContext) => number | undefined;
  /** Default `'at-least-once'`. (`'exactly-once'` comes with Kafka transactions in checkpoints.) */
  deliveryGuarantee?: DeliveryGuarantee;
  clientId?: string;
  /** Kafka producer settings by their Kafka names (`acks`, `compression.type`, `linger.ms`, ...). */
  properties?: KafkaProperties;
}

export const SINK_PROPERTIES = {
  ...COMMON_PROPERTIES,
  acks: ['all', '-1', '0', '1'],
  'compression.type': ['none', 'gzip', 'snappy', 'lz4', 'zstd'],
  'linger.ms': 'int',
  'batch.size': 'int',
  'batch.num.messages': 'int',
  'max.in.flight.requests.per.connection': 'int',
  'enable.idempotence': 'bool',
  // Kafka's producers ask the cluster to create a missing topic (when the cluster allows it); false turns that off.
  'allow.auto.create.topics': 'bool',
} as const;

/** @internal checked sink settings. */
export interface SinkConfig<T> {
  bootstrap: string[];
  clientId: string;
  topic: (value: T) => string;
  fixedTopic: string | undefined;
  value: (value: T) => Buffer | string | null;
  key: ((value: T) => Buffer | string | null) | undefined;
  headers: ((value: T) => KafkaHeaders | undefined) | undefined;
  partitioner: ((key: Buffer | null, value: T) => number) | undefined;
  timestamp: ((value: T, ctx: SinkWriterContext) => number | undefined) | undefined;
  /** Set instead of topic/value/key/headers/partitioner. */
  record: KafkaRecordSerializationSchema<T> | undefined;
  guarantee: Exclude<DeliveryGuarantee, 'exactly-once'>;
  acks: number;
  compression: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  idempotent: boolean;
  lingerMs: number;
  batchBytes: number;
  batchRecords: number;
  maxInFlight: number;
  /** Ask the cluster to create missing topics (Kafka producers do; the broker's auto.create.topics.enable decides). */
  autoCreateTopics: boolean;
  props: Map<string, PropertyValue>;
}

const WHAT = 'KafkaSink';

/** Default value serializer: strings as UTF-8, bytes as they are, anything else as JSON. */
export function defaultSerialize(v: unknown): Buffer | string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return JSON.stringify(v);
}

export function resolveSinkConfig<T>(o: KafkaSinkOptions<T>): SinkConfig<T> {
  if (o === null || typeof o !== 'object') throw new KafkaConfigError(`${WHAT} needs an options object, e.g. { bootstrapServers: 'localhost:9092', topic: 'output' }`);
  const props = parseProperties(WHAT, o.properties, SINK_PROPERTIES, { kind: 'consumers', names: SOURCE_PROPERTIES });
  const bootstrap = parseBootstrap(WHAT, pick(WHAT, typeof o.bootstrapServers === 'string' ? o.bootstrapServers : o.bootstrapServers?.join(','), 'bootstrapServers', props, 'bootstrap.servers'));
  let topic: (value: T) => string;
  let fixed: string | undefined;
  const record = o.recordSerializer;
  if (record !== undefined) {
    if (typeof record?.serialize !== 'function') throw new KafkaConfigError(`${WHAT}: recordSerializer must be a KafkaRecordSerializationSchema (serialize(element, context, timestamp))`);
    const extra = (['topic', 'serializer', 'keySerializer', 'headers', 'partitioner'] as const).filter((k) => o[k] !== undefined);
    if (extra.length > 0) throw new KafkaConfigError(`${WHAT}: recordSerializer makes the whole record; do not set ${extra.join(', ')} as well`);
    const parts = recordSerializerParts(record);
    fixed = typeof parts?.topic === 'string' ? parts.topic : undefined;
    if (fixed !== undefined && !/^[a-zA-Z0-9._-]{1,249}$/.test(fixed)) throw new KafkaConfigError(`${WHAT}: '${fixed}' is not a valid topic name`);
    topic = () => {
      throw new Error('unused: the record serializer names the topic');
    };
  } else if (typeof o.topic === 'string') {
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(o.topic)) throw new KafkaConfigError(`${WHAT}: '${o.topic}' is not a valid topic name`);
    fixed = o.topic;
    topic = () => fixed!;
  } else if (typeof o.topic === 'function') topic = o.topic;
  else throw new KafkaConfigError(`${WHAT}: topic must be a topic name or a function (value) => topic name`);
  const guarantee = o.deliveryGuarantee ?? 'at-least-once';
  if (guarantee === 'exactly-once') throw new KafkaConfigError(`${WHAT}: deliveryGuarantee 'exactly-once' is not available yet; use 'at-least-once'`);
  if (guarantee !== 'none' && guarantee !== 'at-least-once') throw new KafkaConfigError(`${WHAT}: deliveryGuarantee must be 'none' or 'at-least-once', got ${JSON.stringify(guarantee)}`);
  const acksProp = props.get('acks') as string | undefined;
  const acks = acksProp === undefined ? (guarantee === 'at-least-once' ? -1 : 1) : acksProp === 'all' ? -1 : Number(acksProp);
  if (guarantee === 'at-least-once' && acks === 0) throw new KafkaConfigError(`${WHAT}: acks=0 cannot give deliveryGuarantee 'at-least-once'; use acks=all or deliveryGuarantee 'none'`);
  const idempotent = (props.get('enable.idempotence') as boolean | undefined) ?? false;
  if (idempotent && acks !== -1) throw new KafkaConfigError(`${WHAT}: enable.idempotence=true needs acks=all`);
  for (const [name, fn] of [['serializer', o.serializer], ['keySerializer', o.keySerializer]] as const) {
    if (fn !== undefined && typeof fn !== 'function' && typeof (fn as { serialize?: unknown }).serialize !== 'function') {
      throw new KafkaConfigError(`${WHAT}: ${name} must be a function or an object with serialize(value)`);
    }
  }
  for (const [name, fn] of [['headers', o.headers], ['partitioner', o.partitioner], ['timestamp', o.timestamp]] as const) {
    if (fn !== undefined && typeof fn !== 'function') throw new KafkaConfigError(`${WHAT}: ${name} must be a function`);
  }
  const maxInFlight = (props.get('max.in.flight.requests.per.connection') as number | undefined) ?? 5;
  if (maxInFlight < 1) throw new KafkaConfigError(`${WHAT}: max.in.flight.requests.per.connection must be >= 1`);
  return {
    bootstrap,
    clientId: pick(WHAT, o.clientId, 'clientId', props, 'client.id') ?? 'sluice-sink',
    topic,
    fixedTopic: fixed,
    value: o.serializer === undefined ? (defaultSerialize as (v: T) => Buffer | string | null) : toSerializer(o.serializer),
    key: o.keySerializer === undefined ? undefined : toSerializer(o.keySerializer),
    headers: o.headers,
    partitioner: o.partitioner,
    timestamp: o.timestamp,
    record,
    guarantee,
    acks,
    compression: (props.get('compression.type') as SinkConfig<T>['compression'] | undefined) ?? 'none',
    idempotent,
    lingerMs: (props.get('linger.ms') as number | undefined) ?? 0,
    batchBytes: (props.get('batch.size') as number | undefined) ?? 262_144,
    batchRecords: (props.get('batch.num.messages') as number | undefined) ?? 10_000,
    maxInFlight,
    autoCreateTopics: (props.get('allow.auto.create.topics') as boolean | undefined) ?? true,
    props,
  };
}
