import type { KafkaConsumerRecord } from './record.ts';

/**
 * Turns the bytes of a Kafka record value into a stream element. `record` carries topic,
 * partition, offset, timestamp, headers and the key (deserialized when the source has a
 * `keyDeserializer`). Returning `null` or `undefined` drops the record (e.g. tombstones); throwing
 * hands it to the source's `onDeserializationError` policy.
 *
 * @example
 * ```ts
 * import type { DeserializationSchema } from 'sluice';
 * const csv: DeserializationSchema<string[]> = { deserialize: (bytes) => bytes?.toString('utf8').split(',') };
 * ```
 */
export interface DeserializationSchema<T, K = Buffer | null> {
  deserialize(bytes: Buffer | null, record: KafkaConsumerRecord<K>): T | null | undefined;
}
/** Turns bytes of a record key into a key (handed to the value deserializer as `record.key`). */
export interface KeyDeserializationSchema<K> {
  deserialize(bytes: Buffer | null, record: KafkaConsumerRecord<Buffer | null>): K;
}
/**
 * Turns a stream element (or its key) into bytes for a Kafka record. `null` writes a null value
 * (a tombstone on compacted topics) or no key.
 *
 * @example
 * ```ts
 * import type { SerializationSchema } from 'sluice';
 * const csv: SerializationSchema<string[]> = { serialize: (row) => Buffer.from(row.join(',')) };
 * ```
 */
export interface SerializationSchema<T> {
  serialize(value: T): Buffer | string | null;
}

/** A deserializer as a schema object or a plain function. */
export type DeserializerLike<T, K = Buffer | null> = DeserializationSchema<T, K> | DeserializationSchema<T, K>['deserialize'];
/** A serializer as a schema object or a plain function. */
export type SerializerLike<T> = SerializationSchema<T> | SerializationSchema<T>['serialize'];

/**
 * UTF-8 strings both ways (Flink's `SimpleStringSchema`). A null value (tombstone) is dropped.
 *
 * @example
 * ```ts
 * import { KafkaSource, SimpleStringSchema } from 'sluice';
 * const source = new KafkaSource({ bootstrapServers: 'localhost:9092', topics: ['test'], deserializer: new SimpleStringSchema() });
 * ```
 */
export class SimpleStringSchema implements DeserializationSchema<string, unknown>, SerializationSchema<string> {
  deserialize(bytes: Buffer | null): string | null {
    return bytes === null ? null : bytes.toString('utf8');
  }
  serialize(value: string): Buffer {
    return Buffer.from(String(value), 'utf8');
  }
}

/**
 * JSON both ways. The optional validator checks (and narrows) parsed values: return true to
 * accept, false or throw to reject (the record then follows the `onDeserializationError` policy).
 *
 * @example
 * ```ts
 * import { JsonSchema } from 'sluice';
 * interface Click { user: string; ts: number }
 * const clicks = new JsonSchema<Click>((v): v is Click => typeof (v as Click).user === 'string' && typeof (v as Click).ts === 'number');
 * ```
 */
export class JsonSchema<T> implements DeserializationSchema<T, unknown>, SerializationSchema<T> {
  readonly #validate: ((value: unknown) => boolean) | undefined;
  constructor(validate?: (value: unknown) => value is T) {
    this.#validate = validate;
  }
  deserialize(bytes: Buffer | null): T | null {
    if (bytes === null) return null;
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    if (this.#validate !== undefined && !this.#validate(value)) {
      throw new Error(`JSON value rejected by the validator: ${bytes.toString('utf8').slice(0, 120)}`);
    }
    return value as T;
  }
  serialize(value: T): Buffer {
    return Buffer.from(JSON.stringify(value), 'utf8');
  }
}

/** The bytes as they are (null values dropped). */
export class RawBytesSchema implements DeserializationSchema<Buffer, unknown>, SerializationSchema<Buffer | Uint8Array> {
  deserialize(bytes: Buffer | null): Buffer | null {
    return bytes;
  }
  serialize(value: Buffer | Uint8Array): Buffer {
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
}

/** @internal a deserializer object from a schema or function. */
export function toDeserializer<T, K>(d: DeserializerLike<T, K>): DeserializationSchema<T, K> {
  return typeof d === 'function' ? { deserialize: d } : d;
}
/** @internal a serializer function from a schema or function. */
export function toSerializer<T>(s: SerializerLike<T>): (value: T) => Buffer | string | null {
  return typeof s === 'function' ? s : (v: T) => s.serialize(v);
}
