import { MetricNameError } from './errors.ts';
import type { MetricGroup } from '../core/metric-group.ts';
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
    return this.#named('counter', name, counter, () => new SimpleCounter());
  }

  gauge<T>(name: string, gauge: Gauge<T> | (() => T)): Gauge<T> {
    const g: Gauge<T> = typeof gauge === 'function' ? { getValue: gauge } : gauge;
    this.#add(name, { kind: 'gauge', labels: this.#labels, metric: g as Gauge<unknown> });
    return g;
  }

  histogram<H extends Histogram>(name: string, histogram?: H): H {
    return this.#named('histogram', name, histogram, () => new DescriptiveStatisticsHistogram());
  }

  meter<M extends Meter>(name: string, meter?: M): M {
    return this.#named('meter', name, meter, () => new MeterView());
  }

  /**
   * Registers `given`, or — when none is given — returns the metric of this kind the group already
   * has under `name` (so code asking twice keeps counting in one place), else a new one.
   */
  #named<K extends 'counter' | 'histogram' | 'meter', M extends Extract<Entry, { kind: K }>['metric']>(kind: K, name: string, given: M | undefined, create: () => Extract<Entry, { kind: K }>['metric']): M {
    if (given === undefined && !this.#owner.closed) {
      const existing = this.#owner.store.find(this.#identifier(name), this.#labels);
      if (existing?.kind === kind) return existing.metric as M;
    }
    const metric = given ?? (create() as M);
    this.#add(name, { kind, labels: this.#labels, metric } as Entry);
    return metric;
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

  #add(name: string, entry: Entry): void {
    if (name === '') throw new MetricNameError('metric', name);
    // Metrics registered after close (a late open or a timer) are kept by the caller, never reported.
    if (this.#owner.closed) return;
    const r = this.#owner.store.add(this.#identifier(name), entry);
    if (r !== undefined) this.#owner.registrations.push(r);
  }
}
