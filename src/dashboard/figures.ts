import type { OperatorIOMetrics } from '../metrics/operator-io-metrics.ts';
import type { SplitMetrics } from '../metrics/split-metrics.ts';
import type { TaskIOMetrics } from '../metrics/task-io-metrics.ts';
import { MIN_WATERMARK } from '../core/watermark/watermark.ts';
import type { OperatorFigures, SplitFigures, TaskFigures } from './job-view.ts';

/**
 * Turn the metric objects the runtime updates into the figures a `JobView` returns, so that a
 * provider reads the same objects as `/metrics` and keeps no bookkeeping of its own.
 */

export function splitFigures(s: SplitMetrics): SplitFigures {
  const f: SplitFigures = { splitId: s.identity.splitId, currentWatermark: s.currentWatermark, idle: s.idle };
  if (s.identity.topic !== undefined) f.topic = s.identity.topic;
  if (s.identity.partition !== undefined) f.partition = s.identity.partition;
  if (s.currentOffset >= 0) f.currentOffset = s.currentOffset;
  if (s.endOffset >= 0) f.endOffset = s.endOffset;
  if (s.committedOffset >= 0) f.committedOffset = s.committedOffset;
  const lag = s.recordsLag;
  if (lag !== undefined) f.recordsLag = lag;
  return f;
}

export function operatorFigures(o: OperatorIOMetrics): OperatorFigures {
  return {
    uid: o.identity.uid,
    name: o.identity.name,
    numRecordsIn: o.numRecordsIn,
    numRecordsOut: o.numRecordsOut,
    numRecordsInPerSecond: o.numRecordsInPerSecond,
    numRecordsOutPerSecond: o.numRecordsOutPerSecond,
    currentInputWatermark: o.currentInputWatermark,
    currentOutputWatermark: o.currentOutputWatermark,
    numLateRecordsDropped: o.numLateRecordsDropped,
  };
}

/** A task's figures; its output watermark is the last operator's of its chain. */
export function taskFigures(t: TaskIOMetrics): TaskFigures {
  const ops = [...t.operators];
  const splits = ops.flatMap((o) => [...o.splits]);
  const lags = splits.map((s) => s.recordsLag).filter((l): l is number => l !== undefined);
  const f: TaskFigures = {
    numRecordsIn: t.numRecordsIn,
    numRecordsOut: t.numRecordsOut,
    numRecordsInPerSecond: t.numRecordsInPerSecond,
    numRecordsOutPerSecond: t.numRecordsOutPerSecond,
    busyTimeMsPerSecond: t.time.msPerSecond('busy'),
    backPressuredTimeMsPerSecond: t.time.msPerSecond('backPressured'),
    idleTimeMsPerSecond: t.time.msPerSecond('idle'),
    currentInputWatermark: t.currentInputWatermark,
    currentOutputWatermark: ops.at(-1)?.currentOutputWatermark ?? MIN_WATERMARK,
  };
  if (lags.length > 0) f.recordsLag = lags.reduce((a, b) => a + b, 0);
  const size = t.stateSizeBytes?.();
  if (size !== undefined) f.stateSizeBytes = size;
  return f;
}

/**
 * A stage's figures from its subtasks' (Flink's web UI does the same): counts and rates are summed,
 * busy and back-pressured time is the maximum (one slow subtask holds the stage), idle time the
 * minimum, watermarks the minimum (what downstream waits for).
 */
export function aggregateSubtasks(subtasks: readonly TaskFigures[]): TaskFigures {
  const sum = (pick: (f: TaskFigures) => number) => subtasks.reduce((a, f) => a + pick(f), 0);
  const max = (pick: (f: TaskFigures) => number) => subtasks.reduce((a, f) => Math.max(a, pick(f)), 0);
  const min = (pick: (f: TaskFigures) => number, none: number) => (subtasks.length === 0 ? none : Math.min(...subtasks.map(pick)));
  const out: TaskFigures = {
    numRecordsIn: sum((f) => f.numRecordsIn),
    numRecordsOut: sum((f) => f.numRecordsOut),
    numRecordsInPerSecond: sum((f) => f.numRecordsInPerSecond),
    numRecordsOutPerSecond: sum((f) => f.numRecordsOutPerSecond),
    busyTimeMsPerSecond: max((f) => f.busyTimeMsPerSecond),
    backPressuredTimeMsPerSecond: max((f) => f.backPressuredTimeMsPerSecond),
    idleTimeMsPerSecond: min((f) => f.idleTimeMsPerSecond, 0),
    currentInputWatermark: min((f) => f.currentInputWatermark, MIN_WATERMARK),
    currentOutputWatermark: min((f) => f.currentOutputWatermark, MIN_WATERMARK),
  };
  const lags = subtasks.flatMap((f) => (f.recordsLag === undefined ? [] : [f.recordsLag]));
  if (lags.length > 0) out.recordsLag = lags.reduce((a, b) => a + b, 0);
  const sizes = subtasks.flatMap((f) => (f.stateSizeBytes === undefined ? [] : [f.stateSizeBytes]));
  if (sizes.length > 0) out.stateSizeBytes = sizes.reduce((a, b) => a + b, 0);
  return out;
}
