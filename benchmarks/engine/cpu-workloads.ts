/**
 * CPU-seconds per million events of the `bench:engine` workloads of one checkout, in this
 * process (after a warm-up): the figure `benchmarks/nexmark/compare-checkouts.ts` sets side by
 * side for two checkouts. Prints one JSON line { workload: CPU-s per M events }.
 *
 *   node benchmarks/engine/cpu-workloads.ts CHECKOUT_DIR [EVENTS]
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Result } from './workloads.ts';

type Workload = (n: number) => Promise<Result>;
const [dir = '.', eventsArg = '2000000'] = process.argv.slice(2);
const events = Number(eventsArg);
const w = (await import(pathToFileURL(join(resolve(dir), 'benchmarks/engine/workloads.ts')).href)) as Record<string, Workload>;
const workloads: Array<[string, Workload]> = [['(a) map-filter', w.engineMapFilter!], ['(b) window count', w.engineWindowCount!], ['(c) keyed exchange', w.engineKeyedExchange!]];
for (const [, run] of workloads) await run(Math.min(events, 300_000)); // JIT warm-up
const out: Record<string, number> = {};
for (const [name, run] of workloads) {
  const cpu0 = process.cpuUsage();
  await run(events);
  const cpu = process.cpuUsage(cpu0);
  out[name] = ((cpu.user + cpu.system) / 1e6) * (1e6 / events);
}
console.log(JSON.stringify(out));
