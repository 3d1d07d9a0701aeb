import type { Backpressure } from '../operators/operator.ts';
import type { WakeSignal } from './wake-signal.ts';

/**
 * The worker's backpressure: operators that cannot take more input (async I/O at capacity, a
 * sink writer with too much in flight, a slow stdout) hold it; sources are polled only while
 * nobody does. The last release wakes the loop.
 */
export class BackpressureGate implements Backpressure {
  readonly #holders = new Set<object>();
  readonly #wake: WakeSignal;

  constructor(wake: WakeSignal) {
    this.#wake = wake;
  }

  get held(): boolean {
    return this.#holders.size > 0;
  }

  hold(by: object): void {
    this.#holders.add(by);
  }

  release(by: object): void {
    if (this.#holders.delete(by) && this.#holders.size === 0) this.#wake.signal();
  }
}
