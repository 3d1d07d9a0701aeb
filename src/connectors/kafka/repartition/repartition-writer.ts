import type { MessageToProduce } from '@platformatic/kafka';
import type { BytesProducer, TransactionalSender } from '../../../core/kafka-clients.ts';
import { KafkaConnectorError } from '../../../core/errors/kafka-errors.ts';
import { SluiceErrorCodes } from '../../../core/errors/codes.ts';
import { keyBytes, keyGroupOfBytes } from '../../../kafka/key-groups.ts';
import type { RepartitionWrite } from '../../../runtime/graph/repartition.ts';
import { OneInputOperator, type OperatorServices } from '../../../runtime/operators/operator.ts';
import { computeKeyGroupRangeForOperatorIndex } from '../../../runtime/partitioning/key-groups.ts';
import { encodeTime, HEADER_MARKER, HEADER_TIMESTAMP, HEADER_WRITER, MARKER_VALUES, type ExchangeSerde, type MarkerKind } from './exchange-records.ts';
import { ensureRepartitionTopic } from './repartition-topic-setup.ts';
import { InFlightSends } from '../in-flight-sends.ts';

type Msg = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;
const BATCH_RECORDS = 1024;
const MAX_IN_FLIGHT = 8;

/**
 * The upstream end of a repartition topic, chained to the operator that feeds the exchange: each
 * record goes to a partition — for keyBy the key group of its serialized key, which is exactly
 * the partition Kafka's default partitioner gives that record key (murmur2), so the topic is
 * co-partitioned with keyed topics other Kafka clients write; for rebalance, shuffle, global and
 * partitionCustom the first key group of the chosen receiving subtask; for broadcast the topic's
 * one partition, which every receiving subtask reads. Values are serialized with the exchange's
 * serde (`withExchangeSerde`, else the portable encoding). Watermarks and idleness go as markers
 * into every partition. Records are sent on the worker's producer (under exactly-once
 * inside the checkpoint's transaction); a checkpoint waits for every send (`prepareCommit`).
 */
export class RepartitionWriter extends OneInputOperator<unknown, never> {
  readonly #write: RepartitionWrite;
  readonly #serde: ExchangeSerde<unknown>;
  #services: OperatorServices | undefined;
  #producer: BytesProducer | undefined;
  #transaction: TransactionalSender | undefined;
  #writer!: Buffer;
  #partitionOf!: (value: unknown) => { partition: number; key: Buffer | undefined };
  #batch: Msg[] = [];
  #flushScheduled: NodeJS.Immediate | undefined;
  readonly #inFlight = new InFlightSends({
    maxInFlight: MAX_IN_FLIGHT,
    hold: () => this.#services?.backpressure?.hold(this),
    release: () => this.#services?.backpressure?.release(this),
    onFailure: (e) => this.#services?.fail?.(e),
  });
  recordsIn = 0;

  constructor(write: RepartitionWrite, serde: ExchangeSerde<unknown>) {
    super();
    this.#write = write;
    this.#serde = serde;
  }

  override setup(...args: Parameters<OneInputOperator<unknown, never>['setup']>): void {
    super.setup(...args);
    this.#services = args[1];
  }

  override async open(): Promise<void> {
    const topic = this.#write.topic;
    const provider = this.#services?.kafka;
    if (provider === undefined) throw new KafkaConnectorError(SluiceErrorCodes.KAFKA_SINK, 'a repartition writer runs only inside a Sluice worker');
    const connection = await topic.connection();
    const clients = provider.clients(connection);
    await ensureRepartitionTopic(clients, topic);
    this.#producer = clients.producer();
    this.#transaction = provider.transaction?.(connection);
    this.#writer = Buffer.from(this.#write.writerId(this.subtaskIndex));
    this.#partitionOf = this.#router();
  }

  /** value -> (partition, record key). */
  #router(): (value: unknown) => { partition: number; key: Buffer | undefined } {
    const { partitions, readers } = this.#write.topic;
    const firstGroupOf = (subtask: number): number => computeKeyGroupRangeForOperatorIndex(partitions, readers, subtask).start;
    const p = this.#write.partitioning;
    switch (p.kind) {
      case 'hash':
        return (value) => {
          const key = Buffer.from(keyBytes(p.keyOf(value)));
          return { partition: keyGroupOfBytes(key, partitions), key };
        };
      case 'custom':
        return (value) => {
          const subtask = p.partition(p.keyOf(value), readers);
          if (!(Number.isInteger(subtask) && subtask >= 0 && subtask < readers)) throw new RangeError(`the custom partitioner returned ${subtask}; it must be an integer in [0, ${readers})`);
          return { partition: firstGroupOf(subtask), key: undefined };
        };
      case 'global':
      case 'broadcast': // the broadcast topic's one partition, which every reader reads
        return () => ({ partition: 0, key: undefined });
      default: {
        // Round robin over the receiving subtasks, each sender starting at its own index (as in-process).
        let next = this.subtaskIndex;
        return () => {
          const subtask = next++ % readers;
          return { partition: firstGroupOf(subtask), key: undefined };
        };
      }
    }
  }

  processElement(value: unknown, timestamp: number): void {
    if (this.#inFlight.failure !== undefined) throw this.#inFlight.failure;
    this.recordsIn++;
    let target: { partition: number; key: Buffer | undefined };
    let bytes: Buffer;
    try {
      target = this.#partitionOf(value);
      const b = this.#serde.serialize(value);
      if (!(b instanceof Uint8Array)) throw new TypeError(`the exchange serde's serialize() returned ${typeof b}; it must return a Buffer or Uint8Array`);
      bytes = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      throw this.userError(e, value);
    }
    const headers = new Map<Buffer, Buffer>([[HEADER_TIMESTAMP, encodeTime(timestamp)]]);
    const msg: Msg = { topic: this.#write.topic.topic, partition: target.partition, value: bytes, headers, timestamp: BigInt(Math.max(0, Math.floor(this.pts.now()))) };
    if (target.key !== undefined) msg.key = target.key;
    this.#enqueue(msg);
  }

  override processWatermark(watermark: number): void {
    this.currentWatermark = watermark;
    this.#marker('w', watermark);
  }

  override processIdle(idle: boolean): void {
    this.#marker(idle ? 'i' : 'a', this.currentWatermark);
  }

  /** One marker per partition: every reader hears every writer in each partition it reads. */
  #marker(kind: MarkerKind, watermark: number): void {
    const time = encodeTime(watermark);
    const ts = BigInt(Math.max(0, Math.floor(this.pts.now())));
    for (let partition = 0; partition < this.#write.topic.partitions; partition++) {
      const headers = new Map<Buffer, Buffer>([
        [HEADER_MARKER, MARKER_VALUES[kind]],
        [HEADER_WRITER, this.#writer],
        [HEADER_TIMESTAMP, time],
      ]);
      this.#enqueue({ topic: this.#write.topic.topic, partition, headers, timestamp: ts });
    }
  }

  #enqueue(msg: Msg): void {
    this.#batch.push(msg);
    if (this.#batch.length >= BATCH_RECORDS) this.#send();
    else this.#flushScheduled ??= setImmediate(() => this.#send());
  }

  #send(): void {
    if (this.#flushScheduled !== undefined) clearImmediate(this.#flushScheduled);
    this.#flushScheduled = undefined;
    if (this.#batch.length === 0) return;
    const messages = this.#batch;
    this.#batch = [];
    const sent = this.#transaction !== undefined ? this.#transaction.send(messages) : this.#producer!.send({ messages, acks: -1 });
    this.#inFlight.track(sent, (e) => new KafkaConnectorError(SluiceErrorCodes.KAFKA_SINK, `could not write ${messages.length} record(s) to the repartition topic '${this.#write.topic.topic}'`, e));
  }

  async #flush(): Promise<void> {
    this.#send();
    await this.#inFlight.drain();
  }

  /** Checkpoint step 3: every record and marker written so far is acknowledged (or in the open transaction). */
  override async prepareCommit(): Promise<void> {
    await this.#flush();
  }

  override metrics(): ReturnType<OneInputOperator<unknown, never>['metrics']> {
    return { ...super.metrics(), recordsIn: this.recordsIn };
  }

  override async close(): Promise<void> {
    try {
      // Exactly-once: what no checkpoint committed is aborted with the transaction anyway.
      if (this.#producer !== undefined && this.#transaction === undefined && this.#inFlight.failure === undefined) await this.#flush();
    } finally {
      this.#services?.backpressure?.release(this);
      await super.close();
    }
  }
}
