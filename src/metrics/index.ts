// The metrics layer: per-worker registries and the objects the runtime records into.
export { WorkerMetrics, type WorkerMetricsOptions } from './worker-metrics.ts';
export { TaskIOMetrics, type TaskIdentity, type TaskState } from './task-io-metrics.ts';
export { OperatorIOMetrics, type OperatorIdentity, type OperatorProbes } from './operator-io-metrics.ts';
export { SplitMetrics, type SplitIdentity } from './split-metrics.ts';
export { TaskTime, type TaskActivity } from './task-time.ts';
export { RestoreProgress } from './restore-progress.ts';
export { CheckpointStatsTracker, type CheckpointRecord, type CheckpointCounts, type RestoredCheckpoint } from './checkpoint-stats.ts';
export { RebalanceStats, KafkaClientErrors } from './worker-stats.ts';
export { RegistryMetricGroup } from './registry-metric-group.ts';
export type { MetricGroup } from '../core/metric-group.ts';
export { SimpleCounter, MeterView, DescriptiveStatisticsHistogram, type Counter, type Gauge, type Histogram, type HistogramStatistics, type Meter } from './user-metrics.ts';
export { renderMetrics } from './render.ts';
export { metricName, METRIC_PREFIX } from './names.ts';
export { ExceptionHistory, type ExceptionEntry } from './exception-history.ts';
