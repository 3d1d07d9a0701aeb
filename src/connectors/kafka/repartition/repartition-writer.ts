import { KafkaConnectorError } from '../../../core/errors/kafka-errors.ts';
import { SluiceErrorCodes } from '../../../core/errors/codes.ts';
import { kafkaClientLibrary } from '../../../kafka/client-library.ts';
import { keyGroupOf, keyText } from '../../../kafka/key-groups.ts';
import type { RepartitionWrite } from '../../../runtime/graph/repartition.ts';
import { OneInputOperator, type OperatorServices } from '../../../runtime/operators/operator.ts';
import { computeKeyGroupRangeForOperatorIndex } from '../../../runtime/partitioning/key-groups.ts';
import { MARKER_VALUES, type ExchangeSerde, type MarkerKind } from './exchange-records.ts';
import type { RepartitionProducer } from './repartition-producer.ts';
import { ensureRepartitionTopic } from './repartition-topic-setup.ts';
import { InFlightSends } from '../in-flight-sends.ts';

/** The codec path (src/protocol, CRC-32C), loaded by the first writer that opens: `import 'sluice'` does not load it. */
let producerModule: Promise<typeof import('./repartition-producer.ts')> | undefined;
const loadRepartitionProducer = (): Promise<typeof import('./repartition-producer.ts')> => (producerModule ??= import('./repartition-producer.ts'));
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
 * into every partition. Records are written with Sluice's codec on the worker's producer
 * (RepartitionProducer: idempotent, under exactly-once inside the checkpoint's transaction); a
 * checkpoint waits for every send (`prepareCommit`).
 */
export class RepartitionWriter extends OneInputOperator<unknown, never> {
  readonly #write: RepartitionWrite;
  readonly #serde: ExchangeSerde<unknown>;
  #services: OperatorServices | undefined;
  #out: RepartitionProducer | undefined;
  #exactlyOnce = false;
  #writer!: Buffer;
  /** value -> partition; a keyBy route leaves the record key in `#key`. */
  #partitionOf!: (value: unknown) => number;
  #key: string | undefined;
  /** Records appended since the last flush. */
  #unflushed = 0;
  #flushScheduled: NodeJS.Immediate | undefined;
  /** The producer's generation at the last tracked send (nothing new to track while it holds). */
  #sentGeneration = -1;
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
    const transaction = provider.transaction?.(connection);
    this.#exactlyOnce = transaction !== undefined;
    const { RepartitionProducer } = await loadRepartitionProducer();
    this.#out = RepartitionProducer.of(kafkaClientLibrary(), clients.producer(), transaction);
    this.#writer = Buffer.from(this.#write.writerId(this.subtaskIndex));
    this.#partitionOf = this.#router();
  }

  /** value -> partition (and the record key of a keyBy in `#key`). */
  #router(): (value: unknown) => number {
    const { partitions, readers } = this.#write.topic;
    const firstGroupOf = (subtask: number): number => computeKeyGroupRangeForOperatorIndex(partitions, readers, subtask).start;
    const p = this.#write.partitioning;
    switch (p.kind) {
      case 'hash':
        return (value) => {
          // The record key is the key's text (as UTF-8); its key group hashes the same bytes.
          const key = keyText(p.keyOf(value));
          this.#key = key;
          return keyGroupOf(key, partitions);
        };
      case 'custom':
        return (value) => {
          const subtask = p.partition(p.keyOf(value), readers);
          if (!(Number.isInteger(subtask) && subtask >= 0 && subtask < readers)) throw new RangeError(`the custom partitioner returned ${subtask}; it must be an integer in [0, ${readers})`);
          return firstGroupOf(subtask);
        };
      case 'global':
      case 'broadcast': // the broadcast topic's one partition, which every reader reads
        return () => 0;
      default: {
        // Round robin over the receiving subtasks, each sender starting at its own index (as in-process).
        let next = this.subtaskIndex;
        return () => {
          const subtask = next++ % readers;
          return firstGroupOf(subtask);
        };
      }
    }
  }

  processElement(value: unknown, timestamp: number): void {
    if (this.#inFlight.failure !== undefined) throw this.#inFlight.failure;
    this.recordsIn++;
    let partition: number;
    let bytes: Uint8Array;
    this.#key = undefined;
    try {
      partition = this.#partitionOf(value);
      bytes = this.#serde.serialize(value);
      if (!(bytes instanceof Uint8Array)) throw new TypeError(`the exchange serde's serialize() returned ${typeof bytes}; it must return a Buffer or Uint8Array`);
    } catch (e) {
      throw this.userError(e, value);
    }
    this.#out!.appendData(this.#write.topic.topic, partition, this.#now(), this.#key, bytes, timestamp);
    this.#appended();
  }

  /** The Kafka record timestamp: processing time, whole non-negative milliseconds. */
  #now(): number {
    return Math.max(0, Math.floor(this.pts.now()));
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
    const now = this.#now();
    for (let partition = 0; partition < this.#write.topic.partitions; partition++) {
      this.#out!.appendMarker(this.#write.topic.topic, partition, now, MARKER_VALUES[kind], this.#writer, watermark);
      this.#appended();
    }
  }

  #appended(): void {
    if (++this.#unflushed >= BATCH_RECORDS) this.#send();
    else this.#flushScheduled ??= setImmediate(() => this.#send());
  }

  /**
   * Hands what was appended to the producer's lingering rounds. A send is tracked (backpressure,
   * failures) only when the producer began a batch or a round since the last one: otherwise the
   * records went into batches that send already covers (with lingering rounds, one send per
   * event-loop turn would otherwise pile up to MAX_IN_FLIGHT and stall the job).
   */
  #send(urgent = false): void {
    if (this.#flushScheduled !== undefined) clearImmediate(this.#flushScheduled);
    this.#flushScheduled = undefined;
    const out = this.#out;
    if (out === undefined) return; // never opened: nothing written
    if (!urgent && (this.#unflushed === 0 || out.generation === this.#sentGeneration)) return;
    const records = this.#unflushed;
    this.#unflushed = 0;
    this.#sentGeneration = out.generation;
    this.#inFlight.track(urgent ? out.flush() : out.send(), (e) => new KafkaConnectorError(SluiceErrorCodes.KAFKA_SINK, `could not write ${records} record(s) to the repartition topic '${this.#write.topic.topic}'`, e));
  }

  /** Everything appended so far, sent now (no linger) and acknowledged. */
  async #flush(): Promise<void> {
    this.#send(true);
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
      if (this.#out !== undefined && !this.#exactlyOnce && this.#inFlight.failure === undefined) await this.#flush();
    } finally {
      this.#services?.backpressure?.release(this);
      await super.close();
    }
  }
}
