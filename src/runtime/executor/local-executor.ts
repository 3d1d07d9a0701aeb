import { setTimeout as sleep } from 'node:timers/promises';
import { withExchangeReaderStates } from '../savepoint/savepoint-mapping.ts';
import { JobCancelledError, JobConfigurationError } from '../../core/errors/job-errors.ts';
import { logger } from '../../util/logger.ts';
import type { JobGraph } from '../graph/job-graph.ts';
import { withRepartitionTopics } from '../graph/repartition.ts';
import { jobIdOf } from '../checkpoint/durable-state.ts';
import type { ExecutionOptions, WorkerShare } from '../worker/execution-options.ts';
import { Worker } from '../worker/worker.ts';
import { isFencing } from '../worker/fencing.ts';
import { staticMembershipOf } from '../worker/static-membership.ts';
import type { JobClient, JobExecutionResult, JobStatus } from './job-client.ts';
import { JobMembership, type RunningTasks } from './job-membership.ts';
import { StandbyReplicas } from '../checkpoint/standby-replica.ts';
import { replicaStoreFor } from '../checkpoint/standby-store.ts';
import { resolveStandbyReplicas } from './standby-assignor.ts';
import { jobRunningChannel, type JobRunningEvent } from './job-events.ts';

export type { ExecutionOptions } from '../worker/execution-options.ts';

/**
 * Runs a job graph in this process: one worker holds every task ("assigned partitions" are all of
 * them), every exchange between tasks is a direct call. Returns the job's client at once; the
 * job runs until its inputs end, it fails, or it is cancelled. A worker that Kafka fenced (an
 * exactly-once worker whose producer epoch or group generation went stale: it was frozen and
 * replaced) stops its tasks and rejoins as a new incarnation — new transactional epoch, new group
 * membership, state restored from the last committed checkpoint — instead of failing the job.
 * A distributed job with durable state runs the tasks the job group assigns this worker
 * ({@link JobMembership}); rebalances are cooperative: the running worker keeps its kept units
 * running, releases revoked ones and starts added ones (src/runtime/worker/unit-set.ts). Only
 * when every unit of a worker moves does it stop, and the next one runs its new assignment from
 * the last committed checkpoint.
 */
export function executeLocally(compiled: JobGraph, given: ExecutionOptions): JobClient {
  const share = given.workerShare ?? workerShareFromEnvironment();
  const opts: ExecutionOptions = share === undefined ? given : { ...given, workerShare: share };
  const distributed = share !== undefined || distributedExchanges(opts);
  const graph = distributed ? withRepartitionTopics(compiled, { jobId: jobIdOf(compiled, opts), mode: opts.mode }) : compiled;
  // Repartition readers exist only now: a savepoint's positions of them are mapped (or refused without exchanges).
  let options = opts.restoreFrom === undefined ? opts : { ...opts, restoreFrom: withExchangeReaderStates(graph, opts.restoreFrom, distributed) };
  // Distributed with durable state: the job group assigns this worker its tasks (dynamic membership).
  const groupMembers = distributed && hasDurableState(graph, opts);
  const standbys = groupMembers ? standbyReplicasFor(graph, opts) : undefined;
  const newMembership = (): JobMembership | undefined => (groupMembers ? membershipFor(graph, opts, share, standbys) : undefined);
  let membership = newMembership();
  if (membership !== undefined) options = { ...options, membership };
  let worker = new Worker(graph, options);
  let cancelled = false;
  logger.debug({ job: graph.jobName, mode: opts.mode, stages: graph.stages.length, tasks: worker.tasks.length }, 'job started');
  let announced = false;
  const announce = (): void => {
    if (announced) return;
    announced = true;
    if (jobRunningChannel.hasSubscribers) jobRunningChannel.publish({
        graph,
        mode: opts.mode,
        result,
        metrics: () => worker.jobMetrics(),
        ...(worker.observed && { workers: [worker.observed.metrics], exceptions: worker.observed.exceptions }),
      } satisfies JobRunningEvent);
  };
  const runIncarnations = async (): Promise<JobExecutionResult> => {
    let fencings = 0;
    for (let incarnation = 1; ; incarnation++) {
      const current = worker;
      const tasks = (cooperative: boolean): RunningTasks => ({
        stop: () => (current.revoke(), running.then(() => {}, () => {})),
        fail: (e) => current.fail(e),
        // Once its tasks run, the worker changes its units in place (before, a change restarts it).
        ...(cooperative && current.unitSet !== undefined && { units: current.unitSet }),
        rebalanced: (pauseMs) => {
          const now = current.options.clock.now();
          current.observed?.metrics.rebalances.started(now - pauseMs);
          current.observed?.metrics.rebalances.ended(now, true);
        },
      });
      const running = worker.run(() => {
        const runningTasks = tasks(true);
        const pause = membership?.resumed();
        if (pause !== undefined) runningTasks.rebalanced?.(pause);
        membership?.running(runningTasks);
        announce();
      });
      membership?.running(tasks(false));
      try {
        return await running;
      } catch (e) {
        membership?.running(undefined);
        if (!cancelled && membership !== undefined && worker.revoked) {
          // A rebalance: the tasks of the new assignment start from the last committed checkpoint.
          if (worker.checkpointStats.counts.completed > 0) options = withoutSavepoint(options);
          worker = await nextAssignment(membership, graph, options, () => cancelled);
          continue;
        }
        if (cancelled || !isFencing(e)) throw e;
        fencings++;
        const pause = Math.min(1_000 * fencings, 10_000);
        logger.warn(
          { job: graph.jobName, err: e, incarnation: incarnation + 1, pauseMs: pause },
          'this worker was fenced (another worker took over its tasks); its tasks stopped and its transaction is aborted. Rejoining as a new incarnation: it restores from the last committed checkpoint, or stands by while the other worker runs',
        );
        await sleep(pause);
        if (cancelled) throw new JobCancelledError(graph.jobName);
        // Once a checkpoint committed, the durable state is newer than a savepoint the job started from.
        if (worker.checkpointStats.counts.completed > 0) options = withoutSavepoint(options);
        if (membership !== undefined) {
          // A fenced worker joins as a new member (a member the group already expelled does not send LeaveGroup).
          await membership.close();
          membership = newMembership()!;
          options = { ...options, membership };
        }
        worker = new Worker(graph, options);
      }
    }
  };
  const runAndLeave = async (): Promise<JobExecutionResult> => {
    try {
      return await runIncarnations();
    } finally {
      await membership?.close();
      await standbys?.close();
    }
  };
  const result: Promise<JobExecutionResult> = runAndLeave().then(
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
    cancel: () => {
      cancelled = true;
      worker.cancel();
    },
    triggerSavepoint: () => worker.requestSavepoint(),
  };
}

/**
 * After a rebalance: waits for the group's new assignment (standing by while it is empty) and
 * builds the worker of those tasks.
 */
async function nextAssignment(membership: JobMembership, graph: JobGraph, options: ExecutionOptions, cancelled: () => boolean): Promise<Worker> {
  const check = (): void => {
    if (cancelled()) throw new JobCancelledError(graph.jobName);
  };
  let units = await membership.nextAssignment(check);
  while (units.length === 0) {
    await membership.standBy(check);
    units = await membership.nextAssignment(check);
  }
  return new Worker(graph, { ...options, workerShare: { index: 0, count: 1, subtasks: units } });
}

/** A streaming job with checkpoints and an unbounded input keeps durable state (when it has a Kafka cluster). */
function hasDurableState(graph: JobGraph, opts: ExecutionOptions): boolean {
  return opts.mode === 'streaming' && (opts.checkpoints?.interval ?? 0) > 0 && graph.vertices.some((v) => v.t.kind === 'source' && v.t.source.getBoundedness() === 'unbounded');
}

function membershipFor(graph: JobGraph, opts: ExecutionOptions, hint: WorkerShare | undefined, standbys?: StandbyReplicas): JobMembership {
  return new JobMembership({
    jobId: jobIdOf(graph, opts),
    units: Math.max(1, ...graph.stages.map((s) => s.parallelism)),
    hint,
    clock: opts.clock,
    sessionTimeoutMs: opts.groupSessionTimeoutMs ?? Number(process.env.SLUICE_GROUP_SESSION_TIMEOUT_MS ?? 45_000),
    exactlyOnce: opts.checkpoints?.mode === 'EXACTLY_ONCE',
    ...(standbys !== undefined && { standbys, standbyReplicas: resolveStandbyReplicas(opts.standbyReplicas) }),
    staticMember: staticMembershipOf(opts),
  });
}

/** Warm standby replicas of other workers' units (`standbyReplicas` > 0), kept across this worker's incarnations. */
function standbyReplicasFor(graph: JobGraph, opts: ExecutionOptions): StandbyReplicas | undefined {
  if (resolveStandbyReplicas(opts.standbyReplicas) === 0) return undefined;
  return new StandbyReplicas({ jobId: jobIdOf(graph, opts), clock: opts.clock, vertices: graph.vertices, store: replicaStoreFor(opts.stateBackend) });
}

function withoutSavepoint(opts: ExecutionOptions): ExecutionOptions {
  const { restoreFrom: _restored, ...rest } = opts;
  return rest;
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
