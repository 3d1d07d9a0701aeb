import type { Registry } from 'prom-client';
import type { Logger } from '../util/logger.ts';
import { CollectedMetric, type MetricType, type Sample } from './collected-metric.ts';
import type { Labels } from './names.ts';
import type { Counter, Gauge, Histogram, Meter, View } from './user-metrics.ts';

/** Quantiles a histogram is exported with (those of Flink's Prometheus reporter). */
export const HISTOGRAM_QUANTILES = [0.5, 0.75, 0.95, 0.98, 0.99, 0.999] as const;

export type Entry =
  | { kind: 'counter'; labels: Labels; metric: Counter }
  | { kind: 'gauge'; labels: Labels; metric: Gauge<unknown> }
  | { kind: 'meter'; labels: Labels; metric: Meter }
  | { kind: 'histogram'; labels: Labels; metric: Histogram };

interface Family {
  type: MetricType;
  entries: Map<string, Entry>;
}

/** What a metric group registered, so that closing the group (its operator) removes it. */
export interface Registration {
  readonly name: string;
  readonly key: string;
}

const PROMETHEUS_TYPE: Record<Entry['kind'], MetricType> = { counter: 'gauge', gauge: 'gauge', meter: 'gauge', histogram: 'summary' };

/**
 * The user metrics of one worker, by Prometheus name: one family per name, one series per label
 * set. Collisions are handled as Flink does: the second metric is not reported and a warning is
 * logged, user code goes on.
 */
export class UserMetricStore {
  /** The worker's registry, made on first use. */
  readonly #registry: () => Registry;
  readonly #log: Logger;
  readonly #families = new Map<string, Family>();
  readonly #views = new Set<View>();
  readonly #now: () => number;

  constructor(registry: () => Registry, log: Logger, now: () => number) {
    this.#registry = registry;
    this.#log = log;
    this.#now = now;
  }

  /** The metric registered under `name` with exactly these labels, if any. */
  find(name: string, labels: Labels): Entry | undefined {
    return this.#families.get(name)?.entries.get(labelKey(labels));
  }

  /** Adds a metric; undefined when its name and labels are taken (then it is not reported). */
  add(name: string, entry: Entry): Registration | undefined {
    const type = PROMETHEUS_TYPE[entry.kind];
    let family = this.#families.get(name);
    if (family === undefined) {
      if (this.#registry().getSingleMetric(name) !== undefined) {
        this.#log.warn({ metric: name }, 'a user metric has the name of a Sluice metric; it is not reported: rename it');
        return undefined;
      }
      family = { type, entries: new Map() };
      this.#families.set(name, family);
      const f = family;
      new CollectedMetric({ name, help: `user metric ${name}`, type, collect: () => collectFamily(name, f) }).registerIn(this.#registry());
    } else if (family.type !== type) {
      this.#log.warn({ metric: name, existing: family.type, wanted: type }, 'a user metric name is used with two metric types; the second is not reported');
      return undefined;
    }
    const key = labelKey(entry.labels);
    if (family.entries.has(key)) {
      this.#log.warn({ metric: name, labels: entry.labels }, 'a user metric with this name and labels already exists; the second is not reported');
      return undefined;
    }
    family.entries.set(key, entry);
    if (entry.kind === 'meter' && isView(entry.metric)) {
      // The first sample: a meter's rate counts from its registration.
      entry.metric.update(this.#now());
      this.#views.add(entry.metric);
    }
    return { name, key };
  }

  remove(r: Registration): void {
    const family = this.#families.get(r.name);
    const entry = family?.entries.get(r.key);
    if (entry === undefined) return;
    family!.entries.delete(r.key);
    if (entry.kind === 'meter' && isView(entry.metric)) this.#views.delete(entry.metric);
  }

  /** Brings meters up to date (called on every metrics tick). */
  tick(now: number): void {
    for (const v of this.#views) v.update(now);
  }
}

function isView(m: unknown): m is View {
  return typeof (m as Partial<View>).update === 'function';
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function gaugeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

function collectFamily(name: string, family: Family): Sample[] {
  const out: Sample[] = [];
  for (const e of family.entries.values()) {
    switch (e.kind) {
      case 'counter':
        out.push({ labels: e.labels, value: e.metric.getCount() });
        break;
      case 'meter':
        out.push({ labels: e.labels, value: e.metric.getRate() });
        break;
      case 'gauge': {
        // A throwing gauge must not break the scrape of every other metric.
        let value: number | undefined;
        try {
          value = gaugeNumber(e.metric.getValue());
        } catch {
          value = undefined;
        }
        if (value !== undefined) out.push({ labels: e.labels, value });
        break;
      }
      case 'histogram': {
        const stats = e.metric.getStatistics();
        for (const q of HISTOGRAM_QUANTILES) out.push({ labels: { ...e.labels, quantile: String(q) }, value: stats.getQuantile(q) });
        out.push({ labels: e.labels, value: e.metric.getCount(), metricName: `${name}_count` });
        break;
      }
    }
  }
  return out;
}
