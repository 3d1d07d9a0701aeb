import type { Sink, SinkInitContext, SinkWriter } from '../../core/sink.ts';
import { KafkaSinkBuilder } from './kafka-sink-builder.ts';
import { connectionOptions } from '../../kafka/properties.ts';
import { workerClientsOf } from './worker-clients-of.ts';
import { resolveSinkConfig, type KafkaSinkOptions, type SinkConfig } from './sink-config.ts';
import { KafkaSinkWriter } from './sink-writer.ts';

/**
 * Writes a stream to Kafka (`stream.sinkTo(new KafkaSink(...))`). Keys go to partitions like
 * every Kafka client puts them (murmur2); with `deliveryGuarantee: 'at-least-once'` (default)
 * checkpoints and the end of a bounded job wait until Kafka acknowledged every record.
 *
 * @example
 * ```ts
 * import { KafkaSink, SimpleStringSchema } from 'sluice';
 * stream.sinkTo(new KafkaSink<string>({
 *   bootstrapServers: 'localhost:9092',
 *   topic: 'output',
 *   serializer: new SimpleStringSchema(),
 *   keySerializer: (line) => line.split(' ')[0] ?? null,
 * }));
 * ```
 */
export class KafkaSink<T> implements Sink<T> {
  readonly #cfg: SinkConfig<T>;

  /**
   * Flink's builder: `KafkaSink.builder<string>().setBootstrapServers(...).setRecordSerializer(...)
   * .setDeliveryGuarantee(...).build()` (see `KafkaSinkBuilder`).
   */
  static builder<T>(): KafkaSinkBuilder<T> {
    return new KafkaSinkBuilder<T>();
  }

  /** Checks the options right away: a bad setting throws a KafkaConfigError here. */
  constructor(options: KafkaSinkOptions<T>) {
    this.#cfg = resolveSinkConfig(options);
  }

  async createWriter(ctx: SinkInitContext): Promise<SinkWriter<T>> {
    const connection = { bootstrapBrokers: this.#cfg.bootstrap, ...(await connectionOptions('KafkaSink', this.#cfg.props)) };
    const { clients, owned } = workerClientsOf(ctx.kafka, connection, this.#cfg.clientId);
    const writer = new KafkaSinkWriter(this.#cfg, clients, ctx, owned);
    try {
      await writer.init();
    } catch (e) {
      await owned?.close();
      throw e;
    }
    return writer;
  }
}
