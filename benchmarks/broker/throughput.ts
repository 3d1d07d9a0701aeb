import { join } from 'node:path';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { loopbackThroughput } from './loopback.ts';
import { produceConsume, type Workload } from './produce-consume.ts';
import { summarize } from './stats.ts';
import { fmt, machineLine, writeBenchmarkSection } from '../bench-report.ts';

/**
 * Throughput per client and direction through one broker process with its default budgets: an
 * unmeasured warm-up, then `rounds` rounds that each measure loopback TCP and run every row, the
 * clients' order reversing from round to round. Writes the `## Broker` section.
 */
export async function measureThroughput(dir: string, w: Workload, rounds: number, load: string): Promise<void> {
  const rates = new Map<string, number[]>();
  const loopback: number[] = [];
  const record = (name: string, seconds: number) => {
    rates.set(name, [...(rates.get(name) ?? []), w.messages / seconds]);
    console.log(`${name.padEnd(40)} ${fmt(w.messages / seconds).padStart(12)} msg/s (${seconds.toFixed(2)} s)`);
  };
  const broker = await spawnBrokerProcess(join(dir, 'throughput'));
  try {
    await produceConsume(broker.bootstrap, 'kcat', w); // warm-up
    const clients: Array<'kcat' | 'platformatic'> = ['kcat', 'platformatic'];
    for (let r = 0; r < rounds; r++) {
      const lb = await loopbackThroughput(2 * 1024 * 1024 * 1024);
      loopback.push(lb.mbPerSec);
      console.log(`round ${r + 1}: loopback ${lb.mbPerSec.toFixed(0)} MB/s`);
      for (const client of r % 2 === 0 ? clients : [...clients].reverse()) {
        const [p, c] = await produceConsume(broker.bootstrap, client, w);
        const label = client === 'kcat' ? 'librdkafka (kcat)' : '@platformatic/kafka';
        record(`${label} produce, acks=1`, p);
        record(`${label} consume`, c);
      }
    }
  } finally {
    broker.child.kill('SIGTERM');
    await new Promise((r) => broker.child.once('exit', r));
  }
  const lb = summarize(loopback);
  const rows = [...rates].map(([name, xs]) => {
    const s = summarize(xs);
    return `| ${name} | ${fmt(s.median)} | ${fmt(s.min)} – ${fmt(s.max)} | ${((s.median * w.size) / 1e6).toFixed(1)} |`;
  });
  writeBenchmarkSection(
    'Broker',
    [
      `${fmt(w.messages)} messages of ${w.size} bytes (no key, uncompressed) per row through the embedded broker running in its own process`,
      `(\`sluice broker\`, default budgets, flush policy \`os\`), a fresh topic of ${w.partitions} partitions per row; kcat in its own process,`,
      '@platformatic/kafka in the benchmark process. Produce time runs until the client has every acknowledgement; consume time from',
      `subscribe to the last message. One unmeasured warm-up, then ${rounds} rounds; every round runs every row, the clients' order`,
      'reversing from round to round, and measures raw loopback TCP (2 GiB) first. Median and range over the rounds.',
      '',
      `- Machine: ${machineLine()}; 1-minute load average ${load} when the run started (a shared machine: read the ranges)`,
      '- Command: `npm run bench:broker`',
      `- Raw loopback TCP on the same machine, same run (the ceiling): median ${lb.median.toFixed(0)} MB/s (range ${lb.min.toFixed(0)} – ${lb.max.toFixed(0)})`,
      '',
      '| client and direction | messages/s (median) | range | MB/s (payload) |',
      '| --- | ---: | ---: | ---: |',
      ...rows,
    ].join('\n'),
  );
}
