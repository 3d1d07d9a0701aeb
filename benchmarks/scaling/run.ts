/**
 * Scale-out on this machine: the CPU-bound keyBy → window job of `scaling-job.ts` over N records
 * already in a Kafka topic (embedded broker in its own process), run by `sluice run` with 1, 2 and
 * 4 workers (worker threads, exchanges through repartition topics; parallelism 4), rounds
 * alternating the order; and the repartition topic's overhead: 1 worker at parallelism 1 with a
 * keyBy through a repartition topic vs. the same job on input already keyed
 * (`reinterpretAsKeyedStream`, no exchange). Reports per contender the median wall time, its
 * range, records/s and CPU-seconds per million records (user + system of the job process, from
 * /usr/bin/time), with the load average. Writes the `## Scaling` section of BENCHMARKS.md.
 * Usage: `npm run bench:scaling [-- --records N --rounds R --work W]`.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { fmt, machineLine, median, writeBenchmarkSection } from '../bench-report.ts';

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

/** One run: wall seconds and CPU seconds (user + system) of the job process. */
function runOnce(c: Contender, bootstrap: string, jobId: string): Promise<{ seconds: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, CLI, '--bootstrap', bootstrap, 'run', JOB, ...c.args], {
      env: { ...process.env, SLUICE_LOG_LEVEL: 'warn', INPUT: c.input, JOB_ID: jobId, WORK: String(WORK), MAX_PARALLELISM: String(MAX_PARALLELISM), ...c.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const m = /CPU ([\d.]+) ([\d.]+)/.exec(err);
      if (code !== 0 || m === null) return reject(new Error(`${c.name} failed (${code}):\n${err}`));
      resolve({ seconds, cpu: Number(m[1]) + Number(m[2]) });
    });
  });
}

const { dir, cleanup } = tempDir('sluice-bench-scaling-');
const { bootstrap, child } = await spawnBrokerProcess(join(dir, 'data'));
const contenders: Contender[] = [
  ...[1, 2, 4].map((w) => ({ name: `${w} worker${w > 1 ? 's' : ''} (parallelism 4, keyBy through a repartition topic)`, input: 'scale-in', args: ['-p', '4', ...(w > 1 ? ['--workers', String(w)] : ['--exchanges', 'kafka'])], env: {} })),
  { name: '1 worker, parallelism 1, keyBy through a repartition topic', input: 'scale-keyed', args: ['-p', '1', '--exchanges', 'kafka'], env: {} },
  { name: '1 worker, parallelism 1, input already keyed (no exchange)', input: 'scale-keyed', args: ['-p', '1', '--exchanges', 'kafka'], env: { KEYED_INPUT: '1' } },
];
const results = new Map<string, Array<{ seconds: number; cpu: number }>>(contenders.map((c) => [c.name, []]));
const loads: number[] = [];
try {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [bootstrap] });
  await admin.createTopics({ topics: ['scale-in'], partitions: 4, replicas: 1 });
  await admin.createTopics({ topics: ['scale-keyed'], partitions: MAX_PARALLELISM, replicas: 1 });
  await admin.close();
  console.log(`writing ${fmt(N)} records twice ...`);
  await fill(bootstrap, 'scale-in', false);
  await fill(bootstrap, 'scale-keyed', true);
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    for (const [i, c] of order.entries()) {
      loads.push(loadavg()[0]!);
      const res = await runOnce(c, bootstrap, `scale-r${r}-${i}-${contenders.indexOf(c)}`);
      results.get(c.name)!.push(res);
      console.log(`round ${r + 1}: ${c.name}: ${res.seconds.toFixed(2)} s wall, ${res.cpu.toFixed(2)} CPU-s`);
    }
  }
} finally {
  child.kill('SIGTERM');
  cleanup();
}

const row = (c: Contender): { line: string; rate: number; cpuPerM: number } => {
  const rs = results.get(c.name)!;
  const secs = rs.map((x) => x.seconds);
  const med = median(secs);
  const cpuPerM = median(rs.map((x) => x.cpu)) / (N / 1e6);
  return { line: `| ${c.name} | ${med.toFixed(2)} s (${Math.min(...secs).toFixed(2)}–${Math.max(...secs).toFixed(2)}) | ${fmt(N / med)} | ${cpuPerM.toFixed(1)} |`, rate: N / med, cpuPerM };
};
const rows = contenders.map(row);
const body = [
  `Machine: ${machineLine()}. Load average (1 min) during the runs: median ${median(loads).toFixed(1)}, range ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} (the machine is shared).`,
  `Command: \`npm run bench:scaling -- --records ${N} --rounds ${ROUNDS} --work ${WORK}\`. Job: \`benchmarks/scaling/scaling-job.ts\` — bounded KafkaSource (${fmt(N)} records, ${KEYS} keys), a CPU-bound map (${WORK} hashing rounds per record), keyBy → 1 s tumbling event-time window count, max parallelism ${MAX_PARALLELISM}; embedded broker in its own process. Wall time includes process start-up and topic set-up; CPU-seconds are user + system of the \`sluice run\` process (all its worker threads), from /usr/bin/time. ${ROUNDS} rounds, order alternating; medians with their range.`,
  '',
  '| contender | wall time, median (range) | records/s | CPU-s per million records |',
  '|---|---|---|---|',
  ...rows.map((r) => r.line),
  '',
  `Scaling: 1 → 2 workers ${(rows[1]!.rate / rows[0]!.rate).toFixed(2)}×, 1 → 4 workers ${(rows[2]!.rate / rows[0]!.rate).toFixed(2)}× (wall-time medians). ` +
    `Repartition-topic overhead at parallelism 1: ${(rows[3]!.cpuPerM - rows[4]!.cpuPerM).toFixed(1)} CPU-s per million records (${((rows[3]!.cpuPerM / rows[4]!.cpuPerM - 1) * 100).toFixed(0)} %).`,
].join('\n');
writeBenchmarkSection('Scaling', body);
console.log(body);
