import type { Counter, Gauge, Histogram, HistogramStatistics, Meter, MetricGroup, UserMetricValue } from '../../core/metric-group.ts';
import type { Clock } from '../../util/clock.ts';
import { JobConfigurationError } from '../../core/errors/job-errors.ts';

class SimpleCounter implements Counter {
  #n = 0;
  inc(n = 1): void {
    this.#n += n;
  }
  dec(n = 1): void {
    this.#n -= n;
  }
  getCount(): number {
    return this.#n;
  }
}

class Statistics implements HistogramStatistics {
  readonly #sorted: number[];
  constructor(values: number[]) {
    this.#sorted = [...values].sort((a, b) => a - b);
  }
  getQuantile(q: number): number {
    const v = this.#sorted;
    if (v.length === 0) return 0;
    return v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))]!;
  }
  getValues(): number[] {
    return [...this.#sorted];
  }
  size(): number {
    return this.#sorted.length;
  }
  getMean(): number {
    return this.#sorted.length === 0 ? 0 : this.#sorted.reduce((a, b) => a + b, 0) / this.#sorted.length;
  }
  getStdDev(): number {
    const n = this.#sorted.length;
    if (n < 2) return 0;
    const m = this.getMean();
    return Math.sqrt(this.#sorted.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
  }
  getMax(): number {
    return this.#sorted.at(-1) ?? 0;
  }
  getMin(): number {
    return this.#sorted[0] ?? 0;
  }
}

/** Statistics over the last `windowSize` values (Flink's DescriptiveStatisticsHistogram). */
export class WindowedHistogram implements Histogram {
  readonly #window: number[] = [];
  readonly #size: number;
  #next = 0;
  #count = 0;
  constructor(windowSize = 1000) {
    this.#size = windowSize;
  }
  update(value: number): void {
    this.#count++;
    if (this.#window.length < this.#size) this.#window.push(value);
    else this.#window[this.#next] = value;
    this.#next = (this.#next + 1) % this.#size;
  }
  getCount(): number {
    return this.#count;
  }
  getStatistics(): HistogramStatistics {
    return new Statistics(this.#window);
  }
}

/** Events per second over the last `timeSpanSeconds` of processing time (Flink's MeterView). */
export class MeterView implements Meter {
  readonly #clock: Clock;
  readonly #span: number;
  readonly #samples: Array<[time: number, count: number]> = [];
  #count = 0;
  constructor(clock: Clock, timeSpanSeconds = 60) {
    this.#clock = clock;
    this.#span = timeSpanSeconds * 1000;
    this.#samples.push([clock.now(), 0]);
  }
  markEvent(n = 1): void {
    this.#count += n;
    const now = this.#clock.now();
    if (now - this.#samples.at(-1)![0] >= 1000) this.#samples.push([now, this.#count]);
  }
  /** (events since the oldest sample within the span) / (time since it), at least one second. */
  getRate(): number {
    const now = this.#clock.now();
    while (this.#samples.length > 1 && this.#samples[1]![0] <= now - this.#span) this.#samples.shift();
    const [t0, c0] = this.#samples[0]!;
    return ((this.#count - c0) * 1000) / Math.max(now - t0, 1000);
  }
  getCount(): number {
    return this.#count;
  }
}

type Kind = UserMetricValue['type'];
interface Registered {
  scope: string[];
  name: string;
  type: Kind;
  metric: Counter | Gauge<unknown> | Histogram | Meter;
}

/** The user metrics of a job, in memory: what `client.getMetrics().userMetrics` reads. */
export class MetricRegistry {
  readonly clock: Clock;
  readonly #metrics = new Map<string, Registered>();
  constructor(clock: Clock) {
    this.clock = clock;
  }
  register<M extends Registered['metric']>(scope: string[], name: string, type: Kind, metric: M): M {
    if (typeof name !== 'string' || name.length === 0) throw new JobConfigurationError('a metric needs a non-empty name');
    const id = [...scope, name].join('\u0000');
    const existing = this.#metrics.get(id);
    if (existing !== undefined) {
      if (existing.type !== type) {
        throw new JobConfigurationError(`metric '${[...scope, name].join('.')}' is already registered as a ${existing.type}; give the ${type} another name`);
      }
      return existing.metric as M;
    }
    this.#metrics.set(id, { scope, name, type, metric });
    return metric;
  }
  /** A point-in-time view of every metric. */
  read(): UserMetricValue[] {
    return [...this.#metrics.values()].map(({ scope, name, type, metric }): UserMetricValue => {
      switch (type) {
        case 'counter':
          return { scope, name, type, value: (metric as Counter).getCount() };
        case 'gauge': {
          let value: unknown;
          try {
            value = (metric as Gauge<unknown>).getValue();
          } catch (e) {
            value = `gauge failed: ${e instanceof Error ? e.message : String(e)}`; // one broken gauge must not hide the others
          }
          return { scope, name, type, value };
        }
        case 'meter':
          return { scope, name, type, value: (metric as Meter).getRate(), details: { count: (metric as Meter).getCount() } };
        case 'histogram': {
          const h = metric as Histogram;
          const s = h.getStatistics();
          return {
            scope, name, type, value: h.getCount(),
            details: { min: s.getMin(), max: s.getMax(), mean: s.getMean(), p50: s.getQuantile(0.5), p95: s.getQuantile(0.95), p99: s.getQuantile(0.99) },
          };
        }
      }
    });
  }
}

/** The metric group of one operator subtask (or a sub-group of it). */
export class InMemoryMetricGroup implements MetricGroup {
  readonly #registry: MetricRegistry;
  readonly #scope: string[];
  constructor(registry: MetricRegistry, scope: string[]) {
    this.#registry = registry;
    this.#scope = scope;
  }
  counter(name: string, counter?: Counter): Counter {
    return this.#registry.register(this.#scope, name, 'counter', counter ?? new SimpleCounter());
  }
  gauge<T>(name: string, gauge: Gauge<T> | (() => T)): Gauge<T> {
    const g: Gauge<T> = typeof gauge === 'function' ? { getValue: gauge } : gauge;
    return this.#registry.register(this.#scope, name, 'gauge', g as Gauge<unknown>) as Gauge<T>;
  }
  histogram(name: string, histogram?: Histogram): Histogram {
    return this.#registry.register(this.#scope, name, 'histogram', histogram ?? new WindowedHistogram());
  }
  meter(name: string, meter?: Meter): Meter {
    return this.#registry.register(this.#scope, name, 'meter', meter ?? new MeterView(this.#registry.clock));
  }
  addGroup(name: string, value?: string): MetricGroup {
    return new InMemoryMetricGroup(this.#registry, value === undefined ? [...this.#scope, name] : [...this.#scope, name, value]);
  }
  getScopeComponents(): string[] {
    return [...this.#scope];
  }
  getMetricIdentifier(metricName: string): string {
    return [...this.#scope, metricName].join('.');
  }
}
