/**
 * The scaling benchmark's steady state: from the moment every worker thread computes records to
 * the moment the first one is done, from the progress points each thread prints
 * (`SCALING-PROGRESS`, see scaling-job.ts). Shared by run.ts and profile-workers.ts.
 */

/** A thread's progress: (records computed so far, epoch ms) points. */
export type Progress = Array<readonly [count: number, t: number]>;

/** Records a thread had computed at time `t`, interpolated between its progress points. */
function countAt(p: Progress, t: number): number {
  if (t <= p[0]![1]) return t < p[0]![1] ? 0 : p[0]![0];
  for (let i = 1; i < p.length; i++) {
    const [c1, t1] = p[i]!;
    if (t <= t1) {
      const [c0, t0] = p[i - 1]!;
      return t1 === t0 ? c1 : c0 + ((c1 - c0) * (t - t0)) / (t1 - t0);
    }
  }
  return p.at(-1)![0];
}

/**
 * The steady state of a run: from the moment every thread computes records to the moment the
 * first thread has computed its last (every worker busy), and the records computed in it.
 */
export function steadyWindow(threads: Progress[]): { from: number; to: number; records: number } {
  const from = Math.max(...threads.map((p) => p[0]![1]));
  const to = Math.min(...threads.map((p) => p.at(-1)![1]));
  // No common stretch of 200 ms (a thread done before another started): the whole computing span.
  if (to - from < 200) {
    const first = Math.min(...threads.map((p) => p[0]![1]));
    const last = Math.max(...threads.map((p) => p.at(-1)![1]));
    return { from: first, to: last, records: threads.reduce((a, p) => a + p.at(-1)![0], 0) };
  }
  return { from, to, records: recordsBetween(threads, from, to) };
}

/** Records all threads computed between wall-clock times `t0` and `t1` (epoch ms). */
export function recordsBetween(threads: Progress[], t0: number, t1: number): number {
  return threads.reduce((a, p) => a + countAt(p, t1) - countAt(p, t0), 0);
}

/** Every thread's progress points from a run's stderr. */
export function progressOf(stderr: string): Progress[] {
  return [...stderr.matchAll(/SCALING-PROGRESS (\S+)/g)].map((x) => x[1]!.split(',').map((pt) => pt.split(':').map(Number) as [number, number]));
}
