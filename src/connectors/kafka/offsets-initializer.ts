import { KafkaConfigError } from '../../core/errors/kafka-errors.ts';
import type { PartitionOffsets, StartingOffsets, StoppingOffsets } from './source-config.ts';

/**
 * Flink's `OffsetResetStrategy`: what a source does where it has no offset to start from.
 * `NONE` fails the job (Sluice's `'fail'`).
 *
 * @example
 * ```ts
 * import { OffsetResetStrategy, OffsetsInitializer } from 'sluice';
 * const start = OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
 * ```
 */
export const OffsetResetStrategy = { EARLIEST: 'earliest', LATEST: 'latest', NONE: 'fail' } as const;
/** What to do where there is no offset (no committed offset, or an offset out of range): `'earliest'`, `'latest'` or `'fail'`. */
export type OffsetResetStrategy = (typeof OffsetResetStrategy)[keyof typeof OffsetResetStrategy];

/** A partition of a topic, as Flink's `TopicPartition`. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** Explicit offsets: `{ topic: { partition: offset } }`, or a Map from `{ topic, partition }` to an offset. */
export type OffsetsByPartition = PartitionOffsets | ReadonlyMap<TopicPartition, number | bigint>;

type Kind = 'earliest' | 'latest' | 'committed' | 'timestamp' | 'offsets';

/**
 * Where a `KafkaSource` built with `KafkaSource.builder()` starts (`setStartingOffsets`) or stops
 * (`setBounded` / `setUnbounded`), with the names of Flink's `OffsetsInitializer`.
 *
 * @example
 * ```ts
 * import { KafkaSource, OffsetsInitializer, SimpleStringSchema } from 'sluice';
 * const source = KafkaSource.builder<string>()
 *   .setBootstrapServers('localhost:9092')
 *   .setTopics('test')
 *   .setStartingOffsets(OffsetsInitializer.earliest())
 *   .setBounded(OffsetsInitializer.latest())
 *   .setValueOnlyDeserializer(new SimpleStringSchema())
 *   .build();
 * ```
 */
export class OffsetsInitializer {
  readonly #kind: Kind;
  readonly #starting: StartingOffsets;

  private constructor(kind: Kind, starting: StartingOffsets) {
    this.#kind = kind;
    this.#starting = starting;
  }

  /** The first offset still in each partition. */
  static earliest(): OffsetsInitializer {
    return new OffsetsInitializer('earliest', 'earliest');
  }
  /** The end of each partition (as it is when the job starts). */
  static latest(): OffsetsInitializer {
    return new OffsetsInitializer('latest', 'latest');
  }
  /**
   * The consumer group's committed offsets; where there is none, `reset` decides (Flink's default:
   * `OffsetResetStrategy.NONE`, the job fails). Needs a group id.
   */
  static committedOffsets(reset: OffsetResetStrategy = OffsetResetStrategy.NONE): OffsetsInitializer {
    if (!Object.values(OffsetResetStrategy).includes(reset)) {
      throw new KafkaConfigError(`OffsetsInitializer.committedOffsets(reset): reset must be OffsetResetStrategy.EARLIEST, LATEST or NONE, got ${JSON.stringify(reset)}`);
    }
    return new OffsetsInitializer('committed', { committed: reset });
  }
  /** The first record whose timestamp is at or after `timestamp` (ms since the epoch); the end where there is none. */
  static timestamp(timestamp: number): OffsetsInitializer {
    if (!Number.isFinite(timestamp) || timestamp < 0) throw new KafkaConfigError(`OffsetsInitializer.timestamp(ms) needs a time in ms >= 0, got ${timestamp}`);
    return new OffsetsInitializer('timestamp', { timestamp });
  }
  /** Explicit offsets; partitions not listed start per `reset` (default `OffsetResetStrategy.EARLIEST`, as Flink). */
  static offsets(offsets: OffsetsByPartition, reset: OffsetResetStrategy = OffsetResetStrategy.EARLIEST): OffsetsInitializer {
    return new OffsetsInitializer('offsets', { offsets: toPartitionOffsets(offsets), fallback: reset });
  }

  /** @internal as the `startingOffsets` option. */
  toStartingOffsets(): StartingOffsets {
    return this.#starting;
  }

  /** @internal as the `bounded` option (where a source stops). */
  toStoppingOffsets(method: string): StoppingOffsets {
    const s = this.#starting;
    if (this.#kind === 'latest') return 'latest';
    if (typeof s === 'object' && 'timestamp' in s) return { timestamp: s.timestamp };
    if (typeof s === 'object' && 'offsets' in s) return { offsets: s.offsets };
    throw new KafkaConfigError(`KafkaSource.builder(): ${method} supports OffsetsInitializer.latest(), timestamp(ms) and offsets(...); ${this.#kind} offsets as an end are not supported`);
  }
}

function toPartitionOffsets(offsets: OffsetsByPartition): PartitionOffsets {
  if (!(offsets instanceof Map)) return offsets as PartitionOffsets;
  const out: Record<string, Record<number, number | bigint>> = {};
  for (const [tp, offset] of offsets as ReadonlyMap<TopicPartition, number | bigint>) (out[tp.topic] ??= {})[tp.partition] = offset;
  return out;
}
