/**
 * `npm run bench:metrics-overhead` — what the runtime's metrics cost on the `bench:engine`
 * workloads, in CPU-seconds per million events:
 * - **off**: SLUICE_METRICS=off (no registry, no per-second tick, no activity clock reads);
 * - **on**: the default (task, operator and checkpoint metrics; a tick a second);
 * - **uncounted**: this checkout with the edge outputs' per-record counting removed
 *   (benchmarks/metrics/uncounted-copy.ts), metrics off: a runtime that counts nothing, so
 *   on / uncounted is the whole cost of metrics, the counting that runs either way included.
 * With `--base DIR` (another checkout with a node_modules link), that checkout runs off and on too.
 * Each round is one fresh process (benchmarks/metrics/overhead-round.ts) in which every side runs
 * every workload once after a common warm-up, the sides' order rotating from round to round; ratios
 * are taken per round (paired), then their median and range reported.
 * Writes the `## Metrics overhead` section of BENCHMARKS.md.
 *
 *   node benchmarks/metrics/engine-overhead.ts [--rounds 21] [--scale 1] [--base DIR --base-label TEXT] [--no-write]
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { fmt, machineLine, median, writeBenchmarkSection } from '../bench-report.ts';
import { WORKLOADS, type RoundSide, type WorkloadName } from './overhead-workloads.ts';
import { uncountedCopy } from './uncounted-copy.ts';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const rounds = Number(flag('--rounds') ?? 21);
const scale = Number(flag('--scale') ?? 1);
const base = flag('--base');
const baseLabel = flag('--base-label') ?? 'base';
const write = !argv.includes('--no-write');
if (!(rounds >= 1) || !(scale > 0)) throw new Error('--rounds must be >= 1 and --scale > 0');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROUND = fileURLToPath(new URL('./overhead-round.ts', import.meta.url));
/** Events per run: about 1–2 s of CPU each on the reference machine, so a run spans metrics ticks. */
const events: Record<WorkloadName, number> = {
  '(a) map-filter': Math.round(20_000_000 * scale),
  '(b) window count': Math.round(4_000_000 * scale),
  '(c) keyed exchange': Math.round(10_000_000 * scale),
};

const uncounted = uncountedCopy(ROOT);
const sides: RoundSide[] = [
  { name: 'off', dir: ROOT, metrics: 'off' },
  { name: 'on', dir: ROOT, metrics: 'on' },
  { name: 'uncounted', dir: uncounted.dir, metrics: 'off' },
  ...(base === undefined ? [] : [{ name: 'base off', dir: base, metrics: 'off' as const }, { name: 'base on', dir: base, metrics: 'on' as const }]),
];

const loadAtStart = loadavg().map((x) => x.toFixed(1)).join(' ');
const samples: Array<Record<string, Record<string, number>>> = [];
try {
  for (let i = 0; i < rounds; i++) {
    // Rotate which side goes first, so a drift in the machine's load hits every side alike.
    const order = sides.map((_, j) => sides[(i + j) % sides.length]!);
    const r = spawnSync(process.execPath, [ROUND, JSON.stringify(order), JSON.stringify(events)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`round ${i + 1} failed: ${r.stderr}`);
    samples.push(JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, Record<string, number>>);
    process.stderr.write(`round ${i + 1}/${rounds} (load ${loadavg()[0]!.toFixed(1)}): ${JSON.stringify(samples.at(-1))}\n`);
  }
} finally {
  uncounted.cleanup();
}
const loadAtEnd = loadavg().map((x) => x.toFixed(1)).join(' ');

const of = (side: string, w: string): number[] => samples.map((s) => s[side]![w]!);
const cell = (xs: number[]) => `${median(xs).toFixed(4)} (${Math.min(...xs).toFixed(4)}–${Math.max(...xs).toFixed(4)})`;
const pct = (r: number) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)} %`;
/** Median and range of the per-round ratios a / b (the two ran in the same process, one after the other). */
const ratios = (a: number[], b: number[]): number[] => a.map((x, i) => x / b[i]!);
const ratioCell = (rs: number[]): string => `${pct(median(rs))} (${pct(Math.min(...rs))} to ${pct(Math.max(...rs))})`;

const head = ['Workload', 'events per run', 'off: CPU-s per M events', 'on', 'uncounted', 'on / off', 'on / uncounted (all of it)', 'best rounds: on / off, on / uncounted', '≤ 5 %? (on / off, all of it)'];
if (base !== undefined) head.push(`${baseLabel}: off`, `${baseLabel}: on`, `${baseLabel}: on / off`, `on / ${baseLabel} off`);
const lines = [`| ${head.join(' | ')} |`, `|---|${head.slice(1).map(() => '---:').join('|')}|`];
const verdicts: string[] = [];
for (const w of Object.keys(WORKLOADS) as WorkloadName[]) {
  const [off, on, none] = [of('off', w), of('on', w), of('uncounted', w)];
  const onOff = ratios(on, off);
  const whole = ratios(on, none);
  const yes = (r: number): string => (r <= 1.05 ? 'yes' : 'no');
  const verdict = `${yes(median(onOff))}, ${yes(median(whole))}`;
  verdicts.push(`${w}: ${verdict}`);
  const best = `${pct(Math.min(...on) / Math.min(...off))}, ${pct(Math.min(...on) / Math.min(...none))}`;
  const row = [w, fmt(events[w]), cell(off), cell(on), cell(none), ratioCell(onOff), ratioCell(whole), best, verdict];
  if (base !== undefined) {
    const [bOff, bOn] = [of('base off', w), of('base on', w)];
    row.push(cell(bOff), cell(bOn), ratioCell(ratios(bOn, bOff)), ratioCell(ratios(on, bOff)));
  }
  lines.push(`| ${row.join(' | ')} |`);
}
const command = `npm run bench:metrics-overhead -- --rounds ${rounds}${scale === 1 ? '' : ` --scale ${scale}`}${base === undefined ? '' : ` --base DIR --base-label '${baseLabel}'`}`;
const body = [
  "What the runtime's metrics cost on the `bench:engine` workloads (parallelism 1 for (a) and (b); (c) is a keyed exchange from one",
  'source subtask into 4 keyed subtasks), in CPU-seconds per million events (user + system, the whole process: GC threads included).',
  '- **off**: `SLUICE_METRICS=off` — no registry, no per-second tick, no clock reads for busy/idle time. The edge outputs still',
  "  count what they route (one addition per record and edge): that is the runtime's own bookkeeping, as in Flink.",
  '- **on**: the default — task, operator and checkpoint metrics, refreshed once a second and when scraped.',
  "- **uncounted**: this checkout with the edge outputs' counting statements removed (`benchmarks/metrics/uncounted-copy.ts`), metrics",
  '  off — a runtime that counts nothing. **on / uncounted** is therefore the whole cost of metrics, the counting included.',
  '',
  'Each round is one fresh process in which every side runs every workload once (after a common warm-up), one after the other;',
  'the order of the sides rotates from round to round (so the garbage a run leaves to the next is spread evenly). Ratios are',
  'per round (paired), then their median and range. All sides compute the same result (checked every run). Figures are',
  'medians over the rounds with their range.',
  '',
  `- Machine: ${machineLine()}; load average (1, 5, 15 min) ${loadAtStart} at the start, ${loadAtEnd} at the end (a machine shared with other sessions)`,
  `- Command: \`${command}\` — ${rounds} rounds`,
  '',
  ...lines,
  '',
  `Target (issue 12): metrics on within 5 % of metrics off, judged by the median of the paired per-round ratios; the same test for on / uncounted. "Best rounds" sets the least disturbed run of each side (its minimum over the rounds) side by side. ≤ 5 % (on / off, all of it) — ${verdicts.join('; ')}.`,
].join('\n');
console.log(body);
if (write) writeBenchmarkSection('Metrics overhead', body);
