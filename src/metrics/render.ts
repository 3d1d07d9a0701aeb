import type { Registry } from 'prom-client';
import { promClient } from './prom-client-library.ts';
import { CollectedMetric, type MetricType, type Sample } from './collected-metric.ts';

/**
 * Prometheus text of several registries (workers of one process, the process's own metrics):
 * families with the same name are merged into one, as the exposition format requires; each
 * registry's default labels (job, worker) keep their series apart.
 */
export async function renderMetrics(registries: readonly Registry[]): Promise<string> {
  if (registries.length === 1) return registries[0]!.metrics();
  const families = new Map<string, { help: string; type: MetricType; values: Sample[] }>();
  for (const registry of registries) {
    for (const m of await registry.getMetricsAsJSON()) {
      const family = families.get(m.name);
      const values = m.values as Sample[];
      const type = String(m.type) as MetricType;
      if (family === undefined) families.set(m.name, { help: m.help, type, values: [...values] });
      else if (family.type === type) family.values.push(...values);
    }
  }
  const merged = new (promClient().Registry)();
  for (const [name, f] of families) new CollectedMetric({ name, help: f.help, type: f.type, collect: () => f.values }).registerIn(merged);
  return merged.metrics();
}
