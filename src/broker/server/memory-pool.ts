/**
 * Kafka's `queued.max.request.bytes`: one budget for the bytes of requests being read or waiting
 * to be handled, over all connections. A connection whose next request does not fit stops being
 * read until enough is released; waiters are woken oldest first.
 */
export class MemoryPool {
  #capacity: number;
  #used = 0;
  readonly #waiters: Array<() => void> = [];

  /** `capacity` < 0 means no limit (Kafka's -1). */
  constructor(capacity: number) {
    this.#capacity = capacity < 0 ? Number.POSITIVE_INFINITY : capacity;
  }

  get used(): number {
    return this.#used;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Takes `bytes` if they fit; false otherwise (nothing taken). */
  tryAllocate(bytes: number): boolean {
    if (this.#used + bytes > this.#capacity) return false;
    this.#used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.#used -= bytes;
    if (this.#used < 0) this.#used = 0;
    // Wake every waiter: each retries and the ones that still do not fit wait again.
    const waiters = this.#waiters.splice(0);
    for (const w of waiters) w();
  }

  /** Calls `wake` once after the next release; returns a function that cancels it. */
  waitForRelease(wake: () => void): () => void {
    this.#waiters.push(wake);
    return () => {
      const i = this.#waiters.indexOf(wake);
      if (i >= 0) this.#waiters.splice(i, 1);
    };
  }
}
