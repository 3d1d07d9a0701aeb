/**
 * `npm run bench:engine` — in-memory engine throughput beside hand-written loops that compute
 * the same results in the same process. Writes the `## Engine` section of BENCHMARKS.md.
 *
 *   node benchmarks/engine/run.ts [--events N] [--runs R] [--no-write]   (or SLUICE_BENCH_EVENTS=N)
 *
 * Each implementation runs R times (default 3), alternating, and the best run is reported.
 */
import { performance } from 'node:perf_hooks';
import { fmt, machineLine, writeBenchmarkSection } from '../bench-report.ts';
import { engineKeyedExchange, engineMapFilter, engineWindowCount, KEYED_PARALLELISM, KEYS, loopKeyedExchange, loopMapFilter, loopWindowCount, type Result } from './workloads.ts';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const events = Number(flag('--events') ?? process.env.SLUICE_BENCH_EVENTS ?? 10_000_000);
const write = !argv.includes('--no-write');
const runs = Number(flag('--runs') ?? 3);
if (!(events > 0)) throw new Error('--events must be a positive number');
if (!(runs >= 1)) throw new Error('--runs must be >= 1');

interface Row {
  workload: string;
  impl: string;
  seconds: number;
  rate: number;
  result: Result;
}

async function time(workload: string, impl: string, fn: () => Result | Promise<Result>): Promise<Row> {
  const t0 = performance.now();
  const result = await fn();
  const seconds = (performance.now() - t0) / 1000;
  return { workload, impl, seconds, rate: events / seconds, result };
}

/** Runs the loop and the engine `runs` times, alternating; keeps the best of each. */
async function compare(workload: string, loop: () => Result, engine: () => Promise<Result>): Promise<[Row, Row]> {
  let bestLoop: Row | undefined;
  let bestEngine: Row | undefined;
  for (let i = 0; i < runs; i++) {
    const l = await time(workload, 'hand-written loop', loop);
    const e = await time(workload, 'Sluice', engine);
    if (bestLoop === undefined || l.seconds < bestLoop.seconds) bestLoop = l;
    if (bestEngine === undefined || e.seconds < bestEngine.seconds) bestEngine = e;
  }
  return [bestLoop!, bestEngine!];
}


async function main(): Promise<void> {
  // Warm up both paths (JIT) on a small input.
  const warm = Math.min(events, 500_000);
  await engineMapFilter(warm);
  loopMapFilter(warm);
  await engineWindowCount(warm);
  loopWindowCount(warm);
  await engineKeyedExchange(warm);
  loopKeyedExchange(warm);

  const rows: Row[] = [
    ...(await compare('(a) map → filter', () => loopMapFilter(events), () => engineMapFilter(events))),
    ...(await compare('(b) keyBy → 10 s tumbling event-time window count', () => loopWindowCount(events), () => engineWindowCount(events))),
    ...(await compare(`(c) keyBy over ${KEYED_PARALLELISM} subtasks → keyed map`, () => loopKeyedExchange(events), () => engineKeyedExchange(events))),
  ];

  for (let i = 0; i < rows.length; i += 2) {
    const [loop, engine] = [rows[i]!, rows[i + 1]!];
    if (loop.result.records !== engine.result.records || loop.result.checksum !== engine.result.checksum) {
      throw new Error(`${engine.workload}: results differ: loop ${JSON.stringify(loop.result)} vs Sluice ${JSON.stringify(engine.result)}`);
    }
  }

  const header = '| Workload | Implementation | Events | Time (s) | Events/s | Sluice / loop | Outputs |';
  const lines = [header, '|---|---|---:|---:|---:|---:|---:|'];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const ratio = r.impl === 'Sluice' ? `${((100 * r.rate) / rows[i - 1]!.rate).toFixed(0)}%` : '';
    lines.push(`| ${r.workload} | ${r.impl} | ${fmt(events)} | ${r.seconds.toFixed(2)} | ${fmt(r.rate)} | ${ratio} | ${fmt(r.result.records)} |`);
  }
  const table = lines.join('\n');
  console.log(table);

  if (!write) return;
  const section = [
    `In-memory throughput of the Sluice runtime (one core; parallelism 1 unless stated) over ${fmt(events)} generated events with ${fmt(KEYS)} keys,`,
    'beside a hand-written TypeScript loop computing the same result in the same process (the JavaScript limit).',
    'Both read identical events (generated from their index); results are checked to be equal.',
    '',
    `- Machine: ${machineLine()}`,
    `- Command: \`npm run bench:engine\` (\`node benchmarks/engine/run.ts --events ${events} --runs ${runs}\`); best of ${runs} runs each, alternating.`,
    '- (a) `map(e => e.value * 2 + 1)` → `filter(v => v % 3 !== 0)` → sink.',
    '- (b) `forBoundedOutOfOrderness(1 s)` → `keyBy(key)` → `TumblingEventTimeWindows.of(10 s)` → `aggregate(count, ProcessWindowFunction)` → sink;',
    '  events are up to 499 ms out of order, 100 per ms of event time; watermarks every 200 ms of processing time.',
    `- (c) \`keyBy(key)\` from one source subtask to ${KEYED_PARALLELISM} subtasks (key → key group → subtask on every record) → \`map(e => e.value + e.key)\` on the keyed stream → sink;`,
    '  all subtasks run in the one thread, so this measures the exchange and keyed-operator overhead, not parallel speed-up.',
    '',
    table,
    '',
  ].join('\n');
  writeBenchmarkSection('Engine', section);
  console.log('wrote the Engine section of BENCHMARKS.md');
}

await main();
