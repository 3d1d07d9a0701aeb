import type { Counter, Histogram, HistogramStatistics, Meter } from '../core/metric-group.ts';
import { RateWindow } from './rate-window.ts';

export type { Counter, Gauge, Histogram, HistogramStatistics, Meter } from '../core/metric-group.ts';

/** Metrics updated on every metrics tick (`now` from the worker's clock). */
export interface View {
  update(now: number): void;
}

/** The default `Counter`: a plain number. */
export class SimpleCounter implements Counter {
  #count = 0;
  inc(n = 1): void {
    this.#count += n;
  }
  dec(n = 1): void {
    this.#count -= n;
  }
  getCount(): number {
    return this.#count;
  }
}

/**
 * A `Meter` whose rate is measured over the last `timeSpanSeconds` (Flink's `MeterView`): events
 * are counted at once, the rate is brought up to date on every metrics tick.
 */
export class MeterView implements Meter, View {
  readonly #counter: Counter;
  readonly #window: RateWindow;

  /**
   * `new MeterView(60)` meters its own events; `new MeterView(counter, 60)` meters an existing
   * counter (Flink's two constructors). The rate spans `timeSpanSeconds` of metrics ticks (one a second).
   */
  constructor(counterOrSpan: Counter | number = 60, timeSpanSeconds?: number) {
    const span = typeof counterOrSpan === 'number' ? counterOrSpan : (timeSpanSeconds ?? 60);
    this.#counter = typeof counterOrSpan === 'number' ? new SimpleCounter() : counterOrSpan;
    this.#window = new RateWindow(Math.max(1, Math.round(span)));
  }
  markEvent(n = 1): void {
    this.#counter.inc(n);
  }
  getCount(): number {
    return this.#counter.getCount();
  }
  getRate(): number {
    return this.#window.perSecond;
  }
  update(now: number): void {
    this.#window.sample(now, this.#counter.getCount());
  }
}

/**
 * A `Histogram` over the last `windowSize` values (Flink's `DescriptiveStatisticsHistogram`):
 * `update` writes into a ring buffer; statistics are computed when read.
 */
export class DescriptiveStatisticsHistogram implements Histogram {
  readonly #values: Float64Array;
  #next = 0;
  #size = 0;
  #count = 0;

  constructor(windowSize = 1024) {
    if (!(Number.isInteger(windowSize) && windowSize >= 1)) throw new RangeError(`a histogram window needs at least 1 value, got ${windowSize}`);
    this.#values = new Float64Array(windowSize);
  }
  update(value: number): void {
    this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % this.#values.length;
    if (this.#size < this.#values.length) this.#size++;
    this.#count++;
  }
  getCount(): number {
    return this.#count;
  }
  getStatistics(): HistogramStatistics {
    return new SortedStatistics(this.#values.slice(0, this.#size).sort());
  }
}

/** Statistics of a sorted copy of values; quantiles by linear interpolation between ranks. */
class SortedStatistics implements HistogramStatistics {
  readonly #sorted: Float64Array;
  constructor(sorted: Float64Array) {
    this.#sorted = sorted;
  }
  getQuantile(q: number): number {
    const n = this.#sorted.length;
    if (n === 0) return Number.NaN;
    const rank = Math.min(1, Math.max(0, q)) * (n - 1);
    const lo = Math.floor(rank);
    const hi = Math.min(n - 1, lo + 1);
    return this.#sorted[lo]! + (rank - lo) * (this.#sorted[hi]! - this.#sorted[lo]!);
  }
  getValues(): number[] {
    return [...this.#sorted];
  }
  size(): number {
    return this.#sorted.length;
  }
  getMean(): number {
    const n = this.#sorted.length;
    return n === 0 ? Number.NaN : this.#sorted.reduce((a, b) => a + b, 0) / n;
  }
  getStdDev(): number {
    const n = this.#sorted.length;
    if (n < 2) return n === 0 ? Number.NaN : 0;
    const mean = this.getMean();
    return Math.sqrt(this.#sorted.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  }
  getMin(): number {
    return this.#sorted.length === 0 ? Number.NaN : this.#sorted[0]!;
  }
  getMax(): number {
    return this.#sorted.length === 0 ? Number.NaN : this.#sorted[this.#sorted.length - 1]!;
  }
}
