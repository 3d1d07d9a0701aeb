import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { jobRunningChannel, type JobRunningEvent } from '../../runtime/executor/job-events.ts';
import type { WorkerMetrics } from '../../metrics/worker-metrics.ts';
import { startProgress, type Progress } from '../progress/progress-bar.ts';

const CLEAR_LINE = '\r\u001b[2K';

/** Records the sources of a job have read so far. */
function recordsRead(e: JobRunningEvent): number {
  return e.metrics().sources.reduce((n, s) => n + s.recordsOut, 0);
}

/**
 * Records still to read before the bounded sources end: what the source partitions have between
 * their position and their end offset (undefined while no split knows its end).
 */
function recordsLeft(workers: readonly WorkerMetrics[]): number | undefined {
  let left: number | undefined;
  for (const w of workers) {
    for (const t of w.tasks) {
      for (const o of t.operators) {
        for (const s of o.splits) {
          if (s.endOffset < 0 || s.currentOffset < 0) continue;
          left = (left ?? 0) + Math.max(0, s.endOffset - s.currentOffset);
        }
      }
    }
  }
  return left;
}

/**
 * A progress line on stderr for every bounded job of the process while it runs — records
 * read, of the total when the source partitions' end offsets are known, rate, ETA — on a terminal
 * only. When stdout is the same terminal, what the job prints first clears the line (redrawn at
 * the next tick), so job output and progress do not mix on one line.
 */
export function showJobProgress(stream: NodeJS.WriteStream = process.stderr): () => void {
  const running = new Set<Progress>();
  const out = process.stdout;
  const write = out.write;
  const clearFirst = stream.isTTY && out.isTTY;
  if (clearFirst) {
    out.write = ((...args: Parameters<typeof write>) => {
      if (running.size > 0) stream.write(CLEAR_LINE);
      return write.apply(out, args);
    }) as typeof write;
  }
  const onRunning = (message: unknown): void => {
    const e = message as JobRunningEvent & { workers?: readonly WorkerMetrics[] };
    // Bounded: batch mode, or every source ends (a streaming job over bounded input ends too).
    const bounded = e.mode === 'batch' || e.graph.vertices.every((v) => v.t.kind !== 'source' || v.t.source.getBoundedness() === 'bounded');
    if (!bounded) return;
    const progress = startProgress({
      stream,
      label: 'reading',
      unit: 'records',
      now: () => performance.now(),
      read: () => {
        const done = recordsRead(e);
        const left = recordsLeft(e.workers ?? []);
        return { done, total: left === undefined ? undefined : done + left };
      },
    });
    running.add(progress);
    const end = () => {
      progress.stop();
      running.delete(progress);
    };
    e.result.then(end, end);
  };
  subscribe(jobRunningChannel.name, onRunning);
  return () => {
    unsubscribe(jobRunningChannel.name, onRunning);
    for (const p of running) p.stop();
    running.clear();
    if (clearFirst) out.write = write;
  };
}
