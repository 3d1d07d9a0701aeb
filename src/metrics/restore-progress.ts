/** Progress of restoring a task's state (from a changelog or local state) at start or after a move. */
export class RestoreProgress {
  /** State records read so far. */
  records = 0;
  /** State records to read in all, when known (end − start offsets of the changelog); -1 otherwise. */
  totalRecords = -1;
  startedAt = -1;
  finishedAt = -1;

  start(now: number, totalRecords = -1): void {
    this.records = 0;
    this.totalRecords = totalRecords;
    this.startedAt = now;
    this.finishedAt = -1;
  }

  finish(now: number): void {
    this.finishedAt = now;
  }

  get inProgress(): boolean {
    return this.startedAt >= 0 && this.finishedAt < 0;
  }

  /** Milliseconds the restore took, or has taken so far; 0 when none happened. */
  durationMs(now: number): number {
    if (this.startedAt < 0) return 0;
    return (this.finishedAt >= 0 ? this.finishedAt : now) - this.startedAt;
  }
}
