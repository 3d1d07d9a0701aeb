import type { MessageToProduce } from '@platformatic/kafka';
import type { BytesProducer, KafkaClients, TransactionalSender } from '../../core/kafka-clients.ts';
import type { CommittingSinkWriter, SinkInitContext, SinkWriterContext } from '../../core/sink.ts';
import { KafkaConfigError } from '../../core/errors/kafka-errors.ts';
import { KafkaConnectorError, KafkaSerializationError, isUnknownTopic } from '../../core/errors/kafka-errors.ts';
import { positiveMurmur2 } from './partitioner.ts';
import { firstContact } from './reachability.ts';
import type { KafkaHeaders } from './record.ts';
import type { KafkaProducerRecord, KafkaRecordSerializationSchema, KafkaSinkContext } from './record-serialization.ts';
import type { SinkConfig } from './sink-config.ts';
import { InFlightSends } from './in-flight-sends.ts';
import { SluiceErrorCodes } from '../../core/errors/codes.ts';

type Msg = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;
const MAX_TS_DELTA = 2 ** 31 - 1;
const toBuffer = (b: Buffer | string): Buffer => (typeof b === 'string' ? Buffer.from(b, 'utf8') : b);

/**
 * One parallel KafkaSink instance: buffers records into batches (sent at `batch.num.messages`,
 * `batch.size` bytes or after `linger.ms`) on the worker's producer for the cluster, keeps up to
 * `max.in.flight` sends outstanding (then holds the job's backpressure), and takes part in
 * checkpoints in two phases: `prepareCommit` sends what is buffered and (at-least-once) waits for
 * every acknowledgement, before the checkpoint commits the source positions.
 */
export class KafkaSinkWriter<T> implements CommittingSinkWriter<T> {
  readonly #cfg: SinkConfig<T>;
  readonly #producer: BytesProducer;
  /** Per-send settings: the producer is shared, these are this sink's. */
  readonly #sendOptions: Omit<Parameters<BytesProducer['send']>[0], 'messages'>;
  /** Clients of its own (a writer created outside a worker), closed with it. */
  readonly #owned: { close(): Promise<void> } | undefined;
  #batch: Msg[] = [];
  #batchBytes = 0;
  #batchFirstTs = 0;
  /** Cancels the pending linger timer. */
  #linger: (() => void) | undefined;
  readonly #inFlight: InFlightSends;
  #rr = 0;
  readonly #sinkContext: KafkaSinkContext;
  /**
   * In an exactly-once job: the worker's checkpoint transaction, which carries every record of the
   * cluster (the worker's producer is transactional; only the transaction may send on it).
   */
  readonly #transaction: TransactionalSender | undefined;

  constructor(cfg: SinkConfig<T>, clients: KafkaClients, ctx: SinkInitContext, owned?: { close(): Promise<void> }, transaction?: TransactionalSender) {
    this.#cfg = cfg;
    this.#owned = owned;
    this.#inFlight = new InFlightSends({
      maxInFlight: cfg.maxInFlight,
      hold: () => ctx.backpressure?.hold(),
      release: () => ctx.backpressure?.release(),
      onFailure: (e) => ctx.fail?.(e),
    });
    this.#sinkContext = { getParallelInstanceId: () => ctx.subtaskIndex, getNumberOfParallelInstances: () => ctx.parallelism };
    this.#transaction = transaction;
    if (cfg.guarantee === 'exactly-once') {
      if (this.#transaction === undefined) {
        throw new KafkaConfigError(
          "KafkaSink: deliveryGuarantee 'exactly-once' writes inside the checkpoints' Kafka transactions, but this job does not checkpoint exactly-once; " +
            'call env.enableCheckpointing(ms, CheckpointingMode.EXACTLY_ONCE), or use deliveryGuarantee \'at-least-once\'',
        );
      }
    }
    this.#producer = clients.producer();
    this.#sendOptions = {
      acks: cfg.acks,
      compression: cfg.compression,
      idempotent: cfg.idempotent,
      autocreateTopics: cfg.autoCreateTopics,
      partitioner: (_m: Msg, key: Buffer | undefined) => (key !== undefined ? positiveMurmur2(key) : this.#rr++ & 0x7fffffff),
    };
  }

  /**
   * Connects before the job starts. A fixed topic that does not exist is created by the cluster
   * when it allows it (the metadata request asks for it, as Kafka producers do), else the job fails
   * here naming the topic.
   */
  async init(): Promise<void> {
    const topic = this.#cfg.fixedTopic;
    await firstContact(this.#producer, this.#cfg.bootstrap, 'KafkaSink', { closeOnFailure: false });
    try {
      await this.#producer.metadata({ topics: topic !== undefined ? [topic] : [], autocreateTopics: this.#cfg.autoCreateTopics });
    } catch (e) {
      if (topic !== undefined && isUnknownTopic(e)) throw this.#unknownTopic(topic, e);
      throw new KafkaConnectorError(SluiceErrorCodes.KAFKA_SINK, `KafkaSink cannot start writing to ${topic ?? 'Kafka'}`, e);
    }
  }

  #unknownTopic(topic: string, cause: unknown): KafkaConnectorError {
    const why = this.#cfg.autoCreateTopics
      ? 'and the cluster did not create it (its auto.create.topics.enable is false)'
      : '(the sink does not ask for it to be created: allow.auto.create.topics is false)';
    return new KafkaConnectorError(SluiceErrorCodes.KAFKA_UNKNOWN_TOPIC, `KafkaSink: topic '${topic}' does not exist ${why}; create it first (sluice topics create ${topic} --partitions N)`, cause, {
      causeInMessage: false,
    });
  }

  write(value: T, ctx: SinkWriterContext): void {
    if (this.#inFlight.failure !== undefined) throw this.#inFlight.failure;
    const cfg = this.#cfg;
    if (cfg.record !== undefined) return this.#writeRecord(cfg.record, value, ctx);
    let topic = cfg.fixedTopic;
    try {
      topic ??= cfg.topic(value);
    } catch (e) {
      throw new KafkaSerializationError(String(topic), 'topic', e);
    }
    let v: Buffer | string | null;
    try {
      v = cfg.value(value);
    } catch (e) {
      throw new KafkaSerializationError(topic, 'value', e);
    }
    let k: Buffer | string | null = null;
    if (cfg.key !== undefined) {
      try {
        k = cfg.key(value) ?? null;
      } catch (e) {
        throw new KafkaSerializationError(topic, 'key', e);
      }
    }
    let h: KafkaHeaders | undefined;
    if (cfg.headers !== undefined) {
      try {
        h = cfg.headers(value);
      } catch (e) {
        throw new KafkaSerializationError(topic, 'headers', e);
      }
    }
    const key = k === null ? null : toBuffer(k);
    const partition = cfg.partitioner !== undefined ? cfg.partitioner(key, value) : undefined;
    this.#enqueue(topic, v, key, h, partition, cfg.timestamp !== undefined ? cfg.timestamp(value, ctx) : ctx.timestamp());
  }

  /** A record made whole by a KafkaRecordSerializationSchema (null: nothing to write). */
  #writeRecord(schema: KafkaRecordSerializationSchema<T>, value: T, ctx: SinkWriterContext): void {
    let r: KafkaProducerRecord | null;
    try {
      r = schema.serialize(value, this.#sinkContext, ctx.timestamp());
    } catch (e) {
      throw new KafkaSerializationError(this.#cfg.fixedTopic ?? '(from the record serializer)', 'record', e);
    }
    if (r === null || r === undefined) return;
    if (typeof r.topic !== 'string' || r.topic === '') throw new KafkaSerializationError('(none)', 'topic', new Error('the record serializer returned a record without a topic'));
    const key = r.key === null || r.key === undefined ? null : toBuffer(r.key);
    this.#enqueue(r.topic, r.value, key, r.headers, r.partition, r.timestamp ?? ctx.timestamp());
  }

  #enqueue(topic: string, v: Buffer | string | null | undefined, key: Buffer | null, h: KafkaHeaders | undefined, partition: number | undefined, given: number | undefined): void {
    const cfg = this.#cfg;
    const msg: Msg = { topic, ...(v !== null && v !== undefined && { value: toBuffer(v) }) };
    const size = 64 + (msg.value?.length ?? 0) + (key?.length ?? 0);
    if (key !== null) msg.key = key;
    if (h !== undefined) {
      const m = new Map<Buffer, Buffer>();
      for (const [k, hv] of Array.isArray(h) ? (h as ReadonlyArray<readonly [string, string | Buffer]>) : Object.entries(h)) m.set(Buffer.from(k), toBuffer(hv));
      msg.headers = m;
    }
    if (partition !== undefined) msg.partition = partition & 0x7fffffff;
    const ts = given !== undefined && Number.isFinite(given) && given >= 0 ? Math.floor(given) : Date.now();
    msg.timestamp = BigInt(ts);
    // @platformatic/kafka 2.x mis-encodes timestamp deltas beyond ±2^31 ms inside a batch: such a
    // record (event time ~25 days away from the batch's first) starts a new batch.
    if (this.#batch.length > 0 && Math.abs(ts - this.#batchFirstTs) > MAX_TS_DELTA) this.#send();
    if (this.#batch.length === 0) this.#batchFirstTs = ts;
    this.#batch.push(msg);
    this.#batchBytes += size;
    if (this.#batch.length >= cfg.batchRecords || this.#batchBytes >= cfg.batchBytes) this.#send();
    else if (this.#linger === undefined) {
      // linger.ms 0 (default): send when the job yields to the event loop, so records written in
      // one burst share a request and a lone record leaves at once.
      if (cfg.lingerMs === 0) {
        const t = setImmediate(() => this.#send());
        this.#linger = () => clearImmediate(t);
      } else {
        const t = setTimeout(() => this.#send(), cfg.lingerMs);
        this.#linger = () => clearTimeout(t);
      }
    }
  }

  #send(): void {
    if (this.#linger !== undefined) {
      this.#linger();
      this.#linger = undefined;
    }
    if (this.#batch.length === 0) return;
    const messages = this.#batch;
    this.#batch = [];
    this.#batchBytes = 0;
    const sent = this.#transaction !== undefined ? this.#transaction.send(messages) : this.#producer.send({ messages, ...this.#sendOptions });
    this.#inFlight.track(sent, (e) => {
      const topic = messages[0]!.topic;
      return isUnknownTopic(e) ? this.#unknownTopic(topic, e) : new KafkaConnectorError(SluiceErrorCodes.KAFKA_SINK, `KafkaSink could not write ${messages.length} record(s) to '${topic}'`, e);
    });
  }

  /** Sends what is buffered and waits for every acknowledgement ('none': only at the end of input). */
  async flush(endOfInput: boolean): Promise<void> {
    this.#send();
    if (this.#cfg.guarantee === 'none' && !endOfInput) return;
    await this.#inFlight.drain();
  }

  /** Checkpoint step 3: everything written so far is sent and (at-least-once) acknowledged. */
  prepareCommit(_checkpointId: number): Promise<void> {
    return this.flush(false);
  }

  /** Waits for the sends in flight; the producer is the worker's and closes with it. */
  async close(): Promise<void> {
    this.#linger?.();
    await this.#inFlight.settled();
    await this.#owned?.close();
  }
}
