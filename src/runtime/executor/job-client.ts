import type { OperatorMetrics, OperatorSnapshot } from '../operators/operator.ts';
import type { UserMetricValue } from '../../core/metric-group.ts';

/** What a finished job reports. */
export interface JobExecutionResult {
  readonly jobName: string;
  /** Processing time the job ran for (per its clock), in ms. */
  readonly netRuntime: number;
  /** Records read by all sources. */
  readonly recordsIn: number;
  /** Late records dropped by window operators (no late side output configured), by operator uid. */
  readonly lateRecordsDropped: Record<string, number>;
  /** 'finished' when the inputs ended, 'stopped' when stopped by `executeAndCollect(limit)` or with a savepoint. */
  readonly status: 'finished' | 'stopped';
  /** The savepoint the job stopped with (`sluice savepoint JOB_ID --dir D`). */
  readonly savepointPath?: string;
}

/** A consistent snapshot of all operator state and source positions of a job (a savepoint). */
export interface JobSnapshot {
  readonly jobName: string;
  readonly checkpointId: number;
  readonly operators: Record<string, OperatorSnapshot[]>;
  readonly sources: Record<string, unknown[]>;
}

export type JobStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELED';

/** A point-in-time view of a running job. */
export interface JobMetrics {
  sources: Array<{ uid: string; subtaskIndex: number; recordsOut: number; ended: boolean }>;
  operators: OperatorMetrics[];
  /** Metrics user functions registered (`getRuntimeContext().getMetricGroup()`). */
  userMetrics: UserMetricValue[];
}

/**
 * Handle of a running job (`env.executeAsync()`).
 *
 * @example
 * ```ts
 * const client = await env.executeAsync('live');
 * const savepoint = await client.triggerSavepoint();
 * client.cancel();
 * await client.result.catch(() => {}); // rejects with JobCancelledError
 * ```
 */
export interface JobClient {
  readonly jobName: string;
  /** RUNNING until the job settles. */
  getJobStatus(): JobStatus;
  /** Current figures: per source subtask (records read, watermark) and per operator subtask. */
  getMetrics(): JobMetrics;
  /** Settles when the job ends: resolves when its inputs end, rejects on failure or cancel. */
  readonly result: Promise<JobExecutionResult>;
  cancel(): void;
  /** Snapshots all state between two records; resolves with the snapshot. */
  triggerSavepoint(): Promise<JobSnapshot>;
}
