/**
 * Broker throughput, trustworthy on a shared machine: N messages (default 5,000,000) of 100 bytes
 * per row, produced to and consumed from the embedded broker (in its own process) with librdkafka
 * (kcat) and @platformatic/kafka, median and range of R rounds (default 5) in which the rows
 * alternate, loopback TCP measured in every round (throughput.ts). Then the cost of the resource
 * budgets, two brokers side by side with them on and off, B rounds (default 11; budget-cost.ts).
 * Writes the `## Broker` and `## Broker: cost of the budgets` sections of BENCHMARKS.md.
 * Usage: `npm run bench:broker [-- --messages N --rounds R --budget-rounds B --only throughput|budgets]`.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { measureThroughput } from './throughput.ts';
import { measureBudgetCost } from './budget-cost.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const messages = arg('--messages', 5_000_000);
const size = 100;
const load = loadavg()[0]!.toFixed(1);
const { dir, cleanup } = tempDir('sluice-bench-');
const file = join(dir, 'messages.txt');
writeFileSync(file, `${'x'.repeat(size)}\n`.repeat(messages));
const workload = { messages, size, partitions: 3, file, payload: Buffer.alloc(size, 'x') };
try {
  if (only !== 'budgets') await measureThroughput(dir, workload, arg('--rounds', 5), load);
  if (only !== 'throughput') await measureBudgetCost(dir, workload, arg('--budget-rounds', 11), load);
} finally {
  cleanup();
}
console.log('wrote the Broker sections of BENCHMARKS.md');
process.exit(0);
