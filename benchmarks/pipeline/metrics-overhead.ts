/**
 * What recording metrics costs the tutorial pipeline: the Sluice job of `npm start` (KafkaSource →
 * map → KafkaSink, its own process) over the same N messages, with metrics on and with
 * SLUICE_METRICS=off, in rounds in which the two alternate first. Reports throughput and the job
 * process's CPU seconds per million messages, over the whole run and after its first output
 * (medians and ranges), and the median (range) of each round's on / off ratio of both.
 * Writes the `## Pipeline: metrics overhead` section of BENCHMARKS.md.
 * Usage: `npm run bench:pipeline-metrics [-- --messages N --rounds R]`.
 */
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { Admin } from '@platformatic/kafka';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { fmt, machineLine, median, writeBenchmarkSection } from '../bench-report.ts';
import { fill, throughput, type Contender } from './measure.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('--messages', 1_000_000);
const ROUNDS = arg('--rounds', 7);
const PARTITIONS = 3;

const on: Contender = { name: 'metrics on (default)', file: './sluice-job.ts' };
const off: Contender = { name: 'metrics off (SLUICE_METRICS=off)', file: './sluice-job.ts', env: { SLUICE_METRICS: 'off' } };
const contenders = [on, off];
const load = loadavg().map((x) => x.toFixed(1)).join(' ');

const { dir, cleanup } = tempDir('sluice-bench-pipeline-metrics-');
const { bootstrap, child } = await spawnBrokerProcess(join(dir, 'data'));
const runs = new Map<Contender, { rate: number; cpuPerM: number; steadyPerM: number }[]>(contenders.map((c) => [c, []]));
try {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [bootstrap] });
  await admin.createTopics({ topics: ['pipe-in', ...contenders.flatMap((_, i) => Array.from({ length: ROUNDS }, (_, r) => `pipe-out-${i}-${r}`))], partitions: PARTITIONS, replicas: 1 });
  await admin.close();
  console.log(`writing ${fmt(N)} messages to pipe-in ...`);
  await fill(bootstrap, 'pipe-in', N);
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? [on, off] : [off, on];
    for (const c of order) {
      const t = await throughput(c, bootstrap, 'pipe-in', `pipe-out-${contenders.indexOf(c)}-${r}`, N);
      const cpuPerM = t.cpuSeconds / (N / 1e6);
      const steadyPerM = t.steady.cpuSeconds / (t.steady.messages / 1e6);
      runs.get(c)!.push({ rate: t.rate, cpuPerM, steadyPerM });
      console.log(`round ${r + 1}: ${c.name.padEnd(34)} ${fmt(t.rate).padStart(10)} msg/s, ${cpuPerM.toFixed(2)} CPU-s per M messages (${steadyPerM.toFixed(2)} after the first output)`);
    }
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  cleanup();
}

const loadEnd = loadavg().map((x) => x.toFixed(1)).join(' ');
const range = (xs: number[], f: (x: number) => string): string => `${f(Math.min(...xs))} – ${f(Math.max(...xs))}`;
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const cell = (xs: number[], f: (x: number) => string): string => `${f(median(xs))} (${range(xs, f)})`;
const two = (x: number): string => x.toFixed(2);
const rows = contenders.map((c) => {
  const of = (k: 'rate' | 'cpuPerM' | 'steadyPerM') => runs.get(c)!.map((x) => x[k]);
  return `| ${c.name} | ${cell(of('rate'), fmt)} | ${cell(of('cpuPerM'), two)} | ${cell(of('steadyPerM'), two)} |`;
});
/** Each round's on / off − 1 of a CPU figure (the two ran one after the other). */
const ratios = (k: 'cpuPerM' | 'steadyPerM'): number[] => runs.get(on)!.map((x, r) => x[k] / runs.get(off)![r]![k] - 1);
const [whole, steady] = [ratios('cpuPerM'), ratios('steadyPerM')];
const verdict = (xs: number[]): string => (median(xs) <= 0.05 ? 'holds' : 'does not hold');
const summary = [
  `CPU cost of metrics, per round (on / off − 1), whole run: median ${pct(median(whole))}, range ${range(whole, pct)};`,
  `after the first output (start-up left out): median ${pct(median(steady))}, range ${range(steady, pct)}.`,
  `The 5 % target (median of the paired rounds) ${verdict(whole)} for the whole run and ${verdict(steady)} after the first output.`,
].join('\n');
console.log(summary);

writeBenchmarkSection(
  'Pipeline: metrics overhead',
  [
    'The Sluice job of the Pipeline section (KafkaSource → upper-case map → KafkaSink, parallelism 1, its own process, the',
    'embedded broker in another) over the same input, with task, operator and checkpoint metrics on (the default) and off',
    '(`SLUICE_METRICS=off`: no registry, no tick, no Kafka client watchers; records are counted by the edge outputs either way).',
    'The two alternate first from round to round. CPU is the job process\'s user + system time from /proc (all its threads),',
    'per million messages: over the whole run (start-up included: the metrics side also loads prom-client and builds its',
    'registry), and from the first output record seen to the last (the steady state: messages output in between).',
    '',
    `- ${fmt(N)} messages in a ${PARTITIONS}-partition topic, ${ROUNDS} rounds; load average (1, 5, 15 min) ${load} at the start, ${loadEnd} at the end`,
    `- Machine: ${machineLine()}`,
    `- Command: \`npm run bench:pipeline-metrics -- --messages ${N} --rounds ${ROUNDS}\``,
    '',
    '| job | throughput (msg/s): median (range) | CPU-s per M messages, whole run | after the first output |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    '',
    summary,
  ].join('\n'),
);
console.log('wrote the Pipeline: metrics overhead section of BENCHMARKS.md');
