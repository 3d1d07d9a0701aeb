/**
 * `npm run bench:nexmark` — the Nexmark queries on Sluice, engine-only and through Kafka, beside
 * Flink's published per-core figures and @kafkats/flow. Writes the `## Nexmark` section of
 * BENCHMARKS.md. Every run is its own process (CPU time and peak RSS are per run).
 *
 *   node benchmarks/nexmark/run.ts [--queries q0,q5] [--modes engine,kafka,latency,flow] [--rounds 3]
 *     [--seconds 5] [--kafka-events 500000] [--flow-events 50000] [--rate 10000] [--latency-seconds 8]
 *     [--save FILE] [--reuse FILE] [--no-write]
 *
 * - engine: generator in the job process, discarding sink, parallelism 1, keyed state in LMDB
 *   (and, as a second column, on the heap), checkpoints every 10 s; events per query chosen so a
 *   run lasts about --seconds; medians over --rounds rounds in which the queries alternate.
 * - kafka: the generator (`sluice nexmark generate`, its own process) fills a 3-partition topic of
 *   the embedded broker (its own process); each query job (its own process) reads it from the
 *   start and writes its rows to a topic with KafkaSink (acks=all).
 * - flow: the queries @kafkats/flow expresses, on the same input topic, measured the same way.
 * - latency: each query unbounded on a fresh topic while the generator writes --rate events/s.
 *
 * --save FILE keeps the measurements as JSON; --reuse FILE starts from saved ones, so that a run of
 * some modes or queries replaces only those figures in the report.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { fmt, machineLine, writeBenchmarkSection } from '../bench-report.ts';
import { FLOW_QUERIES } from './flow/queries.ts';
import type { JobResult } from './job-result.ts';
import { createTopics, measureLatency, runJob, runProcess, type Latency } from './measure.ts';
import { QUERIES } from './queries/index.ts';
import { nexmarkReport, type Measured } from './report.ts';

const argv = process.argv.slice(2);
const flag = (name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : dflt;
};
const queries = QUERIES.filter((q) => flag('--queries', '').split(',').filter(Boolean).length === 0 || flag('--queries', '').split(',').includes(q.name));
const modes = new Set(flag('--modes', 'engine,kafka,latency,flow').split(','));
const rounds = Number(flag('--rounds', '3'));
const targetSeconds = Number(flag('--seconds', '5'));
const kafkaEvents = Number(flag('--kafka-events', '500000'));
const flowEvents = Number(flag('--flow-events', '50000'));
const rate = Number(flag('--rate', '10000'));
const latencySeconds = Number(flag('--latency-seconds', '8'));
/** Event-time window queries: their windows close only when later events move the watermark. */
const WINDOWED = new Set(['q5', 'q7', 'q8', 'q11']);
const windowLatencySeconds = Math.max(latencySeconds, 25);
const shownArgs = argv.map((a, i) => (argv[i - 1] === '--save' || argv[i - 1] === '--reuse' ? 'FILE' : a));
const command = `\`npm run bench:nexmark${argv.length > 0 ? ` -- ${shownArgs.join(' ')}` : ''}\``;
const measuring = [...modes].some((m) => ['engine', 'kafka', 'latency', 'flow'].includes(m));
const load = loadavg()[0]!;

const { dir, cleanup } = tempDir('sluice-bench-nexmark-');
const measured = new Map<string, Measured>(queries.map((q) => [q.name, { query: q, engine: [], heap: [], kafka: [], flow: [] }]));
/** What a saved run holds besides the measurements. */
interface Saved {
  measured: Array<Omit<Measured, 'query'> & { query: string }>;
  engineEvents: Record<string, number>;
  fillRate: number | undefined;
  settings: { rounds: number; targetSeconds: number; kafkaEvents: number; flowEvents: number; rate: number; latencySeconds: number; command: string; machine: string };
}
const reuse = argv.includes('--reuse') ? (JSON.parse(readFileSync(flag('--reuse', ''), 'utf8')) as Saved) : undefined;
let stateDirs = 0;
const stateDir = (): string => join(dir, `state-${stateDirs++}`);
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const show = (r: JobResult): string => `${fmt(r.events / r.seconds).padStart(10)} events/s, ${fmt(r.events / r.cpuSeconds).padStart(10)} per core, ${r.peakRssMb.toFixed(0)} MB`;

/** Query order of round r: forwards, then backwards, so that load from elsewhere falls on all alike. */
const inOrder = <T>(xs: readonly T[], r: number): T[] => (r % 2 === 0 ? [...xs] : [...xs].reverse());

async function engine(): Promise<Map<string, number>> {
  const events = new Map<string, number>();
  for (const q of queries) {
    const pilot = await runJob('./engine-job.ts', [q.name, '200000', stateDir()]);
    const n = Math.round(Math.min(10_000_000, Math.max(200_000, (pilot.events / pilot.seconds) * targetSeconds)) / 100_000) * 100_000;
    events.set(q.name, n);
  }
  for (let r = 0; r < rounds; r++) {
    for (const q of inOrder(queries, r)) {
      const m = measured.get(q.name)!;
      const lmdb = await runJob('./engine-job.ts', [q.name, String(events.get(q.name)), stateDir()]);
      m.engine.push(lmdb);
      const heap = await runJob('./engine-job.ts', [q.name, String(events.get(q.name)), stateDir(), 'heap']);
      m.heap.push(heap);
      log(`engine round ${r + 1} ${q.name.padEnd(4)} LMDB ${show(lmdb)} | heap ${show(heap)}`);
    }
  }
  return events;
}

async function throughKafka(bootstrap: string): Promise<number | undefined> {
  let fillRate: number | undefined;
  if (modes.has('kafka') || modes.has('flow')) {
    await createTopics(bootstrap, ['nexmark'], 3);
    const t0 = performance.now();
    await runProcess('sluice', ['--bootstrap', bootstrap, 'nexmark', 'generate', '--topic', 'nexmark', '--events', String(kafkaEvents), '--event-rate', '10000000', '--base-time', 'now', '--acks', '1']);
    fillRate = kafkaEvents / ((performance.now() - t0) / 1000);
    log(`generator → Kafka: ${fmt(fillRate)} events/s (${fmt(kafkaEvents)} events, including process start-up)`);
  }
  const flowQueries = queries.filter((q) => FLOW_QUERIES[q.name] !== undefined);
  for (let r = 0; r < rounds; r++) {
    for (const q of inOrder(queries, r)) {
      if (!modes.has('kafka')) break;
      const output = `out-${q.name}-${r}`;
      await createTopics(bootstrap, [output], 3);
      const res = await runJob('./kafka-job.ts', [q.name, bootstrap, 'nexmark', output, stateDir(), 'bounded']);
      measured.get(q.name)!.kafka.push(res);
      log(`kafka round ${r + 1} ${q.name.padEnd(4)} Sluice ${show(res)}`);
    }
    for (const q of inOrder(flowQueries, r)) {
      if (!modes.has('flow')) break;
      const output = `flow-out-${q.name}-${r}`;
      await createTopics(bootstrap, [output], 3);
      const res = await runJob('./flow/flow-job.ts', [q.name, bootstrap, 'nexmark', output, String(Math.min(flowEvents, kafkaEvents))]);
      measured.get(q.name)!.flow.push(res);
      log(`kafka round ${r + 1} ${q.name.padEnd(4)} @kafkats/flow ${show(res)}`);
    }
  }
  if (modes.has('latency')) {
    for (const q of queries) {
      const l: Latency = await measureLatency(q.name, bootstrap, stateDir(), rate, WINDOWED.has(q.name) ? windowLatencySeconds : latencySeconds);
      measured.get(q.name)!.latency = l;
      log(`latency ${q.name.padEnd(4)} p50 ${l.p50.toFixed(0)} ms, p99 ${l.p99.toFixed(0)} ms (${l.samples} rows)`);
    }
  }
  return fillRate;
}

let engineEvents = new Map<string, number>(Object.entries(reuse?.engineEvents ?? {}));
let fillRate: number | undefined = reuse?.fillRate;
const machine = `${machineLine()}; 1-minute load average ${load.toFixed(1)} when the run started (a shared machine: per-core figures, from CPU time, are the steadier ones)`;
if (reuse !== undefined) {
  // Start from the saved figures; the modes run now replace theirs below.
  for (const s of reuse.measured) {
    const q = QUERIES.find((x) => x.name === s.query)!;
    measured.set(s.query, { ...s, query: q });
    const m = measured.get(s.query)!;
    if (queries.includes(q)) {
      if (modes.has('engine')) m.engine = m.heap = [];
      if (modes.has('kafka')) m.kafka = [];
      if (modes.has('flow')) m.flow = [];
      if (modes.has('latency')) delete m.latency;
    }
  }
}
try {
  if (modes.has('engine')) engineEvents = new Map([...engineEvents, ...(await engine())]);
  if (modes.has('kafka') || modes.has('flow') || modes.has('latency')) {
    const broker = await spawnBrokerProcess(join(dir, 'broker'));
    try {
      fillRate = (await throughKafka(broker.bootstrap)) ?? fillRate;
    } finally {
      broker.child.kill('SIGTERM');
      await new Promise((r) => broker.child.once('exit', r));
    }
  }
} finally {
  cleanup();
}

const settings: Saved['settings'] = reuse?.settings ?? { rounds, targetSeconds, kafkaEvents, flowEvents: Math.min(flowEvents, kafkaEvents), rate, latencySeconds, command, machine };
if (reuse !== undefined && measuring) {
  settings.command += `, then ${command}`;
  settings.machine += `; the second command ran with a load average of ${load.toFixed(1)}`;
}
const all = [...measured.values()].sort((a, b) => QUERIES.indexOf(a.query) - QUERIES.indexOf(b.query));
if (argv.includes('--save')) {
  const saved: Saved = { measured: all.map((m) => ({ ...m, query: m.query.name })), engineEvents: Object.fromEntries(engineEvents), fillRate, settings };
  writeFileSync(flag('--save', ''), JSON.stringify(saved, null, 1));
}
const section = nexmarkReport({
  measured: all,
  engineEvents,
  kafkaEvents: settings.kafkaEvents,
  flowEvents: settings.flowEvents,
  fillRate,
  rounds: settings.rounds,
  rate: settings.rate,
  latencySeconds: settings.latencySeconds,
  windowLatencySeconds,
  targetSeconds: settings.targetSeconds,
  machine: settings.machine,
  command: settings.command,
});
process.stdout.write(`${section}\n`);
if (!argv.includes('--no-write')) {
  writeBenchmarkSection('Nexmark', section);
  log('wrote the Nexmark section of BENCHMARKS.md');
}
