/**
 * How Sluice names its Prometheus metrics (the rule Flink's PrometheusReporter follows, with
 * Sluice's objects as scopes):
 *
 *   sluice_<scope>_<name>{labels}
 *
 * - `scope` is the object that owns the figure: `worker`, `job`, `task` (a stage × subtask),
 *   `operator`, `split` (one source partition of an operator).
 * - `name` is Flink's metric name, verbatim (`numRecordsIn`, `busyTimeMsPerSecond`), where Flink
 *   has one; a Kafka client metric keeps its Kafka name with `-` turned into `_` (`records-lag` →
 *   `records_lag`); figures only Sluice has are named in Flink's camelCase style.
 * - User metrics are `sluice_operator_<group>_..._<name>`: plain groups become name parts,
 *   key/value groups (`addGroup(key, value)`) become labels — as Flink's reporter does.
 * - Any character outside `[a-zA-Z0-9_:]` becomes `_`.
 * - Where a scope has objects, labels say which one: `job` and `worker` on every series, then
 *   `task_id`, `task`, `subtask`, `operator`, `operator_name`, `split`, `topic`, `partition`.
 */

export const METRIC_PREFIX = 'sluice';

/** The owners of metrics, from the widest to the narrowest. */
export type MetricScope = 'worker' | 'job' | 'task' | 'operator' | 'split';

/** Labels every series of a worker's registry carries (prom-client default labels). */
export const WORKER_LABELS = ['job', 'worker'] as const;
export const TASK_LABELS = ['task_id', 'task', 'subtask'] as const;
export const OPERATOR_LABELS = [...TASK_LABELS, 'operator', 'operator_name'] as const;
export const SPLIT_LABELS = [...OPERATOR_LABELS, 'split', 'topic', 'partition'] as const;

export type Labels = Record<string, string>;

const INVALID = /[^a-zA-Z0-9_:]/g;
const LABEL_INVALID = /[^a-zA-Z0-9_]/g;

/** A name part made valid for Prometheus (Flink's reporter replaces the same characters). */
export function sanitizeMetricPart(part: string): string {
  return part.replace(INVALID, '_');
}

/** A label name made valid for Prometheus; a leading digit gets a `_` in front. */
export function sanitizeLabelName(name: string): string {
  const s = name.replace(LABEL_INVALID, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** `sluice_<scope>_<parts joined by _>`. */
export function metricName(scope: MetricScope, ...parts: string[]): string {
  return [METRIC_PREFIX, scope, ...parts].map(sanitizeMetricPart).join('_');
}
