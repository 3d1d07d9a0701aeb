/**
 * One round of `npm run bench:metrics-overhead`, in one process: every side (a checkout and a
 * SLUICE_METRICS setting) runs each `bench:engine` workload once, in the order given, after all
 * sides were warmed up; prints one JSON line { side: { workload: CPU-s per M events } }.
 * Sides in one process share the machine's state of the moment, so their ratio is paired; the
 * driver rotates the order from round to round. Every side must compute the same result.
 *
 *   node benchmarks/metrics/overhead-round.ts SIDES_JSON   ([{ name, dir, metrics: 'on' | 'off' }, ...], { workload: events })
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Result } from '../engine/workloads.ts';
import { WORKLOADS, type RoundSide, type WorkloadName } from './overhead-workloads.ts';

type Workload = (n: number) => Promise<Result>;

const [sidesJson = '[]', eventsJson = '{}'] = process.argv.slice(2);
const sides = JSON.parse(sidesJson) as RoundSide[];
const events = JSON.parse(eventsJson) as Record<WorkloadName, number>;
const modules = new Map<string, Record<string, Workload>>();
for (const s of sides) {
  if (!modules.has(s.dir)) modules.set(s.dir, (await import(pathToFileURL(join(resolve(s.dir), 'benchmarks/engine/workloads.ts')).href)) as Record<string, Workload>);
}
const run = (s: RoundSide, w: WorkloadName, n: number): Promise<Result> => {
  // The worker reads SLUICE_METRICS when a job starts.
  process.env.SLUICE_METRICS = s.metrics;
  return modules.get(s.dir)![WORKLOADS[w]]!(n);
};

const names = Object.keys(WORKLOADS) as WorkloadName[];
for (const s of sides) for (const w of names) await run(s, w, Math.min(events[w], 300_000)); // JIT warm-up
const out: Record<string, Record<string, number>> = Object.fromEntries(sides.map((s) => [s.name, {}]));
for (const w of names) {
  let expected: Result | undefined;
  for (const s of sides) {
    // No forced GC between runs: after a full GC V8 shrinks the young generation, and the next
    // (allocating) run then slows down by up to 2× — rotating the order evens out inherited garbage.
    const cpu0 = process.cpuUsage();
    const result = await run(s, w, events[w]);
    const cpu = process.cpuUsage(cpu0);
    out[s.name]![w] = ((cpu.user + cpu.system) / 1e6) * (1e6 / events[w]);
    expected ??= result;
    if (result.records !== expected.records || result.checksum !== expected.checksum) {
      throw new Error(`${w}: ${s.name} computed ${JSON.stringify(result)}, ${sides[0]!.name} ${JSON.stringify(expected)}`);
    }
  }
}
console.log(JSON.stringify(out));
