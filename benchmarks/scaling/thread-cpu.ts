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

/** What a sampler saw: CPU seconds of JavaScript threads (each) and of the rest. */
export interface ThreadSplit {
  /** CPU seconds of each JavaScript thread (main thread and worker threads). */
  js: number[];
  /** CPU seconds of V8's background threads, libuv's pool and the other helper threads. */
  helpers: number;
}

/**
 * Samples the threads of `/usr/bin/time`'s child every `everyMs` until `stop()`; a thread's
 * figure is its last sample, so it misses at most `everyMs` of CPU from before it ended.
 */
export function sampleThreads(timePid: number, everyMs = 50): { stop(): ThreadSplit } {
  const last = new Map<number, ThreadCpu>();
  const timer = setInterval(() => {
    const pid = childOf(timePid);
    if (pid !== undefined) for (const [tid, t] of readThreads(pid)) last.set(tid, t);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const js: number[] = [];
      let helpers = 0;
      for (const t of last.values()) {
        if (t.name === 'MainThread' || t.name === 'WorkerThread') js.push(t.seconds);
        else helpers += t.seconds;
      }
      return { js, helpers };
    },
  };
}
