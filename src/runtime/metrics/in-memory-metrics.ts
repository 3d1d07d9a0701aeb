import type { Counter, Gauge, Histogram, Meter, MetricGroup, UserMetricValue } from '../../core/metric-group.ts';
import type { Clock } from '../../util/clock.ts';
import { JobConfigurationError } from '../../core/errors/job-errors.ts';
import { DescriptiveStatisticsHistogram, MeterView, SimpleCounter, type View } from '../../metrics/user-metrics.ts';

type Kind = UserMetricValue['type'];
interface Registered {
  scope: string[];
  name: string;
  type: Kind;
  metric: Counter | Gauge<unknown> | Histogram | Meter;
}

/** The exported (Prometheus) metric group of an operator subtask, when the worker exports metrics. */
export type ExportedMetricGroups = (operatorUid: string, subtask: number) => MetricGroup | undefined;

/** The user metrics of a job, in memory: what `client.getMetrics().userMetrics` reads. */
export class MetricRegistry {
  readonly clock: Clock;
  readonly #metrics = new Map<string, Registered>();
  /** Meters whose rate is brought up to date when read (and on the worker's metrics ticks). */
  readonly #views = new Set<View>();
  constructor(clock: Clock) {
    this.clock = clock;
  }
  /** Registers `metric`, or returns the one registered under that scope and name (`added`: false). */
  register<M extends Registered['metric']>(scope: string[], name: string, type: Kind, metric: M): { metric: M; added: boolean } {
    if (typeof name !== 'string' || name.length === 0) throw new JobConfigurationError('a metric needs a non-empty name');
    const id = [...scope, name].join('\u0000');
    const existing = this.#metrics.get(id);
    if (existing !== undefined) {
      if (existing.type !== type) {
        throw new JobConfigurationError(`metric '${[...scope, name].join('.')}' is already registered as a ${existing.type}; give the ${type} another name`);
      }
      return { metric: existing.metric as M, added: false };
    }
    this.#metrics.set(id, { scope, name, type, metric });
    if (type === 'meter' && isView(metric)) {
      metric.update(this.clock.now()); // its rate counts from its registration
      this.#views.add(metric);
    }
    return { metric, added: true };
  }
  /** A point-in-time view of every metric. */
  read(): UserMetricValue[] {
    const now = this.clock.now();
    for (const v of this.#views) v.update(now);
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

/**
 * The metric group of one operator subtask (or a sub-group of it): metrics live in the job's
 * in-memory registry (`client.getMetrics().userMetrics`) and, when the worker exports metrics, the
 * same objects are registered in its Prometheus group too (`exported`).
 */
export class InMemoryMetricGroup implements MetricGroup {
  readonly #registry: MetricRegistry;
  readonly #scope: string[];
  readonly #labels: Record<string, string>;
  readonly #exported: MetricGroup | undefined;
  constructor(registry: MetricRegistry, scope: string[], labels: Record<string, string>, exported?: MetricGroup) {
    this.#registry = registry;
    this.#scope = scope;
    this.#labels = labels;
    this.#exported = exported;
  }
  counter<C extends Counter>(name: string, counter?: C): C {
    return this.#register(name, 'counter', counter ?? (new SimpleCounter() as Counter as C), (g, m) => g.counter(name, m));
  }
  gauge<T>(name: string, gauge: Gauge<T> | (() => T)): Gauge<T> {
    const g: Gauge<T> = typeof gauge === 'function' ? { getValue: gauge } : gauge;
    return this.#register(name, 'gauge', g, (group, m) => group.gauge(name, m));
  }
  histogram<H extends Histogram>(name: string, histogram?: H): H {
    return this.#register(name, 'histogram', histogram ?? (new DescriptiveStatisticsHistogram() as Histogram as H), (g, m) => g.histogram(name, m));
  }
  meter<M extends Meter>(name: string, meter?: M): M {
    return this.#register(name, 'meter', meter ?? (new MeterView() as Meter as M), (g, m) => g.meter(name, m));
  }
  addGroup(name: string, value?: string): MetricGroup {
    const scope = value === undefined ? [...this.#scope, name] : [...this.#scope, name, value];
    const exported = this.#exported?.addGroup(name, value);
    const labels = exported?.getAllVariables() ?? (value === undefined ? this.#labels : { ...this.#labels, [name]: value });
    return new InMemoryMetricGroup(this.#registry, scope, labels, exported);
  }
  getScopeComponents(): string[] {
    return [...this.#scope];
  }
  getAllVariables(): Record<string, string> {
    return { ...this.#labels };
  }
  getMetricIdentifier(metricName: string): string {
    return [...this.#scope, metricName].join('.');
  }
  /**
   * Registers `candidate` under `name`, or returns what the registry already has there. A metric
   * new to the registry is registered in the exported group too: the same object, so both show
   * the same value.
   */
  #register<M extends Registered['metric']>(name: string, kind: Kind, candidate: M, exportTo: (g: MetricGroup, m: M) => unknown): M {
    const { metric, added } = this.#registry.register(this.#scope, name, kind, candidate);
    if (added && this.#exported !== undefined) exportTo(this.#exported, metric);
    return metric;
  }
}

function isView(m: unknown): m is View {
  return typeof (m as Partial<View>).update === 'function';
}
