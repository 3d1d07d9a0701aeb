import type { Registry } from 'prom-client';
import { CollectedMetric, type Sample } from './collected-metric.ts';
import type { CheckpointStatsTracker } from './checkpoint-stats.ts';
import { metricName, type Labels, type MetricScope } from './names.ts';
import type { OperatorIOMetrics } from './operator-io-metrics.ts';
import type { SplitMetrics } from './split-metrics.ts';
import type { TaskIOMetrics } from './task-io-metrics.ts';
import type { KafkaClientErrors, RebalanceStats } from './worker-stats.ts';

/** A built-in metric: how to read it from an object of its scope (undefined: not reported now). */
interface Def<T> {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  read: (o: T, now: number) => number | undefined;
}

const lag = (now: number, watermark: number) => (Number.isFinite(watermark) ? now - watermark : undefined);

export const TASK_METRICS: Def<TaskIOMetrics>[] = [
  { name: 'numRecordsIn', type: 'counter', help: 'Records the task has received', read: (t) => t.numRecordsIn },
  { name: 'numRecordsOut', type: 'counter', help: 'Records the task has emitted', read: (t) => t.numRecordsOut },
  { name: 'numRecordsInPerSecond', type: 'gauge', help: 'Records received per second (rate window)', read: (t) => t.numRecordsInPerSecond },
  { name: 'numRecordsOutPerSecond', type: 'gauge', help: 'Records emitted per second (rate window)', read: (t) => t.numRecordsOutPerSecond },
  { name: 'busyTimeMsPerSecond', type: 'gauge', help: 'Milliseconds per second spent processing', read: (t) => t.time.msPerSecond('busy') },
  { name: 'backPressuredTimeMsPerSecond', type: 'gauge', help: 'Milliseconds per second blocked by a full producer buffer, a sink flush or async I/O capacity', read: (t) => t.time.msPerSecond('backPressured') },
  { name: 'idleTimeMsPerSecond', type: 'gauge', help: 'Milliseconds per second waiting for input', read: (t) => t.time.msPerSecond('idle') },
  { name: 'accumulatedBusyTime', type: 'counter', help: 'Milliseconds spent processing since the task started', read: (t, now) => t.time.accumulated('busy', now) },
  { name: 'accumulatedBackpressuredTime', type: 'counter', help: 'Milliseconds spent back-pressured since the task started', read: (t, now) => t.time.accumulated('backPressured', now) },
  { name: 'accumulatedIdleTime', type: 'counter', help: 'Milliseconds spent waiting for input since the task started', read: (t, now) => t.time.accumulated('idle', now) },
  { name: 'currentInputWatermark', type: 'gauge', help: 'Last watermark the task received, in ms since the epoch (-Inf before the first)', read: (t) => t.currentInputWatermark },
  { name: 'currentOutputWatermark', type: 'gauge', help: 'Last watermark the task emitted (its last operator), in ms since the epoch', read: (t) => t.currentOutputWatermark },
  { name: 'idle', type: 'gauge', help: '1 while every input of the task is idle (its watermark then holds nothing back)', read: (t) => (t.idle ? 1 : 0) },
  { name: 'stateSizeBytes', type: 'gauge', help: 'Bytes of state the task holds (when its backend can tell)', read: (t) => t.stateSizeBytes?.() },
  { name: 'restoredStateRecords', type: 'gauge', help: 'State records restored by the last or current restore', read: (t) => (t.restore.startedAt >= 0 ? t.restore.records : undefined) },
  { name: 'restoreTotalStateRecords', type: 'gauge', help: 'State records the current restore has to read, when known', read: (t) => (t.restore.totalRecords >= 0 ? t.restore.totalRecords : undefined) },
  { name: 'restoreDurationMs', type: 'gauge', help: 'Milliseconds the last restore took (or the current one has taken)', read: (t, now) => (t.restore.startedAt >= 0 ? t.restore.durationMs(now) : undefined) },
  { name: 'restoring', type: 'gauge', help: '1 while the task restores its state', read: (t) => (t.restore.inProgress ? 1 : 0) },
];

export const OPERATOR_METRICS: Def<OperatorIOMetrics>[] = [
  { name: 'numRecordsIn', type: 'counter', help: 'Records the operator has received', read: (o) => o.numRecordsIn },
  { name: 'numRecordsOut', type: 'counter', help: 'Records the operator has emitted', read: (o) => o.numRecordsOut },
  { name: 'numRecordsInPerSecond', type: 'gauge', help: 'Records received per second (rate window)', read: (o) => o.numRecordsInPerSecond },
  { name: 'numRecordsOutPerSecond', type: 'gauge', help: 'Records emitted per second (rate window)', read: (o) => o.numRecordsOutPerSecond },
  { name: 'currentInputWatermark', type: 'gauge', help: 'Last watermark the operator received (minimum over its inputs)', read: (o) => o.currentInputWatermark },
  { name: 'currentInput1Watermark', type: 'gauge', help: 'Last watermark of the first input of a two-input operator', read: (o) => (o.identity.inputs === 2 ? o.currentInput1Watermark : undefined) },
  { name: 'currentInput2Watermark', type: 'gauge', help: 'Last watermark of the second input of a two-input operator', read: (o) => (o.identity.inputs === 2 ? o.currentInput2Watermark : undefined) },
  { name: 'currentOutputWatermark', type: 'gauge', help: 'Last watermark the operator emitted', read: (o) => o.currentOutputWatermark },
  { name: 'watermarkLag', type: 'gauge', help: 'Wall clock minus the output watermark, in ms (absent before the first watermark)', read: (o, now) => lag(now, o.currentOutputWatermark) },
  { name: 'numLateRecordsDropped', type: 'counter', help: 'Records dropped for arriving after their window closed', read: (o) => o.numLateRecordsDropped },
  { name: 'numKeyedStateEntries', type: 'gauge', help: 'Keyed state entries (state, key, namespace) the operator holds', read: (o) => o.probes.keyedStateEntries?.() },
  { name: 'numEventTimeTimers', type: 'gauge', help: 'Event-time timers registered', read: (o) => o.probes.eventTimeTimers?.() },
  { name: 'numProcessingTimeTimers', type: 'gauge', help: 'Processing-time timers registered', read: (o) => o.probes.processingTimeTimers?.() },
];

export const SPLIT_METRICS: Def<SplitMetrics>[] = [
  { name: 'currentWatermark', type: 'gauge', help: 'Watermark of the split (source partition)', read: (s) => s.currentWatermark },
  { name: 'watermarkLag', type: 'gauge', help: 'Wall clock minus the split watermark, in ms', read: (s, now) => lag(now, s.currentWatermark) },
  { name: 'idle', type: 'gauge', help: '1 while the split is marked idle', read: (s) => (s.idle ? 1 : 0) },
  { name: 'currentOffset', type: 'gauge', help: 'Offset of the next record to read (the consumer position)', read: (s) => (s.currentOffset >= 0 ? s.currentOffset : undefined) },
  { name: 'committedOffset', type: 'gauge', help: 'Offset last committed for the split by a checkpoint', read: (s) => (s.committedOffset >= 0 ? s.committedOffset : undefined) },
  { name: 'records_lag', type: 'gauge', help: "Kafka's records-lag: last stable offset (read_committed) or high watermark minus the consumer position", read: (s) => s.recordsLag },
];

export const JOB_METRICS: Def<{ checkpoints: CheckpointStatsTracker; startedAt: number; numRestarts: number }>[] = [
  { name: 'uptime', type: 'gauge', help: 'Milliseconds the job has run on this worker', read: (j, now) => (j.startedAt >= 0 ? now - j.startedAt : undefined) },
  { name: 'numRestarts', type: 'counter', help: 'Times the job restarted on this worker after a failure', read: (j) => j.numRestarts },
  { name: 'lastCheckpointDuration', type: 'gauge', help: 'Milliseconds the last completed checkpoint took', read: (j) => j.checkpoints.latestCompleted?.durationMs ?? -1 },
  { name: 'lastCheckpointSize', type: 'gauge', help: 'Bytes written by the last completed checkpoint', read: (j) => j.checkpoints.latestCompleted?.stateSize ?? -1 },
  { name: 'lastCompletedCheckpointId', type: 'gauge', help: 'Id of the last completed checkpoint', read: (j) => j.checkpoints.latestCompleted?.id ?? -1 },
  { name: 'numberOfCompletedCheckpoints', type: 'counter', help: 'Checkpoints completed', read: (j) => j.checkpoints.counts.completed },
  { name: 'numberOfFailedCheckpoints', type: 'counter', help: 'Checkpoints failed', read: (j) => j.checkpoints.counts.failed },
  { name: 'numberOfInProgressCheckpoints', type: 'gauge', help: 'Checkpoints in progress', read: (j) => j.checkpoints.counts.inProgress },
  { name: 'totalNumberOfCheckpoints', type: 'counter', help: 'Checkpoints triggered', read: (j) => j.checkpoints.counts.total },
  { name: 'lastCheckpointRestoreTimestamp', type: 'gauge', help: 'When the job last restored from a checkpoint, ms since the epoch', read: (j) => j.checkpoints.latestRestored?.restoreTimestamp ?? -1 },
];

export const WORKER_METRICS: Def<{ rebalances: RebalanceStats; numTasks: number }>[] = [
  { name: 'rebalance_total', type: 'counter', help: 'Rebalances the worker completed', read: (w) => w.rebalances.total },
  { name: 'failed_rebalance_total', type: 'counter', help: 'Rebalances that failed', read: (w) => w.rebalances.failed },
  { name: 'rebalance_latency_total', type: 'counter', help: 'Milliseconds processing was paused by rebalances, in all', read: (w) => w.rebalances.latencyTotalMs },
  { name: 'rebalance_latency_max', type: 'gauge', help: 'Longest pause of a rebalance, in ms', read: (w) => w.rebalances.latencyMaxMs },
  { name: 'last_rebalance_seconds_ago', type: 'gauge', help: 'Seconds since the last rebalance ended', read: (w, now) => (w.rebalances.lastEndedAt >= 0 ? (now - w.rebalances.lastEndedAt) / 1000 : undefined) },
  { name: 'rebalance_in_progress', type: 'gauge', help: '1 while a rebalance pauses processing', read: (w) => (w.rebalances.inProgress ? 1 : 0) },
  { name: 'numTasks', type: 'gauge', help: 'Tasks the worker runs', read: (w) => w.numTasks },
];

/** Registers one family per definition; `objects` lists the scope's live objects at scrape time. */
export function registerFamilies<T>(
  registry: Registry,
  scope: MetricScope,
  defs: readonly Def<T>[],
  objects: () => Iterable<T>,
  now: () => number,
): void {
  for (const def of defs) {
    new CollectedMetric({
      name: metricName(scope, def.name),
      help: def.help,
      type: def.type,
      collect: () => {
        const at = now();
        const out: Sample[] = [];
        for (const o of objects()) {
          const value = def.read(o, at);
          if (value !== undefined) out.push({ labels: (o as { labels?: Labels }).labels ?? {}, value });
        }
        return out;
      },
    }).registerIn(registry);
  }
}

/** `numKafkaClientErrors{client, error}`. */
export function registerClientErrors(registry: Registry, errors: KafkaClientErrors): void {
  new CollectedMetric({
    name: metricName('worker', 'numKafkaClientErrors'),
    help: 'Errors reported by the worker Kafka clients, by client and Kafka error name',
    type: 'counter',
    collect: () => [...errors.entries()].map((e) => ({ labels: { client: e.client, error: e.error }, value: e.count })),
  }).registerIn(registry);
}
