/**
 * The machine's own ceiling for the scaling benchmark: the job's per-record computation alone
 * (`burn`, the same int32 hashing as `scaling-job.ts`), no Sluice, no Kafka, in 1 and in 2
 * worker threads at once, each thread doing a fixed number of rounds. Throughput 2 threads / 1
 * thread is the best any 1 → 2 workers ratio can be on this machine right now (below 2× when the
 * two virtual cores share a physical core, or other processes use them).
 * Usage: `node benchmarks/scaling/cpu-ceiling.ts [--seconds S]`; `measureCeiling()` from run.ts.
 */
import { Worker } from 'node:worker_threads';

const BODY = `
const { parentPort, workerData } = require('node:worker_threads');
function burn(seed, work) {
  let h = seed | 0;
  for (let i = 0; i < work; i++) h = (Math.imul(h ^ (h >>> 13), 0x5bd1e995) + i) | 0;
  return h;
}
let x = 0;
burn(1, 1e6); // warm-up: optimized before the clock starts
const cpu0 = process.threadCpuUsage();
for (let r = 0; r < workerData.records; r++) x ^= burn(r, workerData.work);
const cpu = process.threadCpuUsage(cpu0);
parentPort.postMessage({ cpu: (cpu.user + cpu.system) / 1e6, x });
`;

/** Wall seconds of `threads` threads each hashing `records` records, and the CPU seconds per record of each thread (mean). */
async function runThreads(threads: number, records: number, work: number): Promise<{ seconds: number; cpuPerRecord: number }> {
  const started = process.hrtime.bigint();
  const cpus = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(BODY, { eval: true, workerData: { records, work } });
          w.once('message', (m: { cpu: number }) => resolve(m.cpu));
          w.once('error', reject);
        }),
    ),
  );
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, cpuPerRecord: cpus.reduce((a, b) => a + b, 0) / threads / records };
}

/**
 * Records per second of `burn(work)` with 1 thread and with 2 threads (same records per thread),
 * their ratio, how much more CPU time a record takes when 2 threads run at once (> 1 when the
 * two cores slow each other down, not only share their time with other processes), and the CPU
 * seconds per record with 1 thread (measured over the whole run: per-call CPU clocks are too
 * coarse for calls this short).
 */
export async function measureCeiling(work: number, seconds = 3): Promise<{ one: number; two: number; ratio: number; cpuRatio: number; cpuPerRecord: number }> {
  // Size the run from a short probe so that one thread takes about `seconds`.
  const probe = await runThreads(1, 2_000, work);
  const records = Math.max(2_000, Math.round((2_000 * seconds) / probe.seconds));
  const single = await runThreads(1, records, work);
  const double = await runThreads(2, records, work);
  const one = records / single.seconds;
  const two = (2 * records) / double.seconds;
  return { one, two, ratio: two / one, cpuRatio: double.cpuPerRecord / single.cpuPerRecord, cpuPerRecord: single.cpuPerRecord };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--seconds');
  const c = await measureCeiling(20_000, i > 0 ? Number(process.argv[i + 1]) : 3);
  console.log(`burn(20000): 1 thread ${Math.round(c.one)} records/s, 2 threads ${Math.round(c.two)} records/s: ${c.ratio.toFixed(2)}×; CPU per record with 2 threads ${c.cpuRatio.toFixed(2)}× that with 1`);
}
