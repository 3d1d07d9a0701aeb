import type { WorkerState, WorkerStatus } from './status-record.ts';
import { decodeStatus, LIVE_STATES, LOST_AFTER_INTERVALS } from './status-reading.ts';

/** A worker as a reader sees it: LOST when its live status was not refreshed in time. */
export type WorkerView = WorkerStatus & {
  /** The worker's state, or LOST. */
  status: WorkerState | 'LOST';
  /** ms since its last status (on the reader's clock). */
  silentMs: number;
};

/** A job's state across its workers; LOST when none of them reports any more and none ended cleanly. */
export type ClusterJobState = 'INITIALIZING' | 'RUNNING' | 'RESTARTING' | 'FINISHED' | 'CANCELED' | 'FAILED' | 'LOST';

export interface JobOverview {
  id: string;
  name: string;
  state: ClusterJobState;
  mode: 'streaming' | 'batch';
  /** Earliest start among the workers of its current run. */
  startTime: number;
  /** Newest status among them. */
  updatedAt: number;
  /** The workers of its current run (see `currentRun`), newest start first. */
  workers: WorkerView[];
  /** Tasks of its live workers (all workers' once none is live). */
  tasks: number;
}

/**
 * The newest status of each worker, from the status topic's records in offset order: a later
 * record of a key replaces the earlier one, a tombstone removes it. Records that are not statuses
 * are counted and skipped, never fatal (anyone may write to a topic).
 */
export class StatusTable {
  readonly #latest = new Map<string, WorkerStatus>();
  /** Records skipped, with the first reason. */
  malformed = 0;
  firstProblem: string | undefined;

  apply(key: Buffer | null, value: Buffer | null, where: string): void {
    const k = key?.toString('utf8') ?? '';
    if (value === null) {
      this.#latest.delete(k);
      return;
    }
    const decoded = decodeStatus(value);
    if (!decoded.ok) {
      this.malformed++;
      this.firstProblem ??= `${where}: ${decoded.reason}`;
      return;
    }
    this.#latest.set(k, decoded.status);
  }

  statuses(): WorkerStatus[] {
    return [...this.#latest.values()];
  }
}

/** The jobs of the cluster from the newest worker statuses, as of `now` (the reader's clock). */
export function jobsOverview(statuses: readonly WorkerStatus[], now: number): JobOverview[] {
  const byJob = new Map<string, WorkerView[]>();
  for (const s of statuses) {
    const silentMs = Math.max(0, now - s.updatedAt);
    const lost = LIVE_STATES.has(s.state) && silentMs > LOST_AFTER_INTERVALS * s.intervalMs;
    const list = byJob.get(s.jobId) ?? byJob.set(s.jobId, []).get(s.jobId)!;
    list.push({ ...s, status: lost ? 'LOST' : s.state, silentMs });
  }
  const jobs: JobOverview[] = [];
  for (const [id, all] of byJob) {
    const workers = currentRun(all).sort((a, b) => b.startTime - a.startTime || a.workerId.localeCompare(b.workerId));
    const live = workers.filter(isLive);
    const newest = workers.reduce((a, b) => (b.updatedAt > a.updatedAt ? b : a));
    jobs.push({
      id,
      name: newest.jobName,
      state: jobState(workers),
      mode: newest.mode,
      startTime: Math.min(...workers.map((w) => w.startTime)),
      updatedAt: newest.updatedAt,
      workers,
      tasks: (live.length > 0 ? live : workers).reduce((n, w) => n + w.tasks.length + (w.tasksOmitted ?? 0), 0),
    });
  }
  return jobs.sort((a, b) => b.startTime - a.startTime || a.id.localeCompare(b.id));
}

const isLive = (w: WorkerView): boolean => w.status !== 'LOST' && LIVE_STATES.has(w.status);

/**
 * The workers of the job's current run: every worker whose last status is no older than the
 * start of the earliest live worker (or, when none is live, of the most recently started one).
 * Workers that stopped or were lost before that belong to an earlier run of the same job id. A
 * lost worker counts as alive until it missed LOST_AFTER_INTERVALS statuses, so one killed just
 * after a peer of its run started (before its next status) stays listed, as LOST.
 */
function currentRun(workers: WorkerView[]): WorkerView[] {
  const live = workers.filter(isLive);
  const since = live.length > 0 ? Math.min(...live.map((w) => w.startTime)) : Math.max(...workers.map((w) => w.startTime));
  const lastAlive = (w: WorkerView): number => (w.status === 'LOST' ? w.updatedAt + LOST_AFTER_INTERVALS * w.intervalMs : w.updatedAt);
  return workers.filter((w) => lastAlive(w) >= since);
}

/** Live wins; then FAILED, LOST (a share of the job is gone), CANCELED, FINISHED. */
function jobState(workers: readonly WorkerView[]): ClusterJobState {
  const has = (s: WorkerView['status']) => workers.some((w) => w.status === s);
  if (has('RUNNING')) return 'RUNNING';
  if (has('RESTARTING')) return 'RESTARTING';
  if (has('INITIALIZING')) return 'INITIALIZING';
  for (const s of ['FAILED', 'LOST', 'CANCELED'] as const) if (has(s)) return s;
  return 'FINISHED';
}
