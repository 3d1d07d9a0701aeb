import type { KafkaClientProvider, KafkaConnection } from './kafka-clients.ts';

/** Where a sink writer instance runs. */
export interface SinkInitContext {
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly jobName: string;
  /**
   * Writers that buffer for an asynchronous destination call `hold()` when their buffer is full
   * (the job stops polling its sources) and `release()` when it has room again.
   */
  readonly backpressure?: { hold(): void; release(): void };
  /** Fails the job from an asynchronous callback (a send that failed after `write` returned). */
  readonly fail?: (error: Error) => void;
  /**
   * @internal Runs `initializeState` of a user sink function (CheckpointedFunction) and registers
   * it for checkpoints; call before its `open`.
   */
  readonly registerFunction?: (fn: object) => Promise<void>;
  /** The worker's Kafka clients, by cluster: writers to Kafka use these instead of their own. */
  readonly kafka?: KafkaClientProvider;
}
/** Per-record context of a sink writer. */
export interface SinkWriterContext {
  timestamp(): number | undefined;
  currentWatermark(): number;
}
/**
 * Writes the records of one parallel sink instance. `write` is synchronous (buffer if the
 * destination is asynchronous); `flush` is awaited at the end of input and, unless the writer is
 * a {@link CommittingSinkWriter}, at checkpoints: when it resolves, everything written before is
 * durable at the destination (source positions are committed only after that).
 */
export interface SinkWriter<T> {
  write(value: T, ctx: SinkWriterContext): void;
  flush?(endOfInput: boolean): void | Promise<void>;
  close?(): void | Promise<void>;
}

/**
 * A sink writer that takes part in checkpoints in two phases (Flink's sink2
 * `CommittingSinkWriter`, Kafka Streams' `RecordCollector`):
 * 1. `prepareCommit(checkpointId)`, while sources are paused: everything written so far is sent
 *    and acknowledged (at-least-once), or part of the checkpoint's open transaction (exactly-once);
 * 2. `notifyCheckpointComplete(checkpointId)` once the checkpoint committed (offsets, transaction),
 *    or `notifyCheckpointAborted(checkpointId)` when it failed.
 *
 * @example
 * ```ts
 * import type { CommittingSinkWriter } from 'sluice';
 * import { appendFile } from 'node:fs/promises';
 * const pending: string[] = [];
 * const writer: CommittingSinkWriter<string> = {
 *   write: (v) => void pending.push(v),
 *   prepareCommit: () => appendFile('out.txt', pending.splice(0).map((v) => `${v}\n`).join('')),
 *   notifyCheckpointComplete: (id) => console.error(`checkpoint ${id} is durable`),
 * };
 * ```
 */
export interface CommittingSinkWriter<T> extends SinkWriter<T> {
  prepareCommit(checkpointId: number): void | Promise<void>;
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  notifyCheckpointAborted?(checkpointId: number): void | Promise<void>;
}

/** Whether a writer takes part in checkpoints in two phases. */
export function isCommittingSinkWriter<T>(writer: SinkWriter<T>): writer is CommittingSinkWriter<T> {
  return typeof (writer as Partial<CommittingSinkWriter<T>>).prepareCommit === 'function';
}
/**
 * A destination of a stream (`stream.sinkTo(sink)`).
 *
 * @example
 * ```ts
 * import type { Sink, SinkWriter } from 'sluice';
 * const lines: string[] = [];
 * const toArray: Sink<string> = { createWriter: () => ({ write: (v) => void lines.push(v) }) };
 * stream.sinkTo(toArray);
 * ```
 */
export interface Sink<T> {
  createWriter(ctx: SinkInitContext): SinkWriter<T> | Promise<SinkWriter<T>>;
  /** The Kafka cluster the sink writes to (a job keeps its durable state on the cluster of its Kafka connectors). */
  kafkaConnection?(): Promise<KafkaConnection>;
  /** 'exactly-once' for a sink whose output is part of the worker's checkpoint transaction. */
  readonly deliveryGuarantee?: string;
}
/** `addSink` accepts a plain function called with each value too. */
export type SinkFunction<T> = (value: T, ctx: SinkWriterContext) => void;
/** Flink's older sink interface: `invoke` per value, optional `open`/`close` (one copy per subtask). */
export interface RichSinkFunction<T> {
  open?(ctx: SinkInitContext): void | Promise<void>;
  invoke(value: T, ctx: SinkWriterContext): void;
  close?(): void | Promise<void>;
}

/**
 * Base class form of {@link RichSinkFunction} (merged with the interface), for sinks written the
 * Flink way: `class MySink extends RichSinkFunction<T> { invoke(value, ctx) { ... } }`.
 *
 * @example
 * ```ts
 * import { RichSinkFunction } from 'sluice';
 * class CollectSink extends RichSinkFunction<number> {
 *   static values: number[] = [];
 *   override invoke(value: number) { CollectSink.values.push(value); }
 * }
 * stream.addSink(new CollectSink());
 * ```
 */
export abstract class RichSinkFunction<T> {}
