/** Where a sink writer instance runs. */
export interface SinkInitContext {
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly jobName: string;
}
/** Per-record context of a sink writer. */
export interface SinkWriterContext {
  timestamp(): number | undefined;
  currentWatermark(): number;
}
/**
 * Writes the records of one parallel sink instance. `write` is synchronous (buffer if the
 * destination is asynchronous); `flush` is awaited at the end of input and at checkpoints.
 */
export interface SinkWriter<T> {
  write(value: T, ctx: SinkWriterContext): void;
  flush?(endOfInput: boolean): void | Promise<void>;
  close?(): void | Promise<void>;
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
}
/** `addSink` accepts a plain function called with each value too. */
export type SinkFunction<T> = (value: T, ctx: SinkWriterContext) => void;
