import { MetricNameError } from './errors.ts';
import type { MetricGroup } from './metric-group.ts';
import { METRIC_PREFIX, sanitizeLabelName, sanitizeMetricPart, type Labels } from './names.ts';
import type { Registration, UserMetricStore } from './user-metric-store.ts';
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
  readonly #parts: readonly string[];
  readonly #labels: Labels;

  /** The root group of an operator: `scope` is the name part after `sluice_` (`operator`). */
  static root(store: UserMetricStore, scope: string, labels: Labels): RegistryMetricGroup {
    return new RegistryMetricGroup({ store, registrations: [], closed: false }, [METRIC_PREFIX, scope], labels);
  }

  private constructor(owner: GroupOwner, parts: readonly string[], labels: Labels) {
    this.#owner = owner;
    this.#parts = parts;
    this.#labels = labels;
  }

  counter<C extends Counter>(name: string, counter?: C): C {
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
    const h = histogram ?? (new DescriptiveStatisticsHistogram() as Histogram as H);
    this.#add(name, { kind: 'histogram', labels: this.#labels, metric: h });
    return h;
  }

  meter<M extends Meter>(name: string, meter?: M): M {
    const m = meter ?? (new MeterView() as Meter as M);
    this.#add(name, { kind: 'meter', labels: this.#labels, metric: m });
    return m;
  }

  addGroup(name: string, value?: string): MetricGroup {
    if (name === '') throw new MetricNameError('metric group', name);
    const labels = value === undefined ? this.#labels : { ...this.#labels, [sanitizeLabelName(name)]: value };
    return new RegistryMetricGroup(this.#owner, [...this.#parts, name], labels);
  }

  getScopeComponents(): string[] {
    return [...this.#parts];
  }

  getAllVariables(): Record<string, string> {
    return { ...this.#labels };
  }

  getMetricIdentifier(name: string): string {
    return [...this.#parts, name].map(sanitizeMetricPart).join('_');
  }

  /** Removes every metric registered through this group and its sub-groups. */
  close(): void {
    this.#owner.closed = true;
    for (const r of this.#owner.registrations.splice(0)) this.#owner.store.remove(r);
  }

  #add(name: string, entry: Parameters<UserMetricStore['add']>[1]): void {
    if (name === '') throw new MetricNameError('metric', name);
    // Metrics registered after close (a late open or a timer) are kept by the caller, never reported.
    if (this.#owner.closed) return;
    const r = this.#owner.store.add(this.getMetricIdentifier(name), entry);
    if (r !== undefined) this.#owner.registrations.push(r);
  }
}
