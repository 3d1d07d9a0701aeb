/**
 * `npm run bench:metrics` — what recording metrics costs, before the runtime is wired to them:
 *
 * (1) the per-batch calls a task makes (activity changes with a clock read, counter adds on the
 *     task, two operators and a split), in ns per batch and per record at a batch of 500;
 * (2) a per-record counter increment inside the engine benchmark's map → filter loop, with and
 *     without it (medians of alternating rounds): the worst case, if the runtime counted operator
 *     records one by one;
 * (3) one scrape of a worker registry with 64 tasks, 3 operators each, 2 splits per source.
 *
 *   node benchmarks/metrics/run.ts [--rounds R] [--no-write]
 */
import { performance } from 'node:perf_hooks';
import { fmt, machineLine, median, writeBenchmarkSection } from '../bench-report.ts';
import { WorkerMetrics } from '../../src/metrics/worker-metrics.ts';
import { makeEvent } from '../engine/workloads.ts';
import { systemClock } from '../../src/util/clock.ts';

const argv = process.argv.slice(2);
const rounds = argv.includes('--rounds') ? Number(argv[argv.indexOf('--rounds') + 1]) : 11;
if (!(rounds >= 1)) throw new Error('--rounds must be >= 1');
const write = !argv.includes('--no-write');
const BATCH = 500;
const EVENTS = 5_000_000;

const range = (xs: number[], f: (x: number) => string) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;

// (1) per-batch recording ------------------------------------------------------------------------
function perBatch(): number {
  const wm = new WorkerMetrics({ jobId: 'bench', workerId: 'w' });
  const task = wm.addTask({ taskId: '0', taskName: 'Source -> Map', subtask: 0 });
  const src = task.addOperator({ uid: 'src', name: 'Source' }, systemClock.now());
  const map = task.addOperator({ uid: 'map', name: 'Map' }, systemClock.now());
  const split = src.addSplit({ splitId: 't-0', topic: 't', partition: 0 });
  const batches = 2_000_000;
  const t0 = performance.now();
  for (let i = 0; i < batches; i++) {
    task.activity('busy', systemClock.now());
    task.numRecordsIn += BATCH;
    task.numRecordsOut += BATCH;
    src.numRecordsOut += BATCH;
    map.numRecordsIn += BATCH;
    map.numRecordsOut += BATCH;
    split.currentOffset += BATCH;
    task.activity('idle', systemClock.now());
  }
  const ns = ((performance.now() - t0) * 1e6) / batches;
  if (task.numRecordsIn !== batches * BATCH) throw new Error('lost counts');
  return ns;
}

// (2) a counter increment per record in the map → filter loop -------------------------------------
function loop(counted: boolean): { seconds: number; checksum: number } {
  const op = new WorkerMetrics({ jobId: 'bench', workerId: 'w' }).addTask({ taskId: '0', taskName: 't', subtask: 0 }).addOperator({ uid: 'm', name: 'm' }, 0);
  let checksum = 0;
  // CPU time, not wall time: the machine is shared, and a descheduled round must not count.
  const t0 = process.cpuUsage();
  for (let i = 0; i < EVENTS; i++) {
    const e = makeEvent(i);
    const v = e.value * 2 + 1;
    if (counted) op.numRecordsIn++;
    if (v % 3 !== 0) {
      if (counted) op.numRecordsOut++;
      checksum = (checksum + v) % 1_000_000_007;
    }
  }
  const used = process.cpuUsage(t0);
  const seconds = (used.user + used.system) / 1e6;
  if (counted && op.numRecordsIn !== EVENTS) throw new Error('lost counts');
  return { seconds, checksum };
}

// (3) scrape ---------------------------------------------------------------------------------------
async function scrape(): Promise<{ ms: number; bytes: number; series: number }> {
  const wm = new WorkerMetrics({ jobId: 'bench', workerId: 'w' });
  for (let t = 0; t < 64; t++) {
    const task = wm.addTask({ taskId: String(t % 4), taskName: `Stage ${t % 4}`, subtask: Math.floor(t / 4) });
    for (let o = 0; o < 3; o++) {
      const op = task.addOperator({ uid: `op-${t % 4}-${o}`, name: `Op ${o}` }, 0);
      if (o === 0) for (let s = 0; s < 2; s++) op.addSplit({ splitId: `in-${t}-${s}`, topic: 'in', partition: t * 2 + s }).currentOffset = 1;
    }
  }
  wm.tick();
  await wm.registry.metrics();
  const times: number[] = [];
  let text = '';
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    text = await wm.registry.metrics();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), bytes: text.length, series: text.split('\n').filter((l) => l && !l.startsWith('#')).length };
}

async function main(): Promise<void> {
  perBatch();
  loop(false);
  loop(true);
  const batchNs: number[] = [];
  const off: number[] = [];
  const on: number[] = [];
  for (let r = 0; r < rounds; r++) {
    batchNs.push(perBatch());
    const a = loop(false);
    const b = loop(true);
    if (a.checksum !== b.checksum) throw new Error('results differ');
    off.push(a.seconds);
    on.push(b.seconds);
  }
  const ratios = off.map((s, i) => on[i]! / s - 1);
  const sc = await scrape();
  const nsPerRecordOff = (median(off) * 1e9) / EVENTS;
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const body = `What recording metrics costs, measured on the recording primitives themselves: the runtime is not wired to them yet,
so the side-by-side \`bench:engine\` / \`bench:pipeline\` figures with metrics off and on come with that wiring.

- Machine: ${machineLine()}
- Command: \`npm run bench:metrics\` (\`node benchmarks/metrics/run.ts --rounds ${rounds}\`); medians of ${rounds} alternating rounds, with their range.

| Measure | Median | Range |
|---|---:|---:|
| (1) per-batch recording: 2 activity changes (2 clock reads), 6 counter adds | ${median(batchNs).toFixed(1)} ns per batch | ${range(batchNs, (x) => x.toFixed(1))} ns |
| (1) the same, per record at a batch of ${BATCH} | ${(median(batchNs) / BATCH).toFixed(3)} ns | |
| (2) map → filter loop over ${fmt(EVENTS)} events, no counter | ${nsPerRecordOff.toFixed(1)} CPU-ns per record | ${range(off.map((s) => (s * 1e9) / EVENTS), (x) => x.toFixed(1))} ns |
| (2) the same with an operator counter bumped per record in and out | ${((median(on) * 1e9) / EVENTS).toFixed(1)} CPU-ns per record (${pct(median(ratios))}) | ${range(ratios, pct)} |
| (3) one scrape: 64 tasks × 3 operators, 128 splits (${fmt(sc.series)} series, ${fmt(sc.bytes)} bytes) | ${sc.ms.toFixed(2)} ms | |

Per-batch recording is what the runtime is meant to do (\`src/metrics\`: plain fields, read at scrape time); (2) is the bound
if it counted every record of every operator instead — against the engine's own per-record cost (about twice the loop's,
see Engine) the share halves.`;
  console.log(body);
  if (write) writeBenchmarkSection('Metrics recording', body);
}

await main();
