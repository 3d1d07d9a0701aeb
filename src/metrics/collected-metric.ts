import type { Metric, Registry } from 'prom-client';
import type { Labels } from './names.ts';

export type MetricType = 'counter' | 'gauge' | 'summary' | 'histogram';

/** One series of a family: its labels and value (`metricName` for a summary's `_sum`/`_count`). */
export interface Sample {
  labels: Labels;
  value: number;
  metricName?: string;
}

/**
 * A metric family whose values are read from live objects when the registry is scraped, instead of
 * being pushed into prom-client on every change: the runtime only bumps plain numbers, and this
 * reads them (prom-client accepts any object with `name`, `type` and `get()` in a registry).
 */
export class CollectedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly aggregator = 'sum';
  readonly #collect: () => Sample[];

  constructor(opts: { name: string; help: string; type: MetricType; collect: () => Sample[] }) {
    this.name = opts.name;
    this.help = opts.help;
    this.type = opts.type;
    this.#collect = opts.collect;
  }

  get(): { name: string; help: string; type: MetricType; aggregator: string; values: Sample[] } {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.#collect() };
  }

  /** Adds this family to `registry`. */
  registerIn(registry: Registry): void {
    registry.registerMetric(this as unknown as Metric);
  }
}
