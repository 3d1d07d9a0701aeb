/**
 * `npm run bench:stateful` — issue 10's pipeline benchmark: the stateful job of `job.ts` (keyed
 * running count + 10 s event-time window sum, Kafka → Kafka, parallelism 1) with exactly-once
 * checkpoints every 100 ms and every 1 s, at-least-once every 1 s, and no checkpointing, all in one
 * run against one embedded broker (its own process). Every job run has its own job id and topics.
 *
 * Per mode and round, one job process: it is started and warmed up (a record goes through end to
 * end), then
 *   1. latency: RATE records/s for LAT_SECONDS (a batch every 10 ms); per record, the time from
 *      its send to a read_committed reader's receipt of its running-count output;
 *   2. throughput: N records written as fast as a producer goes; from the first send until the
 *      reader has received all N outputs (read_committed: for exactly-once, until they are
 *      committed), and the job process's CPU seconds over that span.
 * The modes rotate their order from round to round. Writes `## Stateful pipeline: delivery
 * guarantees` of BENCHMARKS.md.
 *
 *   node benchmarks/stateful/run.ts [--records 200000] [--rounds 7] [--rate 5000] [--latency-seconds 4] [--no-write]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import { ClientSupplier, type WorkerConsumer } from '../../src/kafka/client-supplier.ts';
import { fetchRound } from '../../src/kafka/read-to-end.ts';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { fmt, machineLine, median, writeBenchmarkSection } from '../bench-report.ts';
import { processCpuSeconds, stopContender } from '../pipeline/measure.ts';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const N = arg('--records', 200_000);
const ROUNDS = arg('--rounds', 7);
const RATE = arg('--rate', 5_000);
const LAT_SECONDS = arg('--latency-seconds', 4);
const KEYS = 1_000;
const PARTITIONS = 3;
const write = !argv.includes('--no-write');
const JOB = fileURLToPath(new URL('./job.ts', import.meta.url));

interface Mode {
  name: string;
  mode: 'exactly-once' | 'at-least-once' | 'none';
  checkpointMs: number;
}
const MODES: Mode[] = [
  { name: 'exactly-once, checkpoint every 100 ms', mode: 'exactly-once', checkpointMs: 100 },
  { name: 'exactly-once, checkpoint every 1 s', mode: 'exactly-once', checkpointMs: 1000 },
  { name: 'at-least-once, checkpoint every 1 s', mode: 'at-least-once', checkpointMs: 1000 },
  { name: 'no checkpointing', mode: 'none', checkpointMs: 0 },
];

interface RunResult {
  rate: number;
  cpuPerM: number;
  p50: number;
  p99: number;
  duplicates: number;
  /** Median duration of the job's completed checkpoints (trigger to commit), ms; NaN without checkpoints. */
  checkpointMs: number;
  checkpoints: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A read_committed reader of the running-count topic: when each output arrived, by the input's seq. */
class OutputReader {
  readonly arrivals = new Map<number, number>();
  duplicates = 0;
  warm = false;
  #stopped = false;
  readonly #done: Promise<void>;
  constructor(consumer: WorkerConsumer, topic: string) {
    const position = new Map(Array.from({ length: PARTITIONS }, (_, p) => [p, 0n] as [number, bigint]));
    const all = [...position.keys()];
    this.#done = (async () => {
      while (!this.#stopped) {
        await fetchRound(consumer, topic, all, position, undefined, (r) => {
          const now = performance.now();
          const v = r.value!.toString();
          if (v.startsWith('warm:')) this.warm = true;
          else {
            const seq = Number(v.slice(v.lastIndexOf(':') + 1));
            if (this.arrivals.has(seq)) this.duplicates++;
            else this.arrivals.set(seq, now);
          }
        }, { maxWaitMs: 5 });
      }
    })();
  }
  async until(done: () => boolean, what: string, ms: number): Promise<void> {
    const deadline = performance.now() + ms;
    while (!done()) {
      if (performance.now() > deadline) throw new Error(`${what}: not done after ${ms / 1000} s`);
      await sleep(2);
    }
  }
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#done;
  }
}

const reading = (seq: number, ts: number) => ({ key: `k${seq % KEYS}`, value: `k${seq % KEYS}:${seq}:${ts}:${seq % 100}` });

async function runOnce(m: Mode, round: number, bootstrap: string, stateDir: string, producer: Producer<string, string, string, string>): Promise<RunResult> {
  const id = `stateful-${m.mode}-${m.checkpointMs}-${round}`;
  mkdirSync(stateDir, { recursive: true });
  const [input, counts, windows] = [`${id}-in`, `${id}-counts`, `${id}-windows`];
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [bootstrap] });
  await admin.createTopics({ topics: [input, counts, windows], partitions: PARTITIONS, replicas: 1 });
  await admin.close();
  const statsFile = join(stateDir, `${id}.json`);
  const job: ChildProcess = spawn(process.execPath, ['--no-warnings', JOB, bootstrap, input, counts, windows, id, m.mode, String(m.checkpointMs), statsFile], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, SLUICE_LOG_LEVEL: 'warn', SLUICE_STATE_DIR: join(stateDir, id) },
  });
  const clients = new ClientSupplier({ connection: { bootstrapBrokers: [bootstrap] }, clientId: `probe-${id}`, producer: { kind: 'idempotent' } });
  const reader = new OutputReader(clients.consumer('reader'), counts);
  try {
    // Warm up: the job runs end to end (for exactly-once: a first checkpoint committed).
    for (let i = 0; !reader.warm; i++) {
      if (i > 600 || job.exitCode !== null) throw new Error(`${id}: the job did not start`);
      await producer.send({ messages: [{ topic: input, key: 'warm', value: `warm:-1:${Date.now()}:0` }] });
      await sleep(100);
    }
    // 1. Latency at a fixed rate; event time = wall-clock time.
    const perTick = Math.round(RATE / 100);
    const L = perTick * LAT_SECONDS * 100;
    const sentAt = new Float64Array(L);
    const sends: Promise<unknown>[] = [];
    const start = performance.now();
    for (let tick = 0; tick < LAT_SECONDS * 100; tick++) {
      const wait = start + tick * 10 - performance.now();
      if (wait > 0) await sleep(wait);
      const t = performance.now();
      const ts = Date.now();
      const messages = Array.from({ length: perTick }, (_, i) => {
        sentAt[tick * perTick + i] = t;
        return { topic: input, ...reading(tick * perTick + i, ts) };
      });
      sends.push(producer.send({ messages }));
    }
    await Promise.all(sends);
    await reader.until(() => reader.arrivals.size >= L, `${id} latency phase`, 60_000);
    const lat = Array.from({ length: L }, (_, seq) => reader.arrivals.get(seq)! - sentAt[seq]!).sort((a, b) => a - b);
    const q = (p: number) => lat[Math.min(L - 1, Math.floor(p * L))]!;

    // 2. Throughput: N records as fast as the producer goes.
    const cpu0 = processCpuSeconds(job.pid!);
    const t0 = performance.now();
    const base = Date.now();
    const inFlight = new Set<Promise<unknown>>();
    for (let i = 0; i < N; i += 2000) {
      const messages = Array.from({ length: Math.min(2000, N - i) }, (_, j) => ({ topic: input, ...reading(L + i + j, base + i + j) }));
      const p: Promise<unknown> = producer.send({ messages }).then(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= 8) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    await reader.until(() => reader.arrivals.size >= L + N, `${id} throughput phase`, 600_000);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = processCpuSeconds(job.pid!) - cpu0;
    const exited = new Promise((r) => job.once('exit', r));
    job.kill('SIGTERM');
    await exited;
    const { durations } = JSON.parse(readFileSync(statsFile, 'utf8')) as { durations: number[] };
    const checkpointMs = durations.length === 0 ? Number.NaN : median(durations);
    return { rate: N / seconds, cpuPerM: cpu / (N / 1e6), p50: q(0.5), p99: q(0.99), duplicates: reader.duplicates, checkpointMs, checkpoints: durations.length };
  } finally {
    await stopContender(job);
    await reader.stop();
    await clients.close();
  }
}

const loadAtStart = loadavg().map((x) => x.toFixed(1)).join(' ');
const { dir, cleanup } = tempDir('sluice-bench-stateful-');
const { bootstrap, child: broker } = await spawnBrokerProcess(join(dir, 'data'));
const results = new Map<Mode, RunResult[]>(MODES.map((m) => [m, []]));
const producer = new Producer({ clientId: 'bench-input', bootstrapBrokers: [bootstrap], serializers: stringSerializers, acks: 1 });
try {
  for (let r = 0; r < ROUNDS; r++) {
    const order = MODES.map((_, j) => MODES[(r + j) % MODES.length]!);
    for (const m of order) {
      const x = await runOnce(m, r, bootstrap, join(dir, 'state'), producer);
      results.get(m)!.push(x);
      process.stderr.write(`round ${r + 1}/${ROUNDS} ${m.name.padEnd(40)} ${fmt(x.rate).padStart(8)} rec/s, ${x.cpuPerM.toFixed(2)} CPU-s/M, p50 ${x.p50.toFixed(1)} ms, p99 ${x.p99.toFixed(1)} ms, ${x.checkpoints} checkpoints of ${x.checkpointMs.toFixed(0)} ms (median)${x.duplicates ? `, ${x.duplicates} duplicates` : ''}\n`);
    }
  }
} finally {
  await producer.close();
  broker.kill('SIGTERM');
  await new Promise((r) => broker.once('exit', r));
  cleanup();
}
const loadAtEnd = loadavg().map((x) => x.toFixed(1)).join(' ');

const col = (m: Mode, f: (x: RunResult) => number) => results.get(m)!.map(f);
const withRange = (xs: number[], f: (x: number) => string) => `${f(median(xs))} (${f(Math.min(...xs))} – ${f(Math.max(...xs))})`;
const ms = (x: number) => x.toFixed(1);
const alo = MODES[2]!;
const rows = MODES.map((m) => {
  const vsAlo = col(m, (x) => x.rate).map((rate, i) => rate / results.get(alo)![i]!.rate);
  const dup = col(m, (x) => x.duplicates).reduce((a, b) => a + b, 0);
  const cp = m.mode === 'none' ? '–' : withRange(col(m, (x) => x.checkpointMs), (x) => x.toFixed(0));
  return `| ${m.name} | ${withRange(col(m, (x) => x.rate), fmt)} | ${withRange(vsAlo, (x) => `${(x * 100).toFixed(0)}%`)} | ${withRange(col(m, (x) => x.cpuPerM), (x) => x.toFixed(2))} | ${withRange(col(m, (x) => x.p50), ms)} | ${withRange(col(m, (x) => x.p99), ms)} | ${cp} | ${dup} |`;
});
const eo1s = median(col(MODES[1]!, (x) => x.rate).map((rate, i) => rate / results.get(alo)![i]!.rate));
const verdict = `Exactly-once at a 1 s interval keeps ${(eo1s * 100).toFixed(0)}% of at-least-once throughput (median of the per-round ratios; target ≥ 70%).`;
const body = [
  'The stateful job of issue 10 (`benchmarks/stateful/job.ts`: KafkaSource → parse → keyBy → running count in ValueState → KafkaSink, and',
  'the same keyed stream → 10 s event-time tumbling window sum → KafkaSink; parallelism 1, heap state, 1,000 keys) in its own process,',
  'the embedded broker in another, under four delivery settings in one run. Every job run has its own job id, group and topics',
  '(3 partitions each). A read_committed reader in the benchmark process receives the running-count outputs.',
  '',
  `- Throughput: ${fmt(N)} records written as fast as one producer goes (acks=1) into the warmed-up job; from the first send until all`,
  `  ${fmt(N)} outputs were received read_committed (for exactly-once: committed). CPU: the job process's user + system seconds over that span, per million records.`,
  `- Latency: ${fmt(RATE)} records/s for ${LAT_SECONDS} s (a batch every 10 ms), before the throughput burst in the same job; from each record's send to the`,
  '  receipt of its running-count output (read_committed, 5 ms fetch wait). Exactly-once outputs become visible when their checkpoint commits.',
  `- ${ROUNDS} rounds in which the four settings rotate their order; medians with the range over the rounds. "vs. at-least-once" is the median`,
  '  (range) of each round\'s throughput ratio to the at-least-once run of the same round. Checkpoint duration: trigger to commit, the median',
  '  over every checkpoint of the run (latency and throughput phases; sources are paused while a checkpoint runs).',
  `- Machine: ${machineLine()}; load average ${loadAtStart} at the start, ${loadAtEnd} at the end (a shared machine)`,
  `- Command: \`npm run bench:stateful -- --records ${N} --rounds ${ROUNDS} --rate ${RATE} --latency-seconds ${LAT_SECONDS}\``,
  '',
  '| delivery | throughput (records/s) | vs. at-least-once | CPU-s per M records | latency p50 (ms) | latency p99 (ms) | checkpoint duration (ms, median per run) | duplicate outputs |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows,
  '',
  verdict,
].join('\n');
console.log(body);
if (write) writeBenchmarkSection('Stateful pipeline: delivery guarantees', body);
