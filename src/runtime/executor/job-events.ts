import { channel } from 'node:diagnostics_channel';
import type { JobGraph } from '../graph/job-graph.ts';
import type { JobExecutionResult, JobMetrics } from './job-client.ts';
import type { WorkerMetrics } from '../../metrics/worker-metrics.ts';
import type { ExceptionHistory } from '../../metrics/exception-history.ts';

/** What the executor tells observers (`sluice run`, tools) when a job's sources are open and it runs. */
export interface JobRunningEvent {
  readonly graph: JobGraph;
  readonly mode: 'streaming' | 'batch';
  /** Settles when the job ends (rejects on failure or cancel). */
  readonly result: Promise<JobExecutionResult>;
  /** Current figures: records per source subtask and per operator subtask. */
  metrics(): JobMetrics;
  /** The workers' metric objects (Prometheus registry, tasks, checkpoints); absent with metrics off. */
  readonly workers?: readonly WorkerMetrics[];
  /** The job's last failures, for the dashboard. */
  readonly exceptions?: ExceptionHistory;
}

/**
 * `node:diagnostics_channel` channel on which every job of the process announces that it runs.
 * Publishing costs nothing without subscribers.
 */
export const jobRunningChannel = channel('sluice:job-running');

/** The uids of a job's sink operators (their `recordsIn` is what the job wrote). */
export function sinkUids(graph: JobGraph): Set<string> {
  return new Set(graph.vertices.filter((v) => (v.t as { isSink?: boolean }).isSink === true).map((v) => v.uid));
}
