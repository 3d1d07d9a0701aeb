/**
 * A per-second rate of a growing total over a sliding window of samples (Flink's `MeterView`):
 * `sample(now, total)` is called on every metrics tick; `perSecond` is the growth between the
 * oldest sample still in the window and the newest, per second. Nothing is done per record.
 */
export class RateWindow {
  readonly #times: Float64Array;
  readonly #totals: Float64Array;
  #next = 0;
  #size = 0;
  #rate = 0;

  /** `samples` is how many ticks the window spans (window = samples × tick interval). */
  constructor(samples = 10) {
    if (!(Number.isInteger(samples) && samples >= 1)) throw new RangeError(`a rate window needs at least 1 sample, got ${samples}`);
    this.#times = new Float64Array(samples + 1);
    this.#totals = new Float64Array(samples + 1);
  }

  sample(now: number, total: number): void {
    const cap = this.#times.length;
    this.#times[this.#next] = now;
    this.#totals[this.#next] = total;
    this.#next = (this.#next + 1) % cap;
    if (this.#size < cap) this.#size++;
    const oldest = (this.#next - this.#size + cap) % cap;
    const seconds = (now - this.#times[oldest]!) / 1000;
    this.#rate = seconds > 0 ? (total - this.#totals[oldest]!) / seconds : 0;
  }

  /** The rate at the last sample (0 before two samples a moment apart). */
  get perSecond(): number {
    return this.#rate;
  }
}
