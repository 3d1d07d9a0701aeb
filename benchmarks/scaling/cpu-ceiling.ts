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
const started = Date.now();
for (let r = 0; r < workerData.records; r++) x ^= burn(r, workerData.work);
parentPort.postMessage({ seconds: (Date.now() - started) / 1000, x });
`;

function runThreads(threads: number, records: number, work: number): Promise<number> {
  const started = process.hrtime.bigint();
  return Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(BODY, { eval: true, workerData: { records, work } });
          w.once('message', () => resolve());
          w.once('error', reject);
        }),
    ),
  ).then(() => Number(process.hrtime.bigint() - started) / 1e9);
}

/** Records per second of `burn(work)` with 1 thread and with 2 threads (same records per thread), and their ratio. */
export async function measureCeiling(work: number, seconds = 3): Promise<{ one: number; two: number; ratio: number }> {
  // Size the run from a short probe so that one thread takes about `seconds`.
  const probe = await runThreads(1, 2_000, work);
  const records = Math.max(2_000, Math.round((2_000 * seconds) / probe));
  const one = records / (await runThreads(1, records, work));
  const two = (2 * records) / (await runThreads(2, records, work));
  return { one, two, ratio: two / one };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--seconds');
  const c = await measureCeiling(20_000, i > 0 ? Number(process.argv[i + 1]) : 3);
  console.log(`burn(20000): 1 thread ${Math.round(c.one)} records/s, 2 threads ${Math.round(c.two)} records/s: ${c.ratio.toFixed(2)}×`);
}
