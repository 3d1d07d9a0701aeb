import type { Counter, Gauge, Histogram, Meter } from './user-metrics.ts';

/**
 * Where user functions register their own metrics (`getRuntimeContext().getMetricGroup()`), as in
 * Flink: counters, gauges, histograms and meters, and sub-groups. A plain sub-group adds a part to
 * the metric name; a key/value sub-group adds a part and a label. Asking again for a counter,
 * histogram or meter by name returns the one already registered.
 *
 * @example
 * ```ts
 * import { RichMapFunction, type RuntimeContext, type Counter } from 'sluice';
 * class CountingMap extends RichMapFunction<string, string> {
 *   seen!: Counter;
 *   override open(ctx: RuntimeContext) {
 *     this.seen = ctx.getMetricGroup().addGroup('parser').counter('linesSeen');
 *   }
 *   map(line: string) { this.seen.inc(); return line.trim(); }
 * }
 * // exported as sluice_operator_parser_linesSeen{operator="...",subtask="0",...}
 * ```
 */
export interface MetricGroup {
  /** The counter of this group named `name` (created on first use), or registers the given one. */
  counter(name: string): Counter;
  counter<C extends Counter>(name: string, counter: C): C;
  /** Registers a gauge: an object with `getValue()` or a function. Numbers and booleans are exported. */
  gauge<T>(name: string, gauge: Gauge<T> | (() => T)): Gauge<T>;
  /** The histogram `name` (default: the last 1,024 values; created on first use); exported as a Prometheus summary. */
  histogram(name: string): Histogram;
  histogram<H extends Histogram>(name: string, histogram: H): H;
  /** The meter `name` (default: a rate over 60 s; created on first use); exported as a gauge of its rate. */
  meter(name: string): Meter;
  meter<M extends Meter>(name: string, meter: M): M;
  /** A sub-group: `addGroup(name)` adds a name part, `addGroup(key, value)` a part and a label. */
  addGroup(name: string, value?: string): MetricGroup;
  /** Flink's scope components: job, operator name, subtask index, then the sub-groups. */
  getScopeComponents(): string[];
  /** The labels of this group's metrics (operator, subtask... and key/value groups). */
  getAllVariables(): Record<string, string>;
  /** The scope components and `name` joined with '.' (Flink's metric identifier). */
  getMetricIdentifier(name: string): string;
}
