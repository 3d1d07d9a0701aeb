import type { Boundedness } from '../../core/source.ts';
import { KafkaConfigError } from '../../core/errors/kafka-errors.ts';
import { KafkaSource } from './kafka-source.ts';
import { OffsetsInitializer } from './offsets-initializer.ts';
import type { KafkaProperties } from '../../kafka/properties.ts';
import { KafkaRecordDeserializationSchema, valueOnlyDeserializer } from './record-deserialization.ts';
import type { DeserializerLike } from './serialization.ts';
import type { KafkaSourceOptions, StoppingOffsets } from './source-config.ts';

const WHAT = 'KafkaSource.builder()';

/** Kafka properties as an object or a Map (Java's `Properties`). */
export type PropertiesLike = KafkaProperties | ReadonlyMap<string, string | number | boolean>;

/** @internal the name/value pairs of properties given either way. */
export function propertyEntries(properties: PropertiesLike): Array<[string, string | number | boolean]> {
  return properties instanceof Map ? [...properties] : Object.entries(properties ?? {});
}

/** A source that stops at given offsets but counts as unbounded (streaming), as Flink's `setUnbounded`. */
function stoppingUnbounded<T>(options: KafkaSourceOptions<T>): KafkaSource<T> {
  // Declared here, not at module level: kafka-source.ts imports this module for KafkaSource.builder().
  class StoppingUnboundedKafkaSource extends KafkaSource<T> {
    override getBoundedness(): Boundedness {
      return 'unbounded';
    }
  }
  return new StoppingUnboundedKafkaSource(options);
}

/**
 * Builds a `KafkaSource` call by call, as Flink's `KafkaSourceBuilder` (`KafkaSource.builder()`).
 * Flink's defaults and checks apply: the source starts at `OffsetsInitializer.earliest()` unless
 * told otherwise, `build()` needs bootstrap servers, a subscription (topics or a pattern) and a
 * deserializer, and committed offsets need a group id. Settings are Kafka properties
 * (`setGroupId(g)` is `setProperty('group.id', g)`); a later call wins.
 *
 * @example
 * ```ts
 * import { KafkaSource, OffsetsInitializer, SimpleStringSchema, StreamExecutionEnvironment, WatermarkStrategy } from 'sluice';
 * const source = KafkaSource.builder<string>()
 *   .setBootstrapServers('localhost:9092')
 *   .setTopics('input-topic')
 *   .setGroupId('my-group')
 *   .setStartingOffsets(OffsetsInitializer.earliest())
 *   .setValueOnlyDeserializer(new SimpleStringSchema())
 *   .build();
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.fromSource(source, WatermarkStrategy.noWatermarks(), 'Kafka Source').print();
 * ```
 */
export class KafkaSourceBuilder<T> {
  readonly #props = new Map<string, string | number | boolean>();
  #topics: string[] | undefined;
  #pattern: RegExp | undefined;
  #starting = OffsetsInitializer.earliest();
  #stopping: { at: StoppingOffsets; unbounded: boolean } | undefined;
  #deserializer: KafkaRecordDeserializationSchema<T> | undefined;
  #clientIdPrefix: string | undefined;

  /** `'host:port,host:port'` (property `bootstrap.servers`). */
  setBootstrapServers(servers: string): this {
    return this.setProperty('bootstrap.servers', servers);
  }
  /** The consumer group the job commits its offsets to (property `group.id`). */
  setGroupId(groupId: string): this {
    return this.setProperty('group.id', groupId);
  }
  /** Topics to read: `setTopics('a', 'b')` or `setTopics(['a', 'b'])`. */
  setTopics(...topics: Array<string | readonly string[]>): this {
    if (this.#pattern !== undefined) throw new KafkaConfigError(`${WHAT}: setTopics cannot be combined with setTopicPattern; subscribe one way`);
    this.#topics = topics.flat();
    return this;
  }
  /** Every topic whose whole name matches (as Java's `Pattern.matches`); topics created later are picked up by partition discovery. */
  setTopicPattern(pattern: RegExp): this {
    if (this.#topics !== undefined) throw new KafkaConfigError(`${WHAT}: setTopicPattern cannot be combined with setTopics; subscribe one way`);
    if (!(pattern instanceof RegExp)) throw new KafkaConfigError(`${WHAT}: setTopicPattern needs a RegExp`);
    this.#pattern = new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, ''));
    return this;
  }
  /** Where to start (default `OffsetsInitializer.earliest()`, as Flink). A job restored from a savepoint starts from it instead. */
  setStartingOffsets(offsets: OffsetsInitializer): this {
    this.#starting = initializer(offsets, 'setStartingOffsets');
    return this;
  }
  /** Makes the source bounded: it stops at these offsets and the job finishes (`OffsetsInitializer.latest()`, `timestamp(ms)`, `offsets(...)`). */
  setBounded(stoppingOffsets: OffsetsInitializer): this {
    this.#stopping = { at: initializer(stoppingOffsets, 'setBounded').toStoppingOffsets('setBounded'), unbounded: false };
    return this;
  }
  /** Stops at these offsets but stays a streaming (unbounded) source, as Flink's `setUnbounded`. */
  setUnbounded(stoppingOffsets: OffsetsInitializer): this {
    this.#stopping = { at: initializer(stoppingOffsets, 'setUnbounded').toStoppingOffsets('setUnbounded'), unbounded: true };
    return this;
  }
  /** Deserializes each record value, e.g. `new SimpleStringSchema()` or `new JsonSchema<T>()`. */
  setValueOnlyDeserializer(deserializer: DeserializerLike<T, unknown>): this {
    if (deserializer === null || (typeof deserializer !== 'function' && typeof deserializer?.deserialize !== 'function')) {
      throw new KafkaConfigError(`${WHAT}: setValueOnlyDeserializer needs a schema with deserialize(bytes), e.g. new SimpleStringSchema()`);
    }
    return this.setDeserializer(KafkaRecordDeserializationSchema.valueOnly(deserializer));
  }
  /** Turns each whole record (key, value, headers, ...) into zero or more elements. */
  setDeserializer(deserializer: KafkaRecordDeserializationSchema<T>): this {
    if (typeof deserializer?.deserialize !== 'function') throw new KafkaConfigError(`${WHAT}: setDeserializer needs a KafkaRecordDeserializationSchema (deserialize(record, out))`);
    this.#deserializer = deserializer;
    return this;
  }
  /** Prefix of the client ids of the source's consumers (property `client.id`). */
  setClientIdPrefix(prefix: string): this {
    this.#clientIdPrefix = prefix;
    return this;
  }
  /** One Kafka consumer property, by its Kafka name (see docs/kafka-connectors.md for those that apply). */
  setProperty(key: string, value: string | number | boolean): this {
    this.#props.set(key, value);
    return this;
  }
  /** Several Kafka consumer properties (an object or a Map). */
  setProperties(properties: PropertiesLike): this {
    for (const [k, v] of propertyEntries(properties)) this.setProperty(k, v);
    return this;
  }

  /** Checks the settings (a `KafkaConfigError` says what is missing) and makes the source. */
  build(): KafkaSource<T> {
    if (!this.#props.has('bootstrap.servers')) throw new KafkaConfigError(`${WHAT}: no bootstrap servers; call setBootstrapServers('host:port')`);
    if (this.#topics === undefined && this.#pattern === undefined) throw new KafkaConfigError(`${WHAT}: no subscription; call setTopics(...) or setTopicPattern(...)`);
    if (this.#deserializer === undefined) {
      throw new KafkaConfigError(`${WHAT}: no deserializer; call setValueOnlyDeserializer(new SimpleStringSchema()) or setDeserializer(...)`);
    }
    const starting = this.#starting.toStartingOffsets();
    if (typeof starting === 'object' && 'committed' in starting && !this.#props.has('group.id')) {
      throw new KafkaConfigError(`${WHAT}: OffsetsInitializer.committedOffsets() needs a group id; call setGroupId(...)`);
    }
    const value = valueOnlyDeserializer(this.#deserializer);
    const options: KafkaSourceOptions<T> = {
      ...(this.#topics !== undefined ? { topics: this.#topics } : { topicPattern: this.#pattern! }),
      startingOffsets: starting,
      ...(this.#stopping !== undefined && { bounded: this.#stopping.at }),
      ...(value !== undefined ? { deserializer: value as DeserializerLike<T> } : { recordDeserializer: this.#deserializer }),
      ...(this.#clientIdPrefix !== undefined && { clientId: this.#clientIdPrefix }),
      properties: Object.fromEntries(this.#props),
    };
    return this.#stopping?.unbounded ? stoppingUnbounded(options) : new KafkaSource<T>(options);
  }
}

function initializer(o: OffsetsInitializer, method: string): OffsetsInitializer {
  if (!(o instanceof OffsetsInitializer)) throw new KafkaConfigError(`${WHAT}: ${method} needs an OffsetsInitializer, e.g. OffsetsInitializer.earliest()`);
  return o;
}
