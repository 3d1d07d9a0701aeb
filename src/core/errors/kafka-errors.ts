import { SluiceErrorCodes as C } from './codes.ts';
import { SluiceError } from './sluice-error.ts';

/**
 * A Kafka connector setting is wrong (unknown property, bad value, conflicting options). Thrown
 * when the source or sink is built, before the job runs.
 *
 * @example
 * ```ts
 * import { KafkaSource, KafkaConfigError } from 'sluice';
 * try { new KafkaSource({ topics: [] }); } catch (e) { if (e instanceof KafkaConfigError) console.error(e.message); }
 * ```
 */
export class KafkaConfigError extends SluiceError {
  constructor(message: string) {
    super(C.KAFKA_CONFIG, message);
  }
}

/**
 * A record could not be deserialized and the source's policy is `'fail'` (the default). The
 * message names topic, partition and offset; `cause` is the deserializer's error.
 */
export class KafkaDeserializationError extends SluiceError {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  constructor(topic: string, partition: number, offset: bigint, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      C.KAFKA_DESERIALIZATION,
      `cannot deserialize the record at ${topic}/${partition} offset ${offset}: ${reason}. ` +
        `Fix the deserializer, or set onDeserializationError: 'skip' or 'dead-letter' (with deadLetterTopic) on the KafkaSource.`,
      { cause },
    );
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
  }
}

/** A value or key could not be serialized by a KafkaSink. */
export class KafkaSerializationError extends SluiceError {
  readonly topic: string;
  constructor(topic: string, what: 'key' | 'value' | 'headers' | 'topic' | 'record', cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(C.KAFKA_SERIALIZATION, `cannot serialize the ${what} of a record for topic '${topic}': ${reason}`, { cause });
    this.topic = topic;
  }
}

/**
 * Kafka itself failed the connector: the cluster is unreachable, a topic does not exist, a send
 * or fetch failed after the client's retries. `cause` is the client's error.
 */
export class KafkaConnectorError extends SluiceError {
  /** The bootstrap servers the connector could not reach (`SLUICE_KAFKA_UNREACHABLE`). */
  readonly bootstrap: string | undefined;
  /**
   * The client's error text is appended to `message` unless `causeInMessage` is false (when the
   * message already says everything the cause would repeat); `cause` keeps it either way.
   */
  constructor(
    code: typeof C.KAFKA_UNREACHABLE | typeof C.KAFKA_UNKNOWN_TOPIC | typeof C.KAFKA_SOURCE | typeof C.KAFKA_SINK,
    message: string,
    cause?: unknown,
    { causeInMessage = true, bootstrap }: { causeInMessage?: boolean; bootstrap?: string } = {},
  ) {
    super(code, cause === undefined || !causeInMessage ? message : `${message}: ${errorText(cause)}`, cause === undefined ? undefined : { cause });
    this.bootstrap = bootstrap;
  }
}

/** Whether a client error says that a topic does not exist (Kafka's UNKNOWN_TOPIC_OR_PARTITION). */
export function isUnknownTopic(e: unknown): boolean {
  return /UNKNOWN_TOPIC|unknown topic/i.test(`${e instanceof Error ? e.message : ''} ${errorText(e)}`);
}

/** The message of an error and of the errors it aggregates (the Kafka client nests them). */
export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const inner = (e as Error & { errors?: unknown[] }).errors;
  if (Array.isArray(inner) && inner.length > 0) {
    const first = inner.map(errorText).filter((m) => m !== e.message)[0];
    if (first !== undefined) return `${e.message} (${first})`;
  }
  return e.message;
}
