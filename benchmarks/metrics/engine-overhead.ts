/**
 * `npm run bench:metrics-overhead` — what the runtime's metrics cost on the `bench:engine`
 * workloads: CPU-seconds per million events with metrics off (SLUICE_METRICS=off) and on, each
 * measured in a fresh process (benchmarks/engine/cpu-workloads.ts), in alternating rounds.
 * With `--base DIR` (another checkout, e.g. `git archive <commit> | tar -x -C DIR` with a
 * node_modules link), that checkout is measured in the same rounds, metrics off and on: "this
 * checkout, metrics on" against "base, metrics off" is the whole cost when the base counted
 * nothing with metrics off. Writes the `## Metrics overhead` section of BENCHMARKS.md.
 *
 *   node benchmarks/metrics/engine-overhead.ts [--rounds 7] [--events 2000000] [--base DIR --base-label TEXT] [--no-write]
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { machineLine, median, writeBenchmarkSection } from '../bench-report.ts';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const rounds = Number(flag('--rounds') ?? 7);
const events = Number(flag('--events') ?? 2_000_000);
const base = flag('--base');
const baseLabel = flag('--base-label') ?? 'base';
const write = !argv.includes('--no-write');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKLOADS = fileURLToPath(new URL('../engine/cpu-workloads.ts', import.meta.url));

interface Side {
  name: string;
  dir: string;
  metrics: 'off' | 'on';
}
const sides: Side[] = [
  { name: 'off', dir: ROOT, metrics: 'off' },
  { name: 'on', dir: ROOT, metrics: 'on' },
  ...(base === undefined ? [] : [{ name: 'base off', dir: base, metrics: 'off' as const }, { name: 'base on', dir: base, metrics: 'on' as const }]),
];

function measure(side: Side): Record<string, number> {
  const r = spawnSync(process.execPath, [WORKLOADS, side.dir, String(events)], { env: { ...process.env, SLUICE_METRICS: side.metrics }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cpu-workloads (${side.name}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}

const loadAtStart = loadavg()[0]!;
const samples = new Map<string, Array<Record<string, number>>>(sides.map((s) => [s.name, []]));
for (let i = 0; i < rounds; i++) {
  // Rotate which side goes first, so a drift in the machine's load hits every side alike.
  const order = sides.map((_, j) => sides[(i + j) % sides.length]!);
  for (const side of order) samples.get(side.name)!.push(measure(side));
  process.stderr.write(`round ${i + 1}/${rounds}: ${sides.map((s) => `${s.name} ${JSON.stringify(samples.get(s.name)!.at(-1))}`).join(' ')}\n`);
}
const loadAtEnd = loadavg()[0]!;

const of = (side: string, w: string): number[] => samples.get(side)!.map((s) => s[w]!);
const range = (xs: number[]) => `${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)}`;
const pct = (r: number) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)} %`;
/** Median and range of the per-round ratios a / b (the two ran in the same round). */
const ratio = (a: number[], b: number[]): string => {
  const rs = a.map((x, i) => x / b[i]!);
  return `${pct(median(rs))} (${pct(Math.min(...rs))} to ${pct(Math.max(...rs))})`;
};

const head = ['Workload', 'Metrics off (CPU-s / M events)', 'Metrics on', 'On / off, per round: median (range)'];
if (base !== undefined) head.push(`${baseLabel}: off`, `${baseLabel}: on`, `${baseLabel}: on / off`, `on / ${baseLabel} off`);
const lines = [`| ${head.join(' | ')} |`, `|---|${head.slice(1).map(() => '---:').join('|')}|`];
for (const w of Object.keys(samples.get('off')![0]!)) {
  const off = of('off', w);
  const on = of('on', w);
  const row = [w, `${median(off).toFixed(3)} (${range(off)})`, `${median(on).toFixed(3)} (${range(on)})`, ratio(on, off)];
  if (base !== undefined) {
    const bOff = of('base off', w);
    const bOn = of('base on', w);
    row.push(`${median(bOff).toFixed(3)} (${range(bOff)})`, `${median(bOn).toFixed(3)} (${range(bOn)})`, ratio(bOn, bOff), ratio(on, bOff));
  }
  lines.push(`| ${row.join(' | ')} |`);
}
const body = [
  "What the runtime's metrics cost on the `bench:engine` workloads (parallelism 1 for (a) and (b); (c) is a keyed exchange from one",
  'source subtask into 4 keyed subtasks). Records are counted by the edge outputs that route them (one increment per record and edge,',
  'also with metrics off: it is the runtime\'s own bookkeeping); the rest is read from the runtime\'s objects once a second or when scraped.',
  'Each measure runs in a fresh process (a warm-up, then CPU-seconds per million events), the sides rotating their order from round to round.',
  '',
  `- Machine: ${machineLine()}; 1-minute load average ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end (a shared machine)`,
  `- Command: \`npm run bench:metrics-overhead -- --rounds ${rounds} --events ${events}${base === undefined ? '' : ` --base DIR --base-label '${baseLabel}'`}\`: medians of ${rounds} rounds with their range`,
  '',
  ...lines,
].join('\n');
console.log(body);
if (write) writeBenchmarkSection('Metrics overhead', body);
