import type { Clock } from '../util/clock.ts';
import type { GroupMetadata, KafkaClientProvider, KafkaConnection, PartitionOffset } from './kafka-clients.ts';

/** Whether a source ends. */
export type Boundedness = 'bounded' | 'unbounded';

/** What `pollNext` reports. */
export const InputStatus = {
  /** Call again right away. */
  MORE_AVAILABLE: 'MORE_AVAILABLE',
  /** Nothing now; `isAvailable()` resolves when there may be. */
  NOTHING_AVAILABLE: 'NOTHING_AVAILABLE',
  /** This reader is done (bounded sources). */
  END_OF_INPUT: 'END_OF_INPUT',
} as const;
export type InputStatus = (typeof InputStatus)[keyof typeof InputStatus];

/** Emits records (with an optional source timestamp), watermarks and idleness. */
export interface SourceOutput<T> {
  collect(value: T, timestamp?: number): void;
  emitWatermark(watermark: number): void;
  markIdle(): void;
  markActive(): void;
}
/**
 * The output of a reader. A reader that reads several splits (Kafka partitions) should emit
 * through `createOutputForSplit(id)`: each split then gets its own watermark generator, and the
 * reader's watermark is the minimum over its non-idle splits.
 */
export interface ReaderOutput<T> extends SourceOutput<T> {
  createOutputForSplit(splitId: string): SourceOutput<T>;
  releaseOutputForSplit(splitId: string): void;
}

/** Where a reader runs. */
export interface SourceReaderContext {
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly clock: Clock;
  /** Resolves when processing time reaches `time` (works with a manual clock). */
  sleepUntil(time: number): Promise<void>;
  /** The worker's Kafka clients, by cluster: readers of Kafka use these instead of their own. */
  readonly kafka?: KafkaClientProvider;
}

/**
 * Positions a reader hands to the checkpoint coordinator, which commits them with the checkpoint
 * (Kafka offsets of one consumer group, on one cluster). Readers never commit by themselves.
 */
export interface SourcePositions {
  /** The cluster the group lives on. */
  readonly connection: KafkaConnection;
  /** The group and, for a member of it, its generation and member id (fencing a stale member). */
  readonly group: GroupMetadata;
  /** The next offset to read of every partition the reader owns. */
  readonly offsets: readonly PartitionOffset[];
  /**
   * Settles when what these positions depend on is durable (e.g. records the reader wrote to a
   * dead-letter topic are acknowledged); a rejection fails the checkpoint.
   */
  readonly durable?: Promise<void>;
}

/**
 * Reads one parallel share of a source. `pollNext` is synchronous and emits zero or more records
 * per call; asynchronous I/O happens behind `isAvailable()`.
 */
export interface SourceReader<T> {
  start?(): void | Promise<void>;
  pollNext(output: ReaderOutput<T>): InputStatus;
  isAvailable(): Promise<void>;
  /** Position to resume from (offsets), for checkpoints and savepoints; taken between two polls. */
  snapshotState?(checkpointId: number): unknown;
  /**
   * The positions of the last `snapshotState(checkpointId)` that the checkpoint coordinator
   * commits with checkpoint `checkpointId` (e.g. Kafka offsets to the consumer group), after every
   * sink has made what was written before durable. Undefined: nothing to commit.
   */
  positionsToCommit?(checkpointId: number): SourcePositions | undefined;
  /**
   * Checkpoint `checkpointId` is complete: every record emitted before its `snapshotState` is
   * durable in the sinks, and the positions of `positionsToCommit` are committed. A reader whose
   * positions live elsewhere commits them here, never earlier, for at-least-once delivery.
   */
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  /**
   * Watermark alignment: stop emitting (and fetching) the records of the splits in `pause`, start
   * again for those in `resume` (Flink's `pauseOrResumeSplits`). Split ids are those the reader
   * passed to `createOutputForSplit`. A reader without it is paused as a whole instead.
   */
  pauseOrResumeSplits?(pause: readonly string[], resume: readonly string[]): void;
  close?(): void | Promise<void>;
  /** Where each split's reading stands (metrics, lag, progress); read about once a second. */
  splitProgress?(): SplitProgress[];
}

/** One split of a reader: the next offset it reads and, when known, where it ends. */
export interface SplitProgress {
  splitId: string;
  topic?: string;
  partition?: number;
  /** The next offset to read (the consumer position). */
  position: number;
  /** The split's end: the stopping offset of a bounded source, else the last high watermark (LSO under read_committed) seen. */
  end?: number;
}

/**
 * A source of records (`env.fromSource(source, strategy, name)`).
 *
 * @example
 * ```ts
 * import { InputStatus, type Source } from 'sluice';
 * const countTo3: Source<number> = {
 *   getBoundedness: () => 'bounded',
 *   createReader: () => {
 *     let i = 0;
 *     return {
 *       pollNext: (out) => (i < 3 ? (out.collect(i++), InputStatus.MORE_AVAILABLE) : InputStatus.END_OF_INPUT),
 *       isAvailable: () => Promise.resolve(),
 *     };
 *   },
 * };
 * ```
 */
export interface Source<T> {
  getBoundedness(): Boundedness;
  createReader(ctx: SourceReaderContext, restoredState?: unknown): SourceReader<T>;
  /** A source that cannot be read in parallel sets 1. */
  readonly maxParallelism?: number;
  /** True when records carry event timestamps from the source (e.g. Kafka record timestamps). */
  readonly providesTimestamps?: boolean;
  /** The Kafka cluster the source reads (a job keeps its durable state on the cluster of its Kafka connectors). */
  kafkaConnection?(): Promise<KafkaConnection>;
  /**
   * The state of a reader that may be given any split of the readers whose states these are: how a
   * savepoint's positions reach a source restored at another parallelism (every reader gets it
   * and keeps the positions of the splits it is assigned). Without it, reader states go by subtask.
   */
  combineReaderStates?(states: readonly unknown[]): unknown;
  /**
   * The reader state of each of `parallelism` new subtasks, from the old subtasks' (`states[i]`:
   * old subtask i's), when a savepoint restores the source; for readers whose state goes with
   * the subtask's operator state (a broadcast exchange's reader: new subtask i reads on where old
   * subtask `i % n`, whose broadcast state it gets, stood). Takes precedence over
   * `combineReaderStates`.
   */
  readerStatesAt?(states: readonly unknown[], parallelism: number): unknown[];
}
