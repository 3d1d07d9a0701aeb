/**
 * What recording metrics costs the tutorial pipeline: the Sluice job of `npm start` (KafkaSource →
 * map → KafkaSink, its own process) over the same N messages, with metrics on and with
 * SLUICE_METRICS=off, in rounds in which the two alternate first. Reports throughput (median and
 * range) and the job process's CPU seconds per million messages (median and range), and the
 * median (range) of each round's on / off ratio of CPU per message.
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
const load = loadavg()[0]!.toFixed(1);

const { dir, cleanup } = tempDir('sluice-bench-pipeline-metrics-');
const { bootstrap, child } = await spawnBrokerProcess(join(dir, 'data'));
const runs = new Map<Contender, { rate: number; cpuPerM: number }[]>(contenders.map((c) => [c, []]));
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
      runs.get(c)!.push({ rate: t.rate, cpuPerM });
      console.log(`round ${r + 1}: ${c.name.padEnd(34)} ${fmt(t.rate).padStart(10)} msg/s, ${cpuPerM.toFixed(2)} CPU-s per M messages`);
    }
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  cleanup();
}

const range = (xs: number[], f: (x: number) => string): string => `${f(Math.min(...xs))} – ${f(Math.max(...xs))}`;
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const rows = contenders.map((c) => {
  const rates = runs.get(c)!.map((x) => x.rate);
  const cpu = runs.get(c)!.map((x) => x.cpuPerM);
  return `| ${c.name} | ${fmt(median(rates))} | ${range(rates, fmt)} | ${median(cpu).toFixed(2)} | ${range(cpu, (x) => x.toFixed(2))} |`;
});
const ratios = runs.get(on)!.map((x, r) => x.cpuPerM / runs.get(off)![r]!.cpuPerM - 1);
const summary = `CPU cost of metrics, per round (on / off − 1): median ${pct(median(ratios))}, range ${range(ratios, pct)}.`;
console.log(summary);

writeBenchmarkSection(
  'Pipeline: metrics overhead',
  [
    'The Sluice job of the Pipeline section (KafkaSource → upper-case map → KafkaSink, parallelism 1, its own process, the',
    'embedded broker in another) over the same input, with task, operator and checkpoint metrics on (the default) and off',
    '(`SLUICE_METRICS=off`: no registry, no sampling; records are counted by the exchanges either way). The two alternate first from round to round. CPU is the job',
    "process's user + system time from /proc when its last record reached the output topic, start-up included (the same for both).",
    '',
    `- ${fmt(N)} messages in a ${PARTITIONS}-partition topic, ${ROUNDS} rounds; 1-minute load average ${load} at the start`,
    `- Machine: ${machineLine()}`,
    `- Command: \`npm run bench:pipeline-metrics -- --messages ${N} --rounds ${ROUNDS}\``,
    '',
    '| job | throughput (msg/s, median) | range | CPU s per M messages (median) | range |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    summary,
  ].join('\n'),
);
console.log('wrote the Pipeline: metrics overhead section of BENCHMARKS.md');
