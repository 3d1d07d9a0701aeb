import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Registry } from 'prom-client';
import { jobRunningChannel, type JobRunningEvent } from '../runtime/executor/job-events.ts';
import { ExceptionHistory } from '../metrics/exception-history.ts';
import type { WorkerMetrics } from '../metrics/worker-metrics.ts';
import type { Clock } from '../util/clock.ts';
import { jobGraphView } from './job-graph-view.ts';
import type { JobState } from './job-view.ts';
import type { LocalJob } from './local-job-view.ts';

/** What a job-running event may carry for the dashboard (the runtime's workers and failures). */
interface Observable {
  readonly workers?: readonly WorkerMetrics[];
  readonly exceptions?: ExceptionHistory;
}

/**
 * The jobs of this process, as the dashboard of `sluice run --dashboard` (or of a program) shows
 * them: every job announced on the job-running channel, with its graph, its state as its result
 * settles, and the runtime's own metric objects (workers, tasks, checkpoints, exceptions).
 * Ended jobs stay listed (FINISHED, CANCELED, FAILED) until the process exits.
 */
export class ProcessJobs {
  readonly #jobs: LocalJob[] = [];
  readonly #clock: Clock;
  readonly #onRunning = (message: unknown): void => void this.add(message as JobRunningEvent);

  constructor(clock: Clock) {
    this.#clock = clock;
    subscribe(jobRunningChannel.name, this.#onRunning);
  }

  /** Adds one job (the channel does this for every job started after construction). */
  add(e: JobRunningEvent & Observable): LocalJob {
    const startTime = this.#clock.now();
    let state: JobState = 'RUNNING';
    let endTime: number | undefined;
    const exceptions = e.exceptions ?? new ExceptionHistory();
    e.result.then(
      () => ((state = 'FINISHED'), (endTime = this.#clock.now())),
      (err: unknown) => {
        endTime = this.#clock.now();
        state = (err as { code?: unknown })?.code === 'SLUICE_JOB_CANCELLED' ? 'CANCELED' : 'FAILED';
        if (state === 'FAILED' && e.exceptions === undefined) exceptions.record(err, endTime);
      },
    );
    const name = e.graph.jobName;
    // Ids are unique in the process: a second run of the same job name gets a suffix.
    const taken = this.#jobs.filter((j) => j.name === name).length;
    const job: LocalJob = {
      id: taken === 0 ? name : `${name}-${taken + 1}`,
      name,
      parallelism: Math.max(1, ...e.graph.stages.map((s) => s.parallelism)),
      startTime,
      state: () => state,
      endTime: () => endTime,
      graph: jobGraphView(e.graph),
      workers: e.workers ?? [],
      exceptions,
    };
    this.#jobs.push(job);
    return job;
  }

  jobs(): readonly LocalJob[] {
    return this.#jobs;
  }

  /** The registries of every worker of every job, for `/metrics`. */
  registries(): Registry[] {
    return this.#jobs.flatMap((j) => j.workers.map((w) => w.registry));
  }

  close(): void {
    unsubscribe(jobRunningChannel.name, this.#onRunning);
  }
}
