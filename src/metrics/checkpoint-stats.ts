/** One checkpoint as the history shows it (Flink's checkpoint statistics, per worker in Sluice). */
export interface CheckpointRecord {
  id: number;
  status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  isSavepoint: boolean;
  triggerTimestamp: number;
  /** When it completed or failed; undefined while in progress. */
  endTimestamp?: number;
  /** End-to-end duration in ms (trigger to commit); undefined while in progress. */
  durationMs?: number;
  /** Bytes written for it (changelog records, checkpoint record); 0 until known. */
  stateSize: number;
  /** Why it failed. */
  failureMessage?: string;
  /** Savepoint directory. */
  externalPath?: string;
}

/** The checkpoint a task restored from at start. */
export interface RestoredCheckpoint {
  id: number;
  restoreTimestamp: number;
  isSavepoint: boolean;
  externalPath?: string;
}

/** Counts since the worker started. */
export interface CheckpointCounts {
  total: number;
  inProgress: number;
  completed: number;
  failed: number;
  restored: number;
}

/**
 * The checkpoint history of a worker's CheckpointCoordinator: counts, the latest completed, failed
 * and restored checkpoint, and the last `historySize` checkpoints (Flink's
 * `web.checkpoints.history`, default 10). Read by the job-scope metrics and the dashboard.
 */
export class CheckpointStatsTracker {
  readonly counts: CheckpointCounts = { total: 0, inProgress: 0, completed: 0, failed: 0, restored: 0 };
  latestCompleted: CheckpointRecord | undefined;
  latestFailed: CheckpointRecord | undefined;
  latestRestored: RestoredCheckpoint | undefined;
  readonly #history: CheckpointRecord[] = [];
  readonly #pending = new Map<number, CheckpointRecord>();
  readonly #historySize: number;

  constructor(historySize = 10) {
    this.#historySize = historySize;
  }

  /** Newest first. */
  history(): CheckpointRecord[] {
    return [...this.#history].reverse();
  }

  triggered(id: number, now: number, options: { isSavepoint?: boolean; externalPath?: string } = {}): void {
    const rec: CheckpointRecord = { id, status: 'IN_PROGRESS', isSavepoint: options.isSavepoint ?? false, triggerTimestamp: now, stateSize: 0 };
    if (options.externalPath !== undefined) rec.externalPath = options.externalPath;
    this.#pending.set(id, rec);
    this.counts.total++;
    this.counts.inProgress++;
    this.#history.push(rec);
    if (this.#history.length > this.#historySize) this.#history.shift();
  }

  completed(id: number, now: number, stateSize: number): void {
    const rec = this.#settle(id, now);
    if (rec === undefined) return;
    rec.status = 'COMPLETED';
    rec.stateSize = stateSize;
    this.counts.completed++;
    this.latestCompleted = rec;
  }

  failed(id: number, now: number, reason: string): void {
    const rec = this.#settle(id, now);
    if (rec === undefined) return;
    rec.status = 'FAILED';
    rec.failureMessage = reason;
    this.counts.failed++;
    this.latestFailed = rec;
  }

  restored(restored: RestoredCheckpoint): void {
    this.counts.restored++;
    this.latestRestored = restored;
  }

  #settle(id: number, now: number): CheckpointRecord | undefined {
    const rec = this.#pending.get(id);
    if (rec === undefined) return undefined;
    this.#pending.delete(id);
    this.counts.inProgress--;
    rec.endTimestamp = now;
    rec.durationMs = now - rec.triggerTimestamp;
    return rec;
  }
}
