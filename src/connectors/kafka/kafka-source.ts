import type { KafkaConnection } from '../../core/kafka-clients.ts';
import type { Boundedness, Source, SourceReader, SourceReaderContext } from '../../core/source.ts';
import { KafkaSourceBuilder } from './kafka-source-builder.ts';
import { connectionOptions } from '../../kafka/properties.ts';
import { workerClientsOf } from './worker-clients-of.ts';
import { KafkaSourceReader, type KafkaSourceState } from './source-reader.ts';
import { resolveSourceConfig, type KafkaSourceOptions, type SourceConfig } from './source-config.ts';

/**
 * Reads Kafka topics into a stream (`env.fromSource(new KafkaSource(...), strategy, name)`).
 *
 * - Parallel subtasks share the partitions: Sluice assigns each partition to one subtask (Flink's
 *   rule, see `subtaskForPartition`), without the group protocol; the group only stores offsets.
 * - Each partition is a split with its own watermark generator; the subtask's watermark is the
 *   minimum over its partitions. Record timestamps are the event time unless the strategy assigns others.
 * - Offsets are committed to `groupId` by the job's checkpoints, after the sinks flushed everything
 *   derived from them (at-least-once across crashes); the reader hands them to the checkpoint
 *   coordinator and never commits by itself.
 * - Its consumers, admin and dead-letter producer are the worker's clients of the cluster, shared
 *   with the job's other sources and sinks there.
 * - `bounded` makes the job finish at the given end offsets.
 *
 * @example
 * ```ts
 * import { KafkaSource, SimpleStringSchema, StreamExecutionEnvironment, WatermarkStrategy } from 'sluice';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * const source = new KafkaSource({
 *   bootstrapServers: 'localhost:9092',
 *   topics: ['test'],
 *   groupId: 'my-job',
 *   startingOffsets: 'earliest',
 *   deserializer: new SimpleStringSchema(),
 * });
 * env.fromSource(source, WatermarkStrategy.forMonotonousTimestamps(), 'test').print();
 * await env.execute('read test');
 * ```
 */
export class KafkaSource<T, K = Buffer | null> implements Source<T> {
  readonly providesTimestamps = true;
  readonly #cfg: SourceConfig<T, K>;

  /**
   * Flink's builder: `KafkaSource.builder<string>().setBootstrapServers(...).setTopics(...)
   * .setValueOnlyDeserializer(new SimpleStringSchema()).build()` (see `KafkaSourceBuilder`).
   */
  static builder<T>(): KafkaSourceBuilder<T> {
    return new KafkaSourceBuilder<T>();
  }

  /** Checks the options right away: a bad setting throws a KafkaConfigError here, not when the job runs. */
  constructor(options: KafkaSourceOptions<T, K>) {
    this.#cfg = resolveSourceConfig(options);
  }

  /** The cluster this source reads. */
  async kafkaConnection(): Promise<KafkaConnection> {
    return { bootstrapBrokers: this.#cfg.bootstrap, ...(await connectionOptions('KafkaSource', this.#cfg.props)) } as KafkaConnection;
  }

  getBoundedness(): Boundedness {
    return this.#cfg.stopping === undefined ? 'unbounded' : 'bounded';
  }

  /** The union of the readers' partition offsets: whoever is assigned a partition resumes it. */
  combineReaderStates(states: readonly unknown[]): KafkaSourceState {
    return { offsets: states.flatMap((s) => (s as KafkaSourceState | undefined)?.offsets ?? []) };
  }

  createReader(ctx: SourceReaderContext, restoredState?: unknown): SourceReader<T> {
    let reader: KafkaSourceReader<T, K> | undefined;
    let own: { close(): Promise<void> } | undefined;
    const cfg = this.#cfg;
    // TLS files are read asynchronously: build the reader in start().
    const lazy: SourceReader<T> = {
      start: async () => {
        const connection = { bootstrapBrokers: cfg.bootstrap, ...(await connectionOptions('KafkaSource', cfg.props)) };
        const { clients, owned } = workerClientsOf(ctx.kafka, connection, cfg.clientId);
        own = owned;
        reader = new KafkaSourceReader(cfg, connection, clients, ctx, restoredState as KafkaSourceState | undefined);
        await reader.start();
      },
      pollNext: (out) => reader!.pollNext(out),
      isAvailable: () => reader!.isAvailable(),
      snapshotState: (id) => reader?.snapshotState(id),
      positionsToCommit: (id) => reader?.positionsToCommit(id),
      notifyCheckpointComplete: (id) => reader?.notifyCheckpointComplete(id),
      pauseOrResumeSplits: (pause, resume) => reader?.pauseOrResumeSplits(pause, resume),
      splitProgress: () => reader?.splitProgress() ?? [],
      close: async () => {
        await reader?.close();
        await own?.close();
      },
    };
    return lazy;
  }
}
