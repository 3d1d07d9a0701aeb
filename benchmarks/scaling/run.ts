/**
 * Scale-out on this machine: the CPU-bound keyBy → window job of `scaling-job.ts` over N records
 * already in a Kafka topic (embedded broker in its own process), run by `sluice run` with 1, 2 and
 * 4 workers (worker threads, exchanges through repartition topics; parallelism 4), rounds
 * alternating the order; and the repartition topic's overhead: 1 worker at parallelism 1 with a
 * keyBy through a repartition topic vs. the same job on input already keyed
 * (`reinterpretAsKeyedStream`, no exchange). Reports per contender the median wall time, its
 * range, records/s and CPU-seconds per million records (user + system of the job process, from
 * /usr/bin/time), with the load average; and, to tell fixed from per-record cost, its CPU over an
 * empty topic (start-up), the busiest JavaScript thread and the helper threads (/proc), the
 * broker's CPU, and the best wall time the run could have on 2 idle cores. Writes the run above
 * the earlier ones in the `## Scaling` section of BENCHMARKS.md, after every round.
 * Usage: `npm run bench:scaling [-- --records N --rounds R --work W]`.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { earlierRuns, fmt, machineLine, median, writeBenchmarkSection } from '../bench-report.ts';
import { processCpuSeconds, sampleThreads } from './thread-cpu.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('--records', 200_000);
const ROUNDS = arg('--rounds', 7);
const WORK = arg('--work', 200);
const KEYS = 1_000;
const MAX_PARALLELISM = 16;
const CLI = fileURLToPath(new URL('../../bin/sluice.js', import.meta.url));
const JOB = fileURLToPath(new URL('./scaling-job.ts', import.meta.url));

interface Contender {
  name: string;
  input: string;
  args: string[];
  env: Record<string, string>;
}

async function fill(bootstrap: string, topic: string, keyed: boolean): Promise<void> {
  const producer = new Producer({ clientId: 'bench-fill', bootstrapBrokers: [bootstrap], serializers: stringSerializers, acks: 1 });
  const inFlight = new Set<Promise<unknown>>();
  for (let i = 0; i < N; i += 5000) {
    // Keyed: Kafka's default partitioner on the key = the key group (MAX_PARALLELISM partitions).
    const messages = Array.from({ length: Math.min(5000, N - i) }, (_, j) => {
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
  /** CPU of the broker process during the run. */
  broker: number;
  /** The busiest JavaScript thread (main or worker thread) and the helper threads (V8, libuv), sampled. */
  jsMax: number;
  helpers: number;
}

/** One run of the job (wall seconds, CPU seconds of the job process, of its threads and of the broker). */
function runOnce(c: Contender, input: string, bootstrap: string, jobId: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const broker0 = processCpuSeconds(brokerPid);
    const child = spawn('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, CLI, '--bootstrap', bootstrap, 'run', JOB, ...c.args], {
      env: { ...process.env, SLUICE_LOG_LEVEL: 'warn', INPUT: input, JOB_ID: jobId, WORK: String(WORK), MAX_PARALLELISM: String(MAX_PARALLELISM), ...c.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const threads = sampleThreads(child.pid!);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const split = threads.stop();
      const m = /CPU ([\d.]+) ([\d.]+)/.exec(err);
      if (code !== 0 || m === null) return reject(new Error(`${c.name} failed (${code}):\n${err}`));
      resolve({ seconds, cpu: Number(m[1]) + Number(m[2]), broker: processCpuSeconds(brokerPid) - broker0, jsMax: Math.max(0, ...split.js), helpers: split.helpers });
    });
  });
}

const { dir, cleanup } = tempDir('sluice-bench-scaling-');
const { bootstrap, child } = await spawnBrokerProcess(join(dir, 'data'));
const brokerPid = child.pid!;
const contenders: Contender[] = [
  ...[1, 2, 4].map((w) => ({ name: `${w} worker${w > 1 ? 's' : ''} (parallelism 4, keyBy through a repartition topic)`, input: 'scale-in', args: ['-p', '4', ...(w > 1 ? ['--workers', String(w)] : ['--exchanges', 'kafka'])], env: {} })),
  { name: '1 worker, parallelism 1, keyBy through a repartition topic', input: 'scale-keyed', args: ['-p', '1', '--exchanges', 'kafka'], env: {} },
  { name: '1 worker, parallelism 1, input already keyed (no exchange)', input: 'scale-keyed', args: ['-p', '1', '--exchanges', 'kafka'], env: { KEYED_INPUT: '1' } },
];
const perM = (cpuSeconds: number): number => cpuSeconds / (N / 1e6);
interface Row {
  line: string;
  rate: number;
  cpuPerM: number;
  /** Wall seconds this run could take at best on 2 idle cores (see below). */
  bound: number;
}
const row = (c: Contender): Row => {
  const rs = results.get(c.name)!;
  const secs = rs.map((x) => x.seconds);
  const med = median(secs);
  const cpu = median(rs.map((x) => x.cpu));
  const startup = median(empty.get(c.name)!.map((x) => x.cpu));
  const jsMax = median(rs.map((x) => x.jsMax));
  const broker = median(rs.map((x) => x.broker));
  // Lower bound of the wall time on 2 idle cores: no JavaScript thread can use more than one
  // core, and the job's threads and the broker together cannot use more than two.
  const bound = Math.max(jsMax, (cpu + broker) / 2);
  const cells = [
    c.name,
    `${med.toFixed(2)} s (${Math.min(...secs).toFixed(2)}–${Math.max(...secs).toFixed(2)})`,
    fmt(N / med),
    perM(cpu).toFixed(1),
    startup.toFixed(2),
    perM(cpu - startup).toFixed(1),
    perM(jsMax).toFixed(1),
    perM(median(rs.map((x) => x.helpers))).toFixed(1),
    perM(broker).toFixed(1),
    bound.toFixed(2),
  ];
  return { line: `| ${cells.join(' | ')} |`, rate: N / med, cpuPerM: perM(cpu), bound };
};
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ');
const earlier = earlierRuns('Scaling');
/** Writes the new run (the rounds done so far) above the earlier ones: a run cut short still reports. */
function report(done: number): string {
  const rows = contenders.map(row);
  const body = [
    `### Run of ${stamp} UTC`,
    '',
    `Machine: ${machineLine()}. Load average (1 min) during the runs: median ${median(loads).toFixed(1)}, range ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} (the machine is shared).`,
    `Command: \`npm run bench:scaling -- --records ${N} --rounds ${ROUNDS} --work ${WORK}\`. Job: \`benchmarks/scaling/scaling-job.ts\` — bounded KafkaSource (${fmt(N)} records, ${KEYS} keys), a CPU-bound map (${WORK} hashing rounds per record), keyBy → 1 s tumbling event-time window count, max parallelism ${MAX_PARALLELISM}; embedded broker in its own process. Wall time includes process start-up and topic set-up; CPU-seconds are user + system of the \`sluice run\` process (all its threads), from /usr/bin/time. Each run is followed by the same contender over an empty topic: its start-up (fixed) CPU; per-record CPU = (run − empty run) / records. Threads are sampled from /proc every 50 ms: the busiest JavaScript thread (main or worker thread) and V8's/libuv's helper threads (concurrent GC and compilation). Broker CPU is the broker process's during the run. ${done < ROUNDS ? `${done} of ${ROUNDS} rounds (the run was cut short)` : `${ROUNDS} rounds`}, order alternating; medians with their range.`,
    '',
    '| contender | wall time, median (range) | records/s | CPU-s per M records | start-up CPU-s (empty input) | per-record CPU-s per M (start-up excluded) | busiest JS thread, CPU-s per M | helper threads, CPU-s per M | broker, CPU-s per M | best wall on 2 idle cores, s |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => r.line),
    '',
    `Scaling, measured (wall-time medians): 1 → 2 workers ${ratio(rows[1]!.rate, rows[0]!.rate)}, 1 → 4 workers ${ratio(rows[2]!.rate, rows[0]!.rate)}. ` +
      `On 2 idle cores at best (last column: max(busiest JS thread, (job + broker CPU) / 2)): 1 → 2 workers ${ratio(rows[0]!.bound, rows[1]!.bound)}, 1 → 4 workers ${ratio(rows[0]!.bound, rows[2]!.bound)}. ` +
      `Repartition-topic overhead at parallelism 1: ${(rows[3]!.cpuPerM - rows[4]!.cpuPerM).toFixed(1)} CPU-s per million records (${((rows[3]!.cpuPerM / rows[4]!.cpuPerM - 1) * 100).toFixed(0)} %).`,
  ].join('\n');
  writeBenchmarkSection('Scaling', `${body}\n\n${earlier}`);
  return body;
}

// Each contender also runs over an empty topic of the same partitions: its fixed cost (start-up,
// clients, topic set-up, shutdown), so that the per-record cost is told apart from it.
const results = new Map<string, Run[]>(contenders.map((c) => [c.name, []]));
const empty = new Map<string, Run[]>(contenders.map((c) => [c.name, []]));
const loads: number[] = [];
try {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [bootstrap] });
  await admin.createTopics({ topics: ['scale-in', 'scale-in-empty'], partitions: 4, replicas: 1 });
  await admin.createTopics({ topics: ['scale-keyed', 'scale-keyed-empty'], partitions: MAX_PARALLELISM, replicas: 1 });
  await admin.close();
  console.log(`writing ${fmt(N)} records twice ...`);
  await fill(bootstrap, 'scale-in', false);
  await fill(bootstrap, 'scale-keyed', true);
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    for (const [i, c] of order.entries()) {
      loads.push(loadavg()[0]!);
      const res = await runOnce(c, c.input, bootstrap, `scale-r${r}-${i}-${contenders.indexOf(c)}`);
      results.get(c.name)!.push(res);
      const idle = await runOnce(c, `${c.input}-empty`, bootstrap, `scale-empty-r${r}-${i}-${contenders.indexOf(c)}`);
      empty.get(c.name)!.push(idle);
      console.log(`round ${r + 1}: ${c.name}: ${res.seconds.toFixed(2)} s wall, ${res.cpu.toFixed(2)} CPU-s (busiest JS thread ${res.jsMax.toFixed(2)}, helper threads ${res.helpers.toFixed(2)}, broker ${res.broker.toFixed(2)}); empty input ${idle.cpu.toFixed(2)} CPU-s`);
    }
    report(r + 1);
  }
} finally {
  child.kill('SIGTERM');
  cleanup();
}
console.log(report(ROUNDS));
