/**
 * `npm run bench:metrics-overhead` — what the runtime's metrics cost on the `bench:engine`
 * workloads: CPU-seconds per million events with metrics off (SLUICE_METRICS=off) and on, each
 * measured in a fresh process (benchmarks/engine/cpu-workloads.ts), in alternating rounds.
 * Writes the `## Metrics overhead` section of BENCHMARKS.md: the median of each side with its
 * range, and the median of the per-round ratios.
 *
 *   node benchmarks/metrics/engine-overhead.ts [--rounds 7] [--events 2000000] [--no-write]
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { machineLine, writeBenchmarkSection } from '../bench-report.ts';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const rounds = Number(flag('--rounds') ?? 7);
const events = Number(flag('--events') ?? 2_000_000);
const write = !argv.includes('--no-write');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKLOADS = fileURLToPath(new URL('../engine/cpu-workloads.ts', import.meta.url));

type Side = 'off' | 'on';
function measure(side: Side): Record<string, number> {
  const r = spawnSync(process.execPath, [WORKLOADS, ROOT, String(events)], { env: { ...process.env, SLUICE_METRICS: side }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cpu-workloads (metrics ${side}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const load = loadavg()[0]!;
const samples: Record<Side, Array<Record<string, number>>> = { off: [], on: [] };
for (let i = 0; i < rounds; i++) {
  // Alternate which side goes first, so a drift in the machine's load hits both alike.
  const order: Side[] = i % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
  for (const side of order) samples[side].push(measure(side));
  process.stderr.write(`round ${i + 1}/${rounds}: off ${JSON.stringify(samples.off.at(-1))} on ${JSON.stringify(samples.on.at(-1))}\n`);
}

const lines = ['| Workload | Metrics off (CPU-s / M events) | Metrics on | On / off (median of rounds) | Range of the ratio |', '|---|---:|---:|---:|---:|'];
for (const w of Object.keys(samples.off[0]!)) {
  const off = samples.off.map((s) => s[w]!);
  const on = samples.on.map((s) => s[w]!);
  const ratios = off.map((o, i) => on[i]! / o);
  const pct = (r: number) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)} %`;
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)}`;
  lines.push(`| ${w} | ${median(off).toFixed(3)} (${range(off)}) | ${median(on).toFixed(3)} (${range(on)}) | ${pct(median(ratios))} | ${pct(Math.min(...ratios))} to ${pct(Math.max(...ratios))} |`);
}
const body = [
  'What the runtime\'s metrics cost on the `bench:engine` workloads: one counter increment per record at each operator output and at each',
  'input fed by an exchange (the rest is read from the runtime\'s objects when scraped or once a second), measured in a fresh process per',
  'measure with `SLUICE_METRICS=off` and with metrics on (the default), in alternating rounds.',
  '',
  `- Machine: ${machineLine()}; 1-minute load average ${load.toFixed(1)} when the run started (a shared machine)`,
  `- Command: \`npm run bench:metrics-overhead\` (\`node benchmarks/metrics/engine-overhead.ts --rounds ${rounds} --events ${events}\`): CPU-seconds per million events, medians of ${rounds} rounds with their range`,
  '',
  ...lines,
].join('\n');
console.log(body);
if (write) writeBenchmarkSection('Metrics overhead', body);
