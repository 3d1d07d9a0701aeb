/**
 * Before/after figures for a change to the Kafka connectors: the tutorial pipeline's Sluice job
 * (KafkaSource → map → KafkaSink, `sluice-job.ts`) from this checkout and from another one (e.g.
 * `git archive BASE | tar -x -C DIR` with a node_modules link), over the same N messages on one
 * embedded broker in its own process, in alternating order from round to round. Prints, per side,
 * throughput (wall, first to last output record) and the job process's CPU-seconds per million
 * messages over the same span (start-up left out): medians and ranges.
 *
 * With `--source-only`, the job is `source-only-job.ts` (a bounded KafkaSource into a counting sink;
 * the base checkout needs that file too): the read path alone, CPU measured inside the job.
 *
 *   node benchmarks/pipeline/compare-checkouts.ts --base DIR [--base-label L] [--messages 500000] [--rounds 7] [--source-only]
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin } from '@platformatic/kafka';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { fmt, median } from '../bench-report.ts';
import { fill, throughput, type Contender } from './measure.ts';

const argv = process.argv.slice(2);
const flag = (name: string, fallback?: string): string => {
  const i = argv.indexOf(name);
  const v = i >= 0 ? argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`${name} is required`);
  return v;
};
const base = resolve(flag('--base'));
const here = fileURLToPath(new URL('../..', import.meta.url));
const N = Number(flag('--messages', '500000'));
const ROUNDS = Number(flag('--rounds', '7'));
const SOURCE_ONLY = argv.includes('--source-only');
const sides: Contender[] = [
  { name: flag('--base-label', `base (${base})`), file: join(base, 'benchmarks/pipeline/sluice-job.ts') },
  { name: 'this checkout', file: join(here, 'benchmarks/pipeline/sluice-job.ts') },
];

const { dir, cleanup } = tempDir('sluice-bench-pipeline-compare-');
const { bootstrap, child } = await spawnBrokerProcess(join(dir, 'data'));
const rates = sides.map(() => [] as number[]);
const cpu = sides.map(() => [] as number[]);
try {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [bootstrap] });
  await admin.createTopics({ topics: ['pipe-in', ...Array.from({ length: ROUNDS * 2 }, (_, i) => `pipe-out-${i}`)], partitions: 3, replicas: 1 });
  await admin.close();
  console.error(`writing ${fmt(N)} messages to pipe-in ...`);
  await fill(bootstrap, 'pipe-in', N);
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) {
      const t = SOURCE_ONLY ? await sourceOnly(sides[i]!.file.replace(/sluice-job\.ts$/, 'source-only-job.ts'), bootstrap) : await throughput(sides[i]!, bootstrap, 'pipe-in', `pipe-out-${r * 2 + i}`, N);
      rates[i]!.push(t.rate);
      cpu[i]!.push(t.steadyCpuPerMillion);
      console.error(`round ${r + 1}: ${sides[i]!.name.padEnd(32)} ${fmt(t.rate).padStart(10)} msg/s, ${t.steadyCpuPerMillion.toFixed(2)} CPU-s per M`);
    }
  }
} finally {
  child.kill('SIGTERM');
  cleanup();
}
/** Runs the source-only job to its end: its rate and CPU per million records, first record to last. */
function sourceOnly(file: string, bootstrap: string): Promise<{ rate: number; steadyCpuPerMillion: number }> {
  const child = spawn(process.execPath, ['--no-warnings', file, bootstrap, 'pipe-in'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((ok, fail) =>
    child.once('exit', (code) => {
      if (code !== 0) return fail(new Error(`${file} exited with ${code}`));
      const r = JSON.parse(out.trim().split('\n').at(-1)!) as { records: number; cpuPerMillion: number; seconds: number };
      if (r.records !== N) return fail(new Error(`${file} read ${r.records} records, not ${N}`));
      ok({ rate: r.records / r.seconds, steadyCpuPerMillion: r.cpuPerMillion });
    }),
  );
}

const range = (xs: number[], f: (x: number) => string) => `${f(Math.min(...xs))} – ${f(Math.max(...xs))}`;
console.log('| job | throughput (msg/s, median) | range | CPU-s per M messages (median) | range |');
console.log('| --- | ---: | ---: | ---: | ---: |');
sides.forEach((s, i) => console.log(`| ${s.name} | ${fmt(median(rates[i]!))} | ${range(rates[i]!, fmt)} | ${median(cpu[i]!).toFixed(2)} | ${range(cpu[i]!, (x) => x.toFixed(2))} |`));
const ratios = rates[0]!.map((_, r) => cpu[0]![r]! / cpu[1]![r]!);
console.log(`\nCPU per message, base ÷ this checkout, per round: median ${median(ratios).toFixed(2)}× (${range(ratios, (x) => x.toFixed(2))}×)`);
