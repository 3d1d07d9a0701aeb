/**
 * CPU time of a running process split by thread, read from Linux's /proc (elsewhere: nothing).
 * Node names its threads: `MainThread`, `WorkerThread` (a worker_threads isolate, where a
 * Sluice worker's JavaScript runs), `V8Worker` (V8's background threads: concurrent garbage
 * collection and optimizing compilation, shared by the isolates) and libuv's pool. A JavaScript
 * thread is the part that cannot spread over cores, so the scaling benchmark reports it apart.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux Node supports

/** CPU seconds (user + system) of one thread, and its name. */
interface ThreadCpu {
  name: string;
  seconds: number;
}

function readThreads(pid: number): Map<number, ThreadCpu> {
  const out = new Map<number, ThreadCpu>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out; // gone, or not Linux
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), { name, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/** The CPU seconds a whole process has used so far (0 when it cannot be read). */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The first child of `pid` (the program that /usr/bin/time runs), once it exists. */
function childOf(pid: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

/** One sample: wall-clock time (epoch ms), CPU seconds so far of the job process (all threads), of each of its JavaScript threads, and of the broker. */
export interface CpuSample {
  t: number;
  job: number;
  js: Map<number, number>;
  /** CPU seconds so far of the job process's threads by thread name (e.g. all `V8Worker` threads together). */
  byName: Map<string, number>;
  broker: number;
}

/** What a sampler saw: CPU seconds of JavaScript threads (each) and of the rest, and the samples over time. */
export interface ThreadSplit {
  /** CPU seconds of each JavaScript thread (main thread and worker threads). */
  js: number[];
  /** CPU seconds of V8's background threads, libuv's pool and the other helper threads. */
  helpers: number;
  timeline: CpuSample[];
}

/**
 * Samples the threads of `/usr/bin/time`'s child (and the broker's CPU) every `everyMs` until
 * `stop()`; a thread's figure is its last sample, so it misses at most `everyMs` of CPU from
 * before it ended.
 */
export function sampleThreads(timePid: number, brokerPid: number, everyMs = 50): { stop(): ThreadSplit } {
  const last = new Map<number, ThreadCpu>();
  const timeline: CpuSample[] = [];
  const broker0 = processCpuSeconds(brokerPid);
  const timer = setInterval(() => {
    const pid = childOf(timePid);
    if (pid === undefined) return;
    for (const [tid, t] of readThreads(pid)) last.set(tid, t);
    let job = 0;
    const js = new Map<number, number>();
    const byName = new Map<string, number>();
    for (const [tid, t] of last) {
      job += t.seconds;
      if (isJavaScript(t)) js.set(tid, t.seconds);
      byName.set(t.name, (byName.get(t.name) ?? 0) + t.seconds);
    }
    timeline.push({ t: Date.now(), job, js, byName, broker: processCpuSeconds(brokerPid) - broker0 });
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const js: number[] = [];
      let helpers = 0;
      for (const t of last.values()) {
        if (isJavaScript(t)) js.push(t.seconds);
        else helpers += t.seconds;
      }
      return { js, helpers, timeline };
    },
  };
}

const isJavaScript = (t: ThreadCpu): boolean => t.name === 'MainThread' || t.name === 'WorkerThread';

/** CPU seconds of the busiest JavaScript thread between wall-clock times `t0` and `t1` (the samples nearest inside). */
export function busiestJsBetween(timeline: readonly CpuSample[], t0: number, t1: number): number {
  const inside = timeline.filter((s) => s.t >= t0 && s.t <= t1);
  const a = inside[0];
  const b = inside.at(-1);
  if (a === undefined || b === undefined) return 0;
  let max = 0;
  for (const [tid, end] of b.js) max = Math.max(max, end - (a.js.get(tid) ?? 0));
  return b.t > a.t ? (max * (t1 - t0)) / (b.t - a.t) : 0;
}

/** The job's and the broker's CPU seconds at wall-clock time `t` (epoch ms), interpolated between samples. */
export function cpuAt(timeline: readonly CpuSample[], t: number): { job: number; broker: number } {
  const after = timeline.findIndex((s) => s.t >= t);
  if (after < 0) return timeline.at(-1) ?? { job: 0, broker: 0 };
  const b = timeline[after]!;
  const a = timeline[after - 1];
  if (a === undefined || b.t === a.t) return b;
  const f = (t - a.t) / (b.t - a.t);
  return { job: a.job + f * (b.job - a.job), broker: a.broker + f * (b.broker - a.broker) };
}
