import type { Sink, SinkWriter } from '../../core/sink.ts';

/**
 * Collects records into an array shared by all parallel instances (in-process jobs). With a
 * `limit`, calls `onLimit` once that many records have arrived.
 *
 * @example
 * ```ts
 * const sink = new CollectSink<number>();
 * env.fromElements(1, 2).sinkTo(sink);
 * await env.execute();
 * sink.values; // [1, 2]
 * ```
 */
export class CollectSink<T> implements Sink<T> {
  readonly values: T[] = [];
  readonly #limit: number;
  readonly #onLimit: (() => void) | undefined;
  constructor(options: { limit?: number; onLimit?: () => void } = {}) {
    this.#limit = options.limit ?? Number.POSITIVE_INFINITY;
    this.#onLimit = options.onLimit;
  }
  createWriter(): SinkWriter<T> {
    return {
      write: (v) => {
        if (this.values.length >= this.#limit) return;
        this.values.push(v);
        if (this.values.length === this.#limit) this.#onLimit?.();
      },
    };
  }
}
