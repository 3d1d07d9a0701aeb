import { ManualClock as BaseManualClock } from '../util/clock.ts';

/**
 * A clock that moves only when told to, and tells the running job when it does: processing-time
 * timers, periodic watermarks, idleness and state TTL then advance deterministically.
 *
 * @example
 * ```ts
 * import { ManualClock } from 'sluice/testing';
 * import { StreamExecutionEnvironment } from 'sluice';
 * const clock = new ManualClock(0);
 * const env = StreamExecutionEnvironment.getExecutionEnvironment({ clock });
 * // ... build a job with processing-time timers, start it with env.executeAsync(), then:
 * clock.advance(60_000); // timers due within the minute fire
 * ```
 */
export class ManualClock extends BaseManualClock {
  readonly #listeners = new Set<() => void>();

  override advance(ms: number): void {
    super.advance(ms);
    this.#notify();
  }
  override set(ms: number): void {
    super.set(ms);
    this.#notify();
  }
  /** Subscribes to clock moves; returns the unsubscribe function. */
  onAdvance(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }
  #notify(): void {
    for (const l of [...this.#listeners]) l();
  }
}
