/**
 * Where a second worker's CPU goes: the scaling job (`scaling-job.ts`, parallelism 4, keyBy
 * through a repartition topic) over the same input with each worker count and each variant,
 * rounds alternating the order, and per run the steady state's CPU per million records split by
 * thread kind: the job process, its JavaScript threads (summed, and the busiest), V8's and
 * libuv's helper threads (the rest of the process: concurrent GC, compilers), the broker.
 * "The rest" of the README's tables is job − the bare computation (cpu-ceiling.ts).
 *
 * A variant is `name=VAR=value;VAR2=value` (environment of `sluice run`), for A/B runs of a
 * setting; `--node-flags "..."` go to every run's node (e.g. `--cpu-prof --cpu-prof-dir=DIR`,
 * which writes one profile per thread, worker threads included; `--trace-gc`, whose lines this
 * counts). Nothing is written to BENCHMARKS.md: a tool for finding costs, not a result.
 * Usage: `node benchmarks/scaling/profile-workers.ts [--work 20000 --records 100000 --rounds 5
 * --workers 1,2 --variants 'base=,young=SLUICE_X=1' --node-flags '--trace-gc' --broker-node-flags '--cpu-prof']`.
 * Per run it also prints the helper threads' CPU per M records in each third of the steady state
 * (h1, h2, h3: a falling figure is warm-up, e.g. optimizing compilation) and, with --trace-gc, the
 * collections per 1,000 records inside the steady state (gcPerK); `--timeline` prints the same
 * figures for each second of the steady state.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { median } from '../bench-report.ts';
import { progressOf, recordsBetween, steadyWindow } from './steady-state.ts';
import { cpuAt, sampleThreads, type CpuSample } from './thread-cpu.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const WORK = Number(arg('--work', '20000'));
const RECORDS = Number(arg('--records', '100000'));
const ROUNDS = Number(arg('--rounds', '5'));
const WORKERS = arg('--workers', '1,2').split(',').map(Number);
const NODE_FLAGS = arg('--node-flags', '').split(' ').filter((f) => f !== '');
const VARIANTS = arg('--variants', 'base=')
  .split(',')
  .map((v) => {
    const [name, ...env] = v.split('=');
    const vars = env.join('=').split(';').filter((x) => x !== '');
    return { name: name!, env: Object.fromEntries(vars.map((x) => [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)])) as Record<string, string> };
  });
/** --timeline: per run, each second of the steady state: records, and CPU-s per M records of the JavaScript threads, the helper threads and the broker. */
const TIMELINE = process.argv.includes('--timeline');
const CLI = fileURLToPath(new URL('../../bin/sluice.js', import.meta.url));
const JOB = fileURLToPath(new URL('./scaling-job.ts', import.meta.url));
const TOPIC = 'profile-in';

interface Figures {
  rate: number;
  job: number;
  jsSum: number;
  jsMax: number;
  helpers: number;
  broker: number;
  gcs: number;
  computation: number;
  gcPerK: number;
  [third: `h${number}`]: number;
  [thread: `t:${string}`]: number;
}

/** CPU seconds of every JavaScript thread between the samples nearest inside [t0, t1], scaled to the window. */
function jsBetween(timeline: readonly CpuSample[], t0: number, t1: number): { sum: number; max: number } {
  const inside = timeline.filter((s) => s.t >= t0 && s.t <= t1);
  const a = inside[0];
  const b = inside.at(-1);
  if (a === undefined || b === undefined || b.t <= a.t) return { sum: 0, max: 0 };
  let sum = 0;
  let max = 0;
  for (const [tid, end] of b.js) {
    const d = end - (a.js.get(tid) ?? 0);
    sum += d;
    max = Math.max(max, d);
  }
  const f = (t1 - t0) / (b.t - a.t);
  return { sum: sum * f, max: max * f };
}

function runOnce(workers: number, env: Record<string, string>, bootstrap: string, brokerPid: number, jobId: string): Promise<Figures> {
  const args = ['-p', '4', ...(workers > 1 ? ['--workers', String(workers)] : ['--exchanges', 'kafka'])];
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, ...NODE_FLAGS, CLI, '--bootstrap', bootstrap, 'run', JOB, ...args], {
      env: { ...process.env, SLUICE_LOG_LEVEL: 'warn', INPUT: TOPIC, JOB_ID: jobId, WORK: String(WORK), MAX_PARALLELISM: '16', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const threads = sampleThreads(child.pid!, brokerPid);
    let err = '';
    let gcs = 0;
    const gcAt: number[] = []; // arrival time of each --trace-gc line (to count those inside the steady state)
    child.stdout.on('data', (d: Buffer) => {
      const n = d.toString().match(/(Scavenge|Mark-Compact|Minor Mark)/g)?.length ?? 0;
      gcs += n;
      for (let i = 0; i < n; i++) gcAt.push(Date.now());
      if (process.env.GC_LOG) appendFileSync(process.env.GC_LOG, d);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      const { timeline } = threads.stop();
      if (process.env.STDERR_LOG) appendFileSync(process.env.STDERR_LOG, err);
      const progress = progressOf(err);
      if (code !== 0 || progress.length === 0) return reject(new Error(`run failed (exit ${code}):\n${err.slice(-4000)}`));
      const w = steadyWindow(progress);
      const perM = 1e6 / w.records;
      const [a, b] = [cpuAt(timeline, w.from), cpuAt(timeline, w.to)];
      const js = jsBetween(timeline, w.from, w.to);
      const job = b.job - a.job;
      // BURN_CPU=1: the computation's own CPU per record (every 64th record timed in the job).
      const burns = [...err.matchAll(/SCALING-BURN-CPU micros=(\d+) samples=(\d+)/g)].map((x) => [Number(x[1]), Number(x[2])] as const);
      const burnPerM = burns.length === 0 ? 0 : burns.reduce((a, [us]) => a + us, 0) / burns.reduce((a, [, n]) => a + n, 0);
      const inside = timeline.filter((x) => x.t >= w.from && x.t <= w.to);
      const byName: Record<`t:${string}`, number> = {};
      const [s0, s1] = [inside[0], inside.at(-1)];
      if (s0 !== undefined && s1 !== undefined && s1.t > s0.t) {
        for (const [name, end] of s1.byName) byName[`t:${name}`] = ((end - (s0.byName.get(name) ?? 0)) * perM * (w.to - w.from)) / (s1.t - s0.t);
      }
      // Helper threads (all but JavaScript) per M records in each third of the steady state: warm-up shows as a falling figure.
      const thirds: Record<`h${number}`, number> = {};
      for (let k = 0; k < 3; k++) {
        const t0 = w.from + ((w.to - w.from) * k) / 3;
        const t1 = w.from + ((w.to - w.from) * (k + 1)) / 3;
        const [c0, c1] = [cpuAt(timeline, t0), cpuAt(timeline, t1)];
        const j = jsBetween(timeline, t0, t1);
        thirds[`h${k + 1}`] = ((c1.job - c0.job - j.sum) * 1e6) / recordsBetween(progress, t0, t1);
      }
      if (TIMELINE) printTimeline(timeline, progress, w.from, w.to);
      const gcSteady = (gcAt.filter((t) => t >= w.from && t <= w.to).length * perM) / 1000; // per 1,000 records
      resolve({ ...byName, ...thirds, gcPerK: gcSteady, computation: burnPerM, rate: w.records / ((w.to - w.from) / 1000), job: job * perM, jsSum: js.sum * perM, jsMax: js.max * perM, helpers: (job - js.sum) * perM, broker: (b.broker - a.broker) * perM, gcs });
    });
  });
}

function printTimeline(timeline: readonly CpuSample[], progress: ReturnType<typeof progressOf>, from: number, to: number): void {
  const rows: string[] = [];
  for (let t0 = from; t0 + 500 <= to; t0 += 1000) {
    const t1 = Math.min(t0 + 1000, to);
    const n = recordsBetween(progress, t0, t1);
    const [a, b] = [cpuAt(timeline, t0), cpuAt(timeline, t1)];
    const js = jsBetween(timeline, t0, t1);
    rows.push(`  +${((t0 - from) / 1000).toFixed(0)}s: ${Math.round(n)} records, js ${((js.sum * 1e6) / n).toFixed(1)} (max ${((js.max * 1e6) / n).toFixed(1)}), helpers ${(((b.job - a.job - js.sum) * 1e6) / n).toFixed(1)}, broker ${(((b.broker - a.broker) * 1e6) / n).toFixed(1)}`);
  }
  console.log(rows.join('\n'));
}

async function fill(bootstrap: string): Promise<void> {
  const admin = new Admin({ clientId: 'profile-admin', bootstrapBrokers: [bootstrap] });
  await admin.createTopics({ topics: [TOPIC], partitions: 4, replicas: 1 });
  await admin.close();
  const producer = new Producer({ clientId: 'profile-fill', bootstrapBrokers: [bootstrap], serializers: stringSerializers, acks: 1 });
  for (let i = 0; i < RECORDS; i += 5000) {
    const messages = Array.from({ length: Math.min(5000, RECORDS - i) }, (_, j) => ({ topic: TOPIC, value: `k${(i + j) % 1000}:${1_000_000 + i + j}` }));
    await producer.send({ messages });
  }
  await producer.close();
}

const { dir, cleanup } = tempDir('sluice-profile-workers-');
// --broker-node-flags (e.g. '--cpu-prof --cpu-prof-dir=DIR'): node flags of the broker process only.
const BROKER_FLAGS = arg('--broker-node-flags', '');
const nodeOptions = process.env.NODE_OPTIONS;
if (BROKER_FLAGS !== '') process.env.NODE_OPTIONS = `${nodeOptions ?? ''} ${BROKER_FLAGS}`;
const { bootstrap, child } = await spawnBrokerProcess(join(dir, 'data'));
if (nodeOptions === undefined) delete process.env.NODE_OPTIONS;
else process.env.NODE_OPTIONS = nodeOptions;
const contenders = WORKERS.flatMap((w) => VARIANTS.map((v) => ({ name: `${w}w ${v.name}`, workers: w, env: v.env })));
const results = new Map<string, Figures[]>();
try {
  await fill(bootstrap);
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    for (const c of order) {
      const f = await runOnce(c.workers, c.env, bootstrap, child.pid!, `profile-${r}-${contenders.indexOf(c)}`);
      results.set(c.name, [...(results.get(c.name) ?? []), f]);
      console.log(`round ${r + 1} ${c.name} (load ${loadavg()[0]!.toFixed(1)}): ${Object.entries(f).map(([k, x]) => `${k} ${x.toFixed(1)}`).join(', ')}`);
    }
  }
  const show = (xs: number[]): string => `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
  console.log(`\nsteady state, CPU-s per M records, medians (range) of ${ROUNDS} rounds; --work ${WORK}, ${RECORDS} records`);
  for (const c of contenders) {
    const fs = results.get(c.name)!;
    const keys = Object.keys(fs[0]!) as Array<keyof Figures>;
    console.log(`${c.name}: ${keys.map((k) => `${k} ${show(fs.map((f) => f[k]))}`).join(', ')}`);
  }
} finally {
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited; // the broker writes its data directory (and a --cpu-prof profile) until it has exited
  cleanup();
}
