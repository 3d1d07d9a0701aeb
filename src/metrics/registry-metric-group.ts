import { MetricNameError } from './errors.ts';
import type { MetricGroup } from './metric-group.ts';
import { METRIC_PREFIX, sanitizeLabelName, sanitizeMetricPart, type Labels } from './names.ts';
import type { Entry, Registration, UserMetricStore } from './user-metric-store.ts';
import { DescriptiveStatisticsHistogram, MeterView, SimpleCounter, type Counter, type Gauge, type Histogram, type Meter } from './user-metrics.ts';

/** Shared by a group and its sub-groups: what they registered, removed together on close. */
interface GroupOwner {
  readonly store: UserMetricStore;
  readonly registrations: Registration[];
  closed: boolean;
}

/**
 * The `MetricGroup` handed to user functions, backed by the worker's prom-client registry. The
 * operator's labels (task, subtask, operator...) are on every metric it registers; `close()` (when
 * the operator closes) removes them from the registry.
 */
export class RegistryMetricGroup implements MetricGroup {
  readonly #owner: GroupOwner;
  /** Flink's scope components: job, operator name, subtask index, then the sub-groups. */
  readonly #scope: readonly string[];
  /** Parts of the Prometheus name: `sluice`, the metric scope, then the sub-groups. */
  readonly #parts: readonly string[];
  readonly #labels: Labels;

  /**
   * The root group of an operator: `metricScope` is the Prometheus name part after `sluice_`
   * (`operator`), `scope` Flink's scope components (job, operator name, subtask).
   */
  static root(store: UserMetricStore, metricScope: string, scope: readonly string[], labels: Labels): RegistryMetricGroup {
    return new RegistryMetricGroup({ store, registrations: [], closed: false }, scope, [METRIC_PREFIX, metricScope], labels);
  }

  private constructor(owner: GroupOwner, scope: readonly string[], parts: readonly string[], labels: Labels) {
    this.#owner = owner;
    this.#scope = scope;
    this.#parts = parts;
    this.#labels = labels;
  }

  counter<C extends Counter>(name: string, counter?: C): C {
    if (counter === undefined) {
      const existing = this.#existing(name, 'counter');
      if (existing !== undefined) return existing as C;
    }
    const c = counter ?? (new SimpleCounter() as Counter as C);
    this.#add(name, { kind: 'counter', labels: this.#labels, metric: c });
    return c;
  }

  gauge<T>(name: string, gauge: Gauge<T> | (() => T)): Gauge<T> {
    const g: Gauge<T> = typeof gauge === 'function' ? { getValue: gauge } : gauge;
    this.#add(name, { kind: 'gauge', labels: this.#labels, metric: g as Gauge<unknown> });
    return g;
  }

  histogram<H extends Histogram>(name: string, histogram?: H): H {
    if (histogram === undefined) {
      const existing = this.#existing(name, 'histogram');
      if (existing !== undefined) return existing as H;
    }
    const h = histogram ?? (new DescriptiveStatisticsHistogram() as Histogram as H);
    this.#add(name, { kind: 'histogram', labels: this.#labels, metric: h });
    return h;
  }

  meter<M extends Meter>(name: string, meter?: M): M {
    if (meter === undefined) {
      const existing = this.#existing(name, 'meter');
      if (existing !== undefined) return existing as M;
    }
    const m = meter ?? (new MeterView() as Meter as M);
    this.#add(name, { kind: 'meter', labels: this.#labels, metric: m });
    return m;
  }

  addGroup(name: string, value?: string): MetricGroup {
    if (name === '') throw new MetricNameError('metric group', name);
    const labels = value === undefined ? this.#labels : { ...this.#labels, [sanitizeLabelName(name)]: value };
    return new RegistryMetricGroup(this.#owner, [...this.#scope, ...(value === undefined ? [name] : [name, value])], [...this.#parts, name], labels);
  }

  getScopeComponents(): string[] {
    return [...this.#scope];
  }

  getAllVariables(): Record<string, string> {
    return { ...this.#labels };
  }

  /** Flink's identifier: the scope components and the name, joined with '.'. */
  getMetricIdentifier(name: string): string {
    return [...this.#scope, name].join('.');
  }

  /** The Prometheus name of metric `name` in this group. */
  prometheusName(name: string): string {
    return this.#identifier(name);
  }

  #identifier(name: string): string {
    return [...this.#parts, name].map(sanitizeMetricPart).join('_');
  }

  /** Removes every metric registered through this group and its sub-groups. */
  close(): void {
    this.#owner.closed = true;
    for (const r of this.#owner.registrations.splice(0)) this.#owner.store.remove(r);
  }

  /**
   * `counter(name)` (and histogram, meter) without an object returns the metric this group already
   * has under that name, so that code calling it twice keeps counting in one place.
   */
  #existing(name: string, kind: Entry['kind']): unknown {
    if (this.#owner.closed) return undefined;
    const e = this.#owner.store.find(this.#identifier(name), this.#labels);
    return e?.kind === kind ? e.metric : undefined;
  }

  #add(name: string, entry: Entry): void {
    if (name === '') throw new MetricNameError('metric', name);
    // Metrics registered after close (a late open or a timer) are kept by the caller, never reported.
    if (this.#owner.closed) return;
    const r = this.#owner.store.add(this.#identifier(name), entry);
    if (r !== undefined) this.#owner.registrations.push(r);
  }
}
