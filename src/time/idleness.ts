import type { Clock } from '../util/clock.ts';
import type { WatermarkGenerator, WatermarkOutput } from '../core/watermark/watermark-generator.ts';

/**
 * Wraps a generator: when no event arrived for `idleTimeout` ms of processing time (per the
 * job's clock), the input is marked idle so that it does not hold back the watermark of
 * downstream operators. The next event makes it active again.
 */
export class WatermarksWithIdleness<T> implements WatermarkGenerator<T> {
  readonly #inner: WatermarkGenerator<T>;
  readonly #clock: Clock;
  readonly #timeout: number;
  #lastActivity: number;
  #idle = false;
  #eventsSinceCheck = false;

  constructor(inner: WatermarkGenerator<T>, idleTimeout: number, clock: Clock) {
    if (!(idleTimeout > 0)) throw new RangeError('idleTimeout must be > 0 ms');
    this.#inner = inner;
    this.#timeout = idleTimeout;
    this.#clock = clock;
    this.#lastActivity = clock.now();
  }

  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void {
    this.#eventsSinceCheck = true;
    if (this.#idle) {
      this.#idle = false;
      output.markActive();
    }
    this.#inner.onEvent(event, eventTimestamp, output);
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    const now = this.#clock.now();
    if (this.#eventsSinceCheck) {
      this.#eventsSinceCheck = false;
      this.#lastActivity = now;
    }
    if (now - this.#lastActivity >= this.#timeout) {
      if (!this.#idle) {
        this.#idle = true;
        output.markIdle();
      }
      return;
    }
    this.#inner.onPeriodicEmit(output);
  }
}
