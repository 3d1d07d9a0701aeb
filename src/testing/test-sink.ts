import type { Sink, SinkWriter } from '../core/sink.ts';

/** A record as a test sink saw it. */
export interface SinkRecord<T> {
  value: T;
  timestamp: number | undefined;
  subtask: number;
}

/**
 * Collects everything written to it, from all parallel instances, with timestamps. Optionally
 * calls `onRecord` (e.g. to cancel an unbounded job once enough arrived).
 *
 * @example
 * ```ts
 * import { TestSink } from 'sluice/testing';
 * const sink = new TestSink<string>();
 * stream.sinkTo(sink);
 * await env.execute();
 * assert.deepEqual(sink.values.sort(), ['a', 'b']);
 * ```
 */
export class TestSink<T> implements Sink<T> {
  readonly records: SinkRecord<T>[] = [];
  readonly #onRecord: ((r: SinkRecord<T>, all: readonly SinkRecord<T>[]) => void) | undefined;
  constructor(options: { onRecord?: (r: SinkRecord<T>, all: readonly SinkRecord<T>[]) => void } = {}) {
    this.#onRecord = options.onRecord;
  }
  get values(): T[] {
    return this.records.map((r) => r.value);
  }
  clear(): void {
    this.records.length = 0;
  }
  createWriter(ctx: { subtaskIndex: number }): SinkWriter<T> {
    return {
      write: (value, wctx) => {
        const r = { value, timestamp: wctx.timestamp(), subtask: ctx.subtaskIndex };
        this.records.push(r);
        this.#onRecord?.(r, this.records);
      },
    };
  }
}
