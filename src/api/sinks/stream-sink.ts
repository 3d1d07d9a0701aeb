import type { Sink, SinkInitContext, SinkWriter } from '../../core/sink.ts';

/**
 * A sink feeding an async iterator (`stream.executeAndStream()`): records queue up until the
 * consumer takes them; above `highWaterMark` queued records the job's sources pause.
 */
export class StreamSink<T> implements Sink<T> {
  readonly #queue: T[] = [];
  readonly #highWaterMark: number;
  #waiter: (() => void) | undefined;
  #ended = false;
  #failure: unknown;
  #holders: Array<{ hold(): void; release(): void }> = [];
  #held = false;

  constructor(highWaterMark = 1000) {
    this.#highWaterMark = highWaterMark;
  }

  createWriter(ctx: SinkInitContext): SinkWriter<T> {
    if (ctx.backpressure !== undefined) this.#holders.push(ctx.backpressure);
    return {
      write: (v) => {
        this.#queue.push(v);
        if (this.#queue.length >= this.#highWaterMark && !this.#held) {
          this.#held = true;
          for (const h of this.#holders) h.hold();
        }
        this.#wake();
      },
    };
  }

  /** The job ended (or failed): the iterator finishes after the queued records (or throws). */
  end(failure?: unknown): void {
    this.#ended = true;
    this.#failure = failure;
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.#queue.length > 0) {
        const value = this.#queue.shift()!;
        if (this.#held && this.#queue.length < this.#highWaterMark / 2) {
          this.#held = false;
          for (const h of this.#holders) h.release();
        }
        return { value, done: false };
      }
      if (this.#ended) {
        if (this.#failure !== undefined) throw this.#failure;
        return { value: undefined, done: true };
      }
      await new Promise<void>((resolve) => (this.#waiter = resolve));
    }
  }
}
