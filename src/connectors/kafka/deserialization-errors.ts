import { logger } from '../../util/logger.ts';
import { KafkaConnectorError, KafkaDeserializationError } from '../../core/errors/kafka-errors.ts';
import type { DeserializationErrorPolicy } from './source-config.ts';
import type { BytesProducer, TransactionalSender } from '../../core/kafka-clients.ts';
import { SluiceErrorCodes } from '../../core/errors/codes.ts';

/** Headers a dead-lettered record carries besides its original headers. */
export const DEAD_LETTER_HEADERS = {
  topic: 'sluice.dlq.topic',
  partition: 'sluice.dlq.partition',
  offset: 'sluice.dlq.offset',
  timestamp: 'sluice.dlq.timestamp',
  errorClass: 'sluice.dlq.error.class',
  errorMessage: 'sluice.dlq.error.message',
} as const;

/** The raw record that failed. */
export interface FailedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: ReadonlyArray<readonly [string, Buffer | null]>;
}

/**
 * Applies a source's `onDeserializationError` policy: `fail` throws a KafkaDeserializationError,
 * `skip` counts and warns (the first ten, then every thousandth), `dead-letter` writes the
 * original key, value and headers to the dead-letter topic with the error in headers, on the
 * worker's producer for the cluster — in an exactly-once job inside the worker's checkpoint
 * transaction, so a dead-lettered record becomes visible with the offsets past it and never twice.
 * Dead-letter writes are acknowledged before a checkpoint commits offsets past them (`flush`).
 */
export class DeserializationErrorHandler {
  readonly #policy: DeserializationErrorPolicy;
  readonly #topic: string | undefined;
  readonly #producer: () => BytesProducer;
  readonly #transaction: TransactionalSender | undefined;
  #pending = new Set<Promise<void>>();
  #failure: Error | undefined;
  skipped = 0;
  deadLettered = 0;

  /** `transaction`: the worker's checkpoint transaction on the cluster (exactly-once jobs). */
  constructor(policy: DeserializationErrorPolicy, topic: string | undefined, producer: () => BytesProducer, transaction?: TransactionalSender) {
    this.#policy = policy;
    this.#topic = topic;
    this.#producer = producer;
    this.#transaction = transaction;
  }

  handle(record: FailedRecord, error: unknown): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#policy === 'fail') throw new KafkaDeserializationError(record.topic, record.partition, record.offset, error);
    if (this.#policy === 'skip') {
      this.skipped++;
      if (this.skipped <= 10 || this.skipped % 1000 === 0) {
        logger.warn(
          { topic: record.topic, partition: record.partition, offset: String(record.offset), skipped: this.skipped, err: error },
          `KafkaSource skipped a record it could not deserialize (${this.skipped} so far)`,
        );
      }
      return;
    }
    this.deadLettered++;
    const text = error instanceof Error ? error.message : String(error);
    const headers = new Map<Buffer, Buffer>();
    for (const [k, v] of record.headers) headers.set(Buffer.from(k), v ?? Buffer.alloc(0));
    const h = (k: string, v: string): void => void headers.set(Buffer.from(k), Buffer.from(v));
    h(DEAD_LETTER_HEADERS.topic, record.topic);
    h(DEAD_LETTER_HEADERS.partition, String(record.partition));
    h(DEAD_LETTER_HEADERS.offset, String(record.offset));
    h(DEAD_LETTER_HEADERS.timestamp, String(record.timestamp));
    h(DEAD_LETTER_HEADERS.errorClass, error instanceof Error ? error.name : typeof error);
    h(DEAD_LETTER_HEADERS.errorMessage, text.slice(0, 4000));
    const message = {
      topic: this.#topic!,
      ...(record.key !== null && { key: record.key }),
      ...(record.value !== null && { value: record.value }),
      headers,
      timestamp: BigInt(record.timestamp),
    };
    const sent = this.#transaction !== undefined ? this.#transaction.send([message]) : this.#producer().send({ acks: -1, idempotent: false, messages: [message] });
    const p: Promise<void> = sent
      .then(
        () => {},
        (e: unknown) => {
          this.#failure ??= new KafkaConnectorError(SluiceErrorCodes.KAFKA_SOURCE, `cannot write a record to the dead-letter topic '${this.#topic}'`, e);
        },
      )
      .finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  /** Resolves when the dead-letter writes so far are acknowledged; throws if one failed. */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending]);
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Waits for the writes in flight (the producer is the worker's: it closes with the worker). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }
}
