/**
 * When each worker of this thread first started, by job and worker id. A worker runs a new
 * incarnation after a restart, a fencing or a rebalance; its published status keeps the first
 * start, because readers tell a job's current run from earlier runs of the same job id by start
 * times (a survivor that looked newly started would hide the worker that was lost before it).
 */
const firstStarts = new Map<string, number>();

/** The first start of the worker `workerId` of job `jobId` in this thread: `now` the first time it is asked. */
export function workerStartTime(jobId: string, workerId: string, now: number): number {
  const key = `${jobId}\u0000${workerId}`;
  const known = firstStarts.get(key);
  if (known !== undefined) return known;
  firstStarts.set(key, now);
  return now;
}
