/**
 * User metrics (Flink's `MetricGroup`), from `getRuntimeContext().getMetricGroup()`. Values live in
 * memory per operator subtask and show in `client.getMetrics().userMetrics`; the observability
 * layer exports the same objects.
 *
 * @example
 * ```ts
 * import { RichMapFunction, type Counter, type RuntimeContext } from 'sluice';
 * class Counting extends RichMapFunction<string, string> {
 *   seen!: Counter;
 *   override open(ctx: RuntimeContext) { this.seen = ctx.getMetricGroup().counter('seen'); }
 *   map(v: string) { this.seen.inc(); return v; }
 * }
 * ```
 */
export interface MetricGroup {
  /** The counter `name` of this group (created on first use; asking again returns it), or registers the given one. */
  counter(name: string): Counter;
  counter<C extends Counter>(name: string, counter: C): C;
  /** Registers a gauge: `getValue()` is read whenever metrics are read. Numbers and booleans are exported to Prometheus. */
  gauge<T>(name: string, gauge: Gauge<T> | (() => T)): Gauge<T>;
  /** The histogram `name` (default: statistics over the last 1,024 values), or registers the given one. */
  histogram(name: string): Histogram;
  histogram<H extends Histogram>(name: string, histogram: H): H;
  /** The meter `name` (default: events per second over the last 60 s), or registers the given one. */
  meter(name: string): Meter;
  meter<M extends Meter>(name: string, meter: M): M;
  /** A sub-group (`addGroup('db')`) or a key/value group (`addGroup('table', 'orders')`, a label in Prometheus). */
  addGroup(name: string, value?: string): MetricGroup;
  /** The scope: job name, operator name, subtask index, then the sub-groups. */
  getScopeComponents(): string[];
  /** The labels of this group's metrics (operator, subtask, ... and key/value groups). */
  getAllVariables(): Record<string, string>;
  /** `<scope>.<name>` with '.' between components. */
  getMetricIdentifier(metricName: string): string;
}

/**
 * A count that goes up and down.
 *
 * @example
 * ```ts
 * const dropped = ctx.getMetricGroup().counter('dropped');
 * dropped.inc();
 * ```
 */
export interface Counter {
  inc(n?: number): void;
  dec(n?: number): void;
  getCount(): number;
}
/**
 * A value read when metrics are read.
 *
 * @example
 * ```ts
 * ctx.getMetricGroup().gauge('queued', () => this.queue.length);
 * ```
 */
export interface Gauge<T> {
  getValue(): T;
}
/**
 * Statistics of the values a histogram holds.
 *
 * @example
 * ```ts
 * const p99 = latency.getStatistics().getQuantile(0.99);
 * ```
 */
export interface HistogramStatistics {
  /** The value at quantile `q` in [0, 1] (linear interpolation between the nearest ranks). */
  getQuantile(q: number): number;
  getValues(): number[];
  size(): number;
  getMean(): number;
  getStdDev(): number;
  getMax(): number;
  getMin(): number;
}
/**
 * A distribution of values.
 *
 * @example
 * ```ts
 * const latency = ctx.getMetricGroup().histogram('latencyMs');
 * latency.update(Date.now() - event.createdAt);
 * ```
 */
export interface Histogram {
  update(value: number): void;
  /** Number of values ever recorded. */
  getCount(): number;
  getStatistics(): HistogramStatistics;
}
/**
 * A rate of events.
 *
 * @example
 * ```ts
 * const rate = ctx.getMetricGroup().meter('eventsPerSecond');
 * rate.markEvent();
 * ```
 */
export interface Meter {
  markEvent(n?: number): void;
  /** Events per second. */
  getRate(): number;
  getCount(): number;
}

/**
 * One metric as `client.getMetrics().userMetrics` reports it.
 *
 * @example
 * ```ts
 * for (const m of client.getMetrics().userMetrics) console.error(m.scope.join('.'), m.name, m.value);
 * ```
 */
export interface UserMetricValue {
  scope: string[];
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'meter';
  /** counter: count; gauge: value; meter: rate per second; histogram: count. */
  value: unknown;
  /** Histograms: min, max, mean, p50, p95, p99 of the current window. Meters: count. */
  details?: Record<string, number>;
}
