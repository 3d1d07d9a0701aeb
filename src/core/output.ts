import type { OutputTag } from './output-tag.ts';

/**
 * What an operator emits into: records (with their timestamp), watermarks, idleness, and side
 * outputs. Implementations are direct calls into the next operator (chaining), fan-outs, and
 * exchanges to downstream subtasks; there are no queues between operators of a job.
 */
export interface Output<T> {
  collect(value: T, timestamp: number): void;
  emitWatermark(watermark: number): void;
  emitIdle(idle: boolean): void;
  collectSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void;
}

/** Discards everything; the output of operators nobody consumes. */
export const NULL_OUTPUT: Output<unknown> = {
  collect() {},
  emitWatermark() {},
  emitIdle() {},
  collectSide() {},
};
