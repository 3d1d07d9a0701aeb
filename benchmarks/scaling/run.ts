/**
 * Scale-out on this machine: the CPU-bound keyBy → window job of `scaling-job.ts` over N records
 * already in a Kafka topic (embedded broker in its own process), run by `sluice run` with 1, 2 and
 * 4 workers (worker threads, exchanges through repartition topics; parallelism 4), rounds
 * alternating the order; and the repartition topic's overhead: 1 worker at parallelism 1 with a
 * keyBy through a repartition topic vs. the same job on input already keyed
 * (`reinterpretAsKeyedStream`, no exchange).
 *
 * Per run: steady-state throughput (records computed per second from the moment every worker
 * thread computes to the moment the first is done: the job prints each thread's progress), the
 * same after warm-up (from the moment every thread computed its first `--warmup` records) and
 * whole-run throughput (`sluice run` from start
 * to exit: start-up and shutdown included). CPU: user + system of the job process (all threads,
 * /usr/bin/time) per million records, and in the steady-state window from /proc samples (job
 * process, its busiest JavaScript thread, the broker), from which the steady-state rate the run's
 * CPU would allow on 2 idle cores. Every run's output checksum (window results and the XOR of all
 * records' hashes) must be the same: the work was done, fully, in every run. Each round first
 * measures, before each series, the machine's own ceiling: the bare computation in 2 threads vs 1
 * (cpu-ceiling.ts), which no 1 → 2 workers ratio can beat at that moment.
 *
 * A series is `work:records` (hashing rounds per record : records); the first series is the
 * headline and also runs the repartition-overhead pair, the others run the worker counts only:
 * the ratio over the per-record work and the run length.
 * Usage: `npm run bench:scaling [-- --series 20000:100000,2000:100000 --rounds R --workers 1,2,4 --warmup 20000]`
 * (`--work W --records N`: one series).
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { fmt, machineLine, median, writeBenchmarkSection, earlierRuns } from '../bench-report.ts';
import { busiestJsBetween, cpuAt, sampleThreads } from './thread-cpu.ts';
import { measureCeiling } from './cpu-ceiling.ts';
import { afterWarmup, progressOf, steadyWindow } from './steady-state.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const ROUNDS = Number(arg('--rounds', '7'));
const SERIES = arg('--series', `${arg('--work', '20000')}:${arg('--records', '100000')}`)
  .split(',')
  .map((s) => s.split(':').map(Number) as [number, number])
  .map(([work, records]) => ({ work, records }));
const WORKERS = arg('--workers', '1,2,4').split(',').map(Number);
/** Records each thread computes before the steady state "after warm-up" begins (see afterWarmup). */
const WARMUP = Number(arg('--warmup', '20000'));
const KEYS = 1_000;
const MAX_PARALLELISM = 16;
const CLI = fileURLToPath(new URL('../../bin/sluice.js', import.meta.url));
const JOB = fileURLToPath(new URL('./scaling-job.ts', import.meta.url));

interface Contender {
  name: string;
  keyedTopic: boolean;
  args: string[];
  env: Record<string, string>;
}
interface Series {
  work: number;
  records: number;
  contenders: Contender[];
}

async function fill(bootstrap: string, topic: string, n: number, keyed: boolean): Promise<void> {
  const producer = new Producer({ clientId: 'bench-fill', bootstrapBrokers: [bootstrap], serializers: stringSerializers, acks: 1 });
  const inFlight = new Set<Promise<unknown>>();
  for (let i = 0; i < n; i += 5000) {
    // Keyed: Kafka's default partitioner on the key = the key group (MAX_PARALLELISM partitions).
    const messages = Array.from({ length: Math.min(5000, n - i) }, (_, j) => {
      const key = `k${(i + j) % KEYS}`;
      return { topic, value: `${key}:${1_000_000 + i + j}`, ...(keyed && { key }) };
    });
    const p: Promise<unknown> = producer.send({ messages }).then(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= 8) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  await producer.close();
}

interface Run {
  seconds: number;
  /** user + system of the `sluice run` process, all threads (/usr/bin/time). */
  cpu: number;
  /** Steady state (every worker thread computing): its seconds, and records computed per second in it. */
  steadySeconds: number;
  steadyRate: number;
  /** CPU seconds of the job process and of the broker in the steady-state window. */
  steadyCpu: number;
  steadyBroker: number;
  /** CPU seconds of the busiest JavaScript thread in the steady-state window. */
  steadyJsMax: number;
  /** The busiest JavaScript thread (main or worker thread) and the helper threads (V8, libuv), whole run. */
  jsMax: number;
  helpers: number;
  /** What the job computed: number of window results and the XOR of them. */
  checksum: string;
  /** The steady state after warm-up (null: too short a run for it). */
  warm: Window | null;
}

/** A stretch of a run: records computed per second in it, its seconds, and CPU seconds in it. */
interface Window {
  rate: number;
  seconds: number;
  cpu: number;
  broker: number;
  jsMax: number;
}

/** One run of the job, with its steady state from the threads' `SCALING-PROGRESS` lines. */
function runOnce(c: Contender, s: Series, input: string, bootstrap: string, jobId: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, CLI, '--bootstrap', bootstrap, 'run', JOB, ...c.args], {
      env: { ...process.env, SLUICE_LOG_LEVEL: 'warn', INPUT: input, JOB_ID: jobId, WORK: String(s.work), MAX_PARALLELISM: String(MAX_PARALLELISM), ...c.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const threads = sampleThreads(child.pid!, brokerPid);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const split = threads.stop();
      const m = /CPU ([\d.]+) ([\d.]+)/.exec(err);
      const work = [...err.matchAll(/SCALING-WORK records=(\d+)/g)].map((x) => [Number(x[1])] as const);
      const progress = progressOf(err);
      const sinks = [...err.matchAll(/SCALING-SINK results=(\d+) xor=(-?\d+)/g)].map((x) => [Number(x[1]), Number(x[2])] as const);
      const computed = work.reduce((a, [n]) => a + n, 0);
      if (code !== 0 || m === null || sinks.length === 0 || progress.length === 0 || computed !== s.records) {
        return reject(new Error(`${c.name} failed (exit ${code}; ${computed} of ${s.records} records computed):\n${err}`));
      }
      const steady = steadyWindow(progress);
      const at0 = cpuAt(split.timeline, steady.from);
      const at1 = cpuAt(split.timeline, steady.to);
      const steadySeconds = (steady.to - steady.from) / 1000;
      const late = afterWarmup(progress, WARMUP);
      const warm = late === null ? null : windowOf(split.timeline, late);
      resolve({
        warm,
        seconds,
        cpu: Number(m[1]) + Number(m[2]),
        steadySeconds,
        steadyRate: steady.records / steadySeconds,
        steadyCpu: at1.job - at0.job,
        steadyBroker: at1.broker - at0.broker,
        steadyJsMax: busiestJsBetween(split.timeline, steady.from, steady.to),
        jsMax: Math.max(0, ...split.js),
        helpers: split.helpers,
        checksum: `${sinks.reduce((a, [n]) => a + n, 0)} results, xor ${sinks.reduce((a, [, x]) => a ^ x, 0)}`,
      });
    });
  });
}

/** CPU figures of a stretch of a run from the thread samples. */
function windowOf(timeline: Parameters<typeof cpuAt>[0], w: { from: number; to: number; records: number }): Window {
  const [a, b] = [cpuAt(timeline, w.from), cpuAt(timeline, w.to)];
  const seconds = (w.to - w.from) / 1000;
  return { rate: w.records / seconds, seconds, cpu: b.job - a.job, broker: b.broker - a.broker, jsMax: busiestJsBetween(timeline, w.from, w.to) };
}

const workerContenders = (): Contender[] =>
  WORKERS.map((w) => ({ name: `${w} worker${w > 1 ? 's' : ''} (parallelism 4, keyBy through a repartition topic)`, keyedTopic: false, args: ['-p', '4', ...(w > 1 ? ['--workers', String(w)] : ['--exchanges', 'kafka'])], env: {} }));
const overheadContenders = (): Contender[] => [
  { name: '1 worker, parallelism 1, keyBy through a repartition topic', keyedTopic: true, args: ['-p', '1', '--exchanges', 'kafka'], env: {} },
  { name: '1 worker, parallelism 1, input already keyed (no exchange)', keyedTopic: true, args: ['-p', '1', '--exchanges', 'kafka'], env: { KEYED_INPUT: '1' } },
];
const series: Series[] = SERIES.map((s, i) => ({ ...s, contenders: [...workerContenders(), ...(i === 0 ? overheadContenders() : [])] }));

const { dir, cleanup } = tempDir('sluice-bench-scaling-');
const { bootstrap, child } = await spawnBrokerProcess(join(dir, 'data'));
const brokerPid = child.pid!;
const results = new Map<string, Run[]>();
const key = (s: Series, c: Contender): string => `${s.work}:${s.records}:${c.name}`;
const loads: number[] = [];
/** Per series, once a round: the machine's own 1 → 2 threads ratio for the bare computation (cpu-ceiling.ts). */
const ceilings = new Map<number, number[]>();
/** Per series, once a round: CPU time per record of the bare computation with 2 threads at once / with 1. */
const ceilingCpu = new Map<number, number[]>();
/** Per series, once a round: CPU seconds per record of the bare computation in 1 thread. */
const computation = new Map<number, number[]>();
const range = (xs: number[], digits: number): string => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

/** Input records in a run's steady-state window. */
const steadyRecords = (r: Run): number => r.steadyRate * r.steadySeconds;
/**
 * The steady-state rate a run's CPU would allow on 2 idle cores: no JavaScript thread can use
 * more than one core, and the job's threads and the broker together no more than two.
 */
const idleBound = (r: Run): number => steadyRecords(r) / Math.max(r.steadyJsMax, (r.steadyCpu + r.steadyBroker) / 2);
/** The same bound for the steady state after warm-up. */
const warmBound = (w: Window): number => (w.rate * w.seconds) / Math.max(w.jsMax, (w.cpu + w.broker) / 2);
const spread = (xs: number[]): string => `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;

function seriesTable(s: Series, index: number): string[] {
  const bare = median(computation.get(index) ?? [0]) * 1e6; // CPU-s per M records of the bare computation
  const perM = (x: number): string => (x / (s.records / 1e6)).toFixed(1);
  const lines = [
    `#### ${fmt(s.records)} records, ${s.work} hashing rounds per record`,
    '',
    '| contender | steady-state records/s, median (range) | whole-run wall time, s (range) | whole-run records/s | CPU-s per M records, whole run | steady state, CPU-s per M: job | …: the computation (bare, 1 thread) | …: the rest (Sluice, Kafka client, GC) | …: broker | …: busiest JS thread | steady-state records/s on 2 idle cores at best (from CPU) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of s.contenders) {
    const rs = results.get(key(s, c)) ?? [];
    if (rs.length === 0) continue;
    const steadyPerM = (pick: (r: Run) => number): string => median(rs.map((r) => pick(r) / (steadyRecords(r) / 1e6))).toFixed(1);
    lines.push(
      `| ${c.name} | ${spread(rs.map((r) => r.steadyRate))} | ${range(rs.map((r) => r.seconds), 2)} | ${fmt(s.records / median(rs.map((r) => r.seconds)))} | ${perM(median(rs.map((r) => r.cpu)))} | ${steadyPerM((r) => r.steadyCpu)} | ${bare.toFixed(1)} | ${median(rs.map((r) => (r.steadyCpu / steadyRecords(r)) * 1e6 - bare)).toFixed(1)} | ${steadyPerM((r) => r.steadyBroker)} | ${steadyPerM((r) => r.steadyJsMax)} | ${spread(rs.map(idleBound))} |`,
    );
  }
  const warmRows = s.contenders.flatMap((c) => {
    const ws = (results.get(key(s, c)) ?? []).map((r) => r.warm).filter((w): w is Window => w !== null);
    if (ws.length === 0) return [];
    const perM = (pick: (w: Window) => number): string => median(ws.map((w) => pick(w) / ((w.rate * w.seconds) / 1e6))).toFixed(1);
    return [`| ${c.name} | ${spread(ws.map((w) => w.rate))} | ${median(ws.map((w) => w.seconds)).toFixed(1)} | ${perM((w) => w.cpu)} | ${median(ws.map((w) => (w.cpu / (w.rate * w.seconds)) * 1e6 - bare)).toFixed(1)} | ${perM((w) => w.broker)} | ${perM((w) => w.jsMax)} | ${spread(ws.map(warmBound))} |`];
  });
  if (warmRows.length > 0) {
    lines.push(
      '',
      `After warm-up (from the moment every thread has computed its first ${fmt(WARMUP)} records to the moment the first one is done):`,
      '',
      '| contender | records/s, median (range) | seconds | CPU-s per M: job | …: the rest | …: broker | …: busiest JS thread | records/s on 2 idle cores at best (from CPU) |',
      '|---|---|---|---|---|---|---|---|',
      ...warmRows,
    );
  }
  return lines;
}

/** Ratios of medians of w workers over 1 worker: steady state, whole run and the idle-core bound; with the ranges' worst and best pairing. */
function ratios(s: Series, w: number): { steady: string; wall: string; bound: string; warm: string; warmBound: string } {
  const of = (n: number): Run[] => {
    const c = s.contenders.find((x) => x.name.startsWith(`${n} worker${n > 1 ? 's' : ''} (`));
    return c === undefined ? [] : (results.get(key(s, c)) ?? []);
  };
  const one = of(1);
  const many = of(w);
  if (one.length === 0 || many.length === 0) return { steady: '–', wall: '–', bound: '–', warm: '–', warmBound: '–' };
  const fmtRatio = (pick: (r: Run) => number): string => {
    const a = many.map(pick);
    const b = one.map(pick);
    return `${(median(a) / median(b)).toFixed(2)}× (${(Math.min(...a) / Math.max(...b)).toFixed(2)}–${(Math.max(...a) / Math.min(...b)).toFixed(2)})`;
  };
  const warmRatio = (pick: (w: Window) => number): string => {
    const a = many.flatMap((r) => (r.warm === null ? [] : [pick(r.warm)]));
    const b = one.flatMap((r) => (r.warm === null ? [] : [pick(r.warm)]));
    if (a.length === 0 || b.length === 0) return '–';
    return `${(median(a) / median(b)).toFixed(2)}× (${(Math.min(...a) / Math.max(...b)).toFixed(2)}–${(Math.max(...a) / Math.min(...b)).toFixed(2)})`;
  };
  return { steady: fmtRatio((r) => r.steadyRate), wall: fmtRatio((r) => s.records / r.seconds), bound: fmtRatio(idleBound), warm: warmRatio((w) => w.rate), warmBound: warmRatio(warmBound) };
}

const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ');
const earlier = earlierRuns('Scaling');
const checksums = new Map<string, Set<string>>();
/** Writes the new run (the rounds done so far) above the earlier ones: a run cut short still reports. */
function report(done: number): string {
  const summary = [
    `| hashing rounds per record | records | 1 → 2 workers: steady state | whole run | on 2 idle cores at best (from CPU) | after warm-up (each thread's first ${fmt(WARMUP)} records left out) | …: on 2 idle cores at best | 1 → 4 workers: steady state | whole run | on 2 idle cores at best (from CPU) | after warm-up | the machine: bare computation, 2 threads vs 1 |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...series.map((s, i) => {
      const two = ratios(s, 2);
      const four = ratios(s, 4);
      const c = ceilings.get(i) ?? [];
      const cpu = ceilingCpu.get(i) ?? [];
      const ceiling = c.length === 0 ? '–' : `${median(c).toFixed(2)}× (${Math.min(...c).toFixed(2)}–${Math.max(...c).toFixed(2)}); CPU per record ${median(cpu).toFixed(2)}×`;
      return `| ${s.work} | ${fmt(s.records)} | ${two.steady} | ${two.wall} | ${two.bound} | ${two.warm} | ${two.warmBound} | ${four.steady} | ${four.wall} | ${four.bound} | ${four.warm} | ${ceiling} |`;
    }),
  ];
  const head = series[0]!;
  const over = overheadContenders().map((c) => results.get(key(head, c)) ?? []);
  const overhead =
    over[0]!.length > 0 && over[1]!.length > 0
      ? (() => {
          const [withTopic, keyed] = over.map((rs) => median(rs.map((r) => r.cpu)) / (head.records / 1e6));
          return `Repartition-topic overhead (parallelism 1, first series, whole-run CPU): ${(withTopic! - keyed!).toFixed(1)} CPU-s per million records (+${((withTopic! / keyed! - 1) * 100).toFixed(0)} %).`;
        })()
      : '';
  const body = [
    `### Run of ${stamp} UTC`,
    '',
    `Machine: ${machineLine()}. Load average (1 min) during the runs: median ${median(loads).toFixed(1)}, range ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} (the machine is shared).`,
    `Command: \`npm run bench:scaling -- --series ${SERIES.map((x) => `${x.work}:${x.records}`).join(',')} --rounds ${ROUNDS} --workers ${WORKERS.join(',')}${WARMUP === 20000 ? '' : ` --warmup ${WARMUP}`}\`. Job: \`benchmarks/scaling/scaling-job.ts\` — bounded KafkaSource (${KEYS} keys), a CPU-bound map (int32 hashing rounds per record, no allocation, every hash reaches the output), keyBy → 1 s tumbling event-time window (XOR of its records' hashes), max parallelism ${MAX_PARALLELISM}; embedded broker in its own process. Steady state: records computed per second from the moment every worker thread computes to the moment the first one is done (the job notes each thread's progress every 256 records); whole run: \`sluice run\` from start to exit. After warm-up: the steady state from the moment every thread has computed its first ${fmt(WARMUP)} records (V8 compiles each worker isolate's code on its helper threads in the first seconds, a cost a long-running job pays once; the same window is left out for 1 and 2 workers). CPU: user + system of the \`sluice run\` process (all its threads; /usr/bin/time for the whole run, /proc samples every 50 ms for the steady state and the threads); the computation's own CPU per record is the bare computation's in 1 thread (cpu-ceiling.ts, same rounds), "the rest" = steady-state job CPU per record − that. ${done < ROUNDS ? `${done} of ${ROUNDS} rounds (the run was cut short)` : `${ROUNDS} rounds`}, order alternating; medians with their range. Output checksum identical in every run of a series: ${[...checksums.values()].every((x) => x.size === 1) ? 'yes' : 'NO'}.`,
    '',
    "The machine's own ceiling (last column), measured before each series in every round: the bare per-record computation (the series' hashing rounds, no Sluice, no Kafka) in 2 threads at once against 1 thread, and the CPU time a record takes with 2 threads against 1 (above 1×: the two virtual cores slow each other down, e.g. a shared physical core). No 1 → 2 workers ratio can beat it.",
    '',
    'Scaling ratios (throughput with N workers / with 1 worker, medians; in brackets the worst and best pairing of the two ranges; "on 2 idle cores at best" divides the records of the steady-state window by max(busiest JavaScript thread, (job + broker CPU) / 2) of each run):',
    '',
    ...summary,
    '',
    ...series.flatMap((s, i) => [...seriesTable(s, i), '']),
    overhead,
  ].join('\n');
  writeBenchmarkSection('Scaling', `${body}\n\n${earlier}`);
  return body;
}

try {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [bootstrap] });
  for (const [i, s] of series.entries()) {
    await admin.createTopics({ topics: [`scale-in-${i}`], partitions: 4, replicas: 1 });
    if (i === 0) await admin.createTopics({ topics: ['scale-keyed-0'], partitions: MAX_PARALLELISM, replicas: 1 });
    console.log(`series ${i}: writing ${fmt(s.records)} records ...`);
    await fill(bootstrap, `scale-in-${i}`, s.records, false);
    if (i === 0) await fill(bootstrap, 'scale-keyed-0', s.records, true);
  }
  await admin.close();
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, s] of series.entries()) {
      const ceiling = await measureCeiling(s.work, 1.5);
      ceilings.set(i, [...(ceilings.get(i) ?? []), ceiling.ratio]);
      ceilingCpu.set(i, [...(ceilingCpu.get(i) ?? []), ceiling.cpuRatio]);
      computation.set(i, [...(computation.get(i) ?? []), ceiling.cpuPerRecord]);
      console.log(`round ${r + 1}, work ${s.work}: the bare computation in 2 threads vs 1: ${ceiling.ratio.toFixed(2)}× (CPU per record ${ceiling.cpuRatio.toFixed(2)}×)`);
      const order = r % 2 === 0 ? s.contenders : [...s.contenders].reverse();
      for (const c of order) {
        loads.push(loadavg()[0]!);
        const res = await runOnce(c, s, c.keyedTopic ? `scale-keyed-${i}` : `scale-in-${i}`, bootstrap, `scale-r${r}-s${i}-${s.contenders.indexOf(c)}`);
        results.set(key(s, c), [...(results.get(key(s, c)) ?? []), res]);
        const sums = checksums.get(`${i}`) ?? new Set<string>();
        checksums.set(`${i}`, sums.add(res.checksum));
        console.log(
          `round ${r + 1}, work ${s.work}: ${c.name}: ${res.warm === null ? '' : `after warm-up ${fmt(res.warm.rate)} rec/s over ${res.warm.seconds.toFixed(2)} s (job ${res.warm.cpu.toFixed(2)} CPU-s, busiest JS thread ${res.warm.jsMax.toFixed(2)}, broker ${res.warm.broker.toFixed(2)}); `}steady ${fmt(res.steadyRate)} rec/s over ${res.steadySeconds.toFixed(2)} s (job ${res.steadyCpu.toFixed(2)} CPU-s, busiest JS thread ${res.steadyJsMax.toFixed(2)}, broker ${res.steadyBroker.toFixed(2)}; idle-core bound ${fmt(idleBound(res))} rec/s); whole run ${res.seconds.toFixed(2)} s, ${res.cpu.toFixed(2)} CPU-s (busiest JS thread ${res.jsMax.toFixed(2)}, helpers ${res.helpers.toFixed(2)}); ${res.checksum}`,
        );
      }
    }
    report(r + 1);
  }
} finally {
  // The broker writes its data directory until it has exited: remove it only then.
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
  cleanup();
}
console.log(report(ROUNDS));
