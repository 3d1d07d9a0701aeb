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

/** When a thread had computed `n` records (epoch ms), interpolated; undefined if it never did. */
function timeAt(p: Progress, n: number): number | undefined {
  for (let i = 0; i < p.length; i++) {
    const [c1, t1] = p[i]!;
    if (c1 < n) continue;
    if (i === 0) return t1;
    const [c0, t0] = p[i - 1]!;
    return c1 === c0 ? t1 : t0 + ((t1 - t0) * (n - c0)) / (c1 - c0);
  }
  return undefined;
}

/**
 * The steady state after warm-up: as {@link steadyWindow}, but from the moment every thread has
 * computed its first `warmup` records (V8 compiles a worker's code in its first seconds, on helper
 * threads, once per isolate: a long-running job pays it once). Null when some thread computes
 * fewer than twice that, or the window would be shorter than a second.
 */
export function afterWarmup(threads: Progress[], warmup: number): { from: number; to: number; records: number } | null {
  if (threads.some((p) => p.at(-1)![0] < 2 * warmup)) return null;
  const from = Math.max(...threads.map((p) => timeAt(p, warmup)!));
  const to = Math.min(...threads.map((p) => p.at(-1)![1]));
  if (to - from < 1000) return null;
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
