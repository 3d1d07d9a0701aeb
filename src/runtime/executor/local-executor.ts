import { JobCancelledError, JobConfigurationError } from '../../core/errors/job-errors.ts';
import { logger } from '../../util/logger.ts';
import type { JobGraph } from '../graph/job-graph.ts';
import { withRepartitionTopics } from '../graph/repartition.ts';
import { jobIdOf } from '../checkpoint/durable-state.ts';
import type { ExecutionOptions, WorkerShare } from '../worker/execution-options.ts';
import { Worker } from '../worker/worker.ts';
import type { JobClient, JobExecutionResult, JobStatus } from './job-client.ts';
import { jobRunningChannel, type JobRunningEvent } from './job-events.ts';

export type { ExecutionOptions } from '../worker/execution-options.ts';

/**
 * Runs a job graph in this process: one worker holds every task ("assigned partitions" are all of
 * them), every exchange between tasks is a direct call. Returns the job's client at once; the
 * job runs until its inputs end, it fails, or it is cancelled.
 */
export function executeLocally(compiled: JobGraph, given: ExecutionOptions): JobClient {
  const share = given.workerShare ?? workerShareFromEnvironment();
  const opts: ExecutionOptions = share === undefined ? given : { ...given, workerShare: share };
  const graph = share !== undefined || distributedExchanges(opts) ? withRepartitionTopics(compiled, { jobId: jobIdOf(compiled, opts), mode: opts.mode }) : compiled;
  const worker = new Worker(graph, opts);
  logger.debug({ job: graph.jobName, mode: opts.mode, stages: graph.stages.length, tasks: worker.tasks.length }, 'job started');
  const announce = (): void => {
    if (jobRunningChannel.hasSubscribers) jobRunningChannel.publish({
        graph,
        mode: opts.mode,
        result,
        metrics: () => worker.jobMetrics(),
        ...(worker.observed && { workers: [worker.observed.metrics], exceptions: worker.observed.exceptions }),
      } satisfies JobRunningEvent);
  };
  const result: Promise<JobExecutionResult> = worker.run(announce).then(
    (r) => {
      logger.debug({ job: graph.jobName, recordsIn: r.recordsIn, status: r.status }, 'job finished');
      return r;
    },
    (e: unknown) => {
      logger.debug({ job: graph.jobName, err: e }, 'job failed');
      throw e;
    },
  );
  // Mark as handled: callers that only cancel must not crash the process with an unhandled rejection.
  result.catch(() => {});
  let status: JobStatus = 'RUNNING';
  result.then(
    () => void (status = 'FINISHED'),
    (e: unknown) => void (status = e instanceof JobCancelledError ? 'CANCELED' : 'FAILED'),
  );
  return {
    jobName: graph.jobName,
    result,
    getJobStatus: () => status,
    getMetrics: () => worker.jobMetrics(),
    cancel: () => worker.cancel(),
    triggerSavepoint: () => worker.requestSavepoint(),
  };
}

/** Distributed mode: exchanges through Kafka repartition topics. */
function distributedExchanges(opts: ExecutionOptions): boolean {
  const setting = opts.exchanges ?? process.env.SLUICE_EXCHANGES ?? 'local';
  if (setting !== 'kafka' && setting !== 'local') throw new JobConfigurationError(`SLUICE_EXCHANGES must be 'kafka' or 'local', got '${setting}'`);
  return setting === 'kafka';
}

/** `SLUICE_WORKERS` / `SLUICE_WORKER_INDEX` (set by `sluice run --workers N` for its worker threads). */
function workerShareFromEnvironment(): WorkerShare | undefined {
  const count = Number(process.env.SLUICE_WORKERS ?? 1);
  const index = Number(process.env.SLUICE_WORKER_INDEX ?? 0);
  if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(index) && index >= 0 && index < count)) {
    throw new JobConfigurationError(`SLUICE_WORKERS (${process.env.SLUICE_WORKERS}) must be an integer >= 1 and SLUICE_WORKER_INDEX (${process.env.SLUICE_WORKER_INDEX}) an integer in [0, SLUICE_WORKERS)`);
  }
  return count > 1 ? { index, count } : undefined;
}
