/**
 * Broker throughput: 1,000,000 messages of 100 bytes produced to and consumed from the embedded
 * broker (in its own process) with librdkafka (kcat) and with @platformatic/kafka, beside raw
 * loopback TCP throughput on the same machine (the ceiling). Writes the `## Broker` section of
 * BENCHMARKS.md. Usage: `npm run bench:broker [-- --messages N]`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { loopbackThroughput } from './loopback.ts';
import { createTopic, endOffsetTotal, kcatConsume, kcatProduce, platformaticConsume, platformaticProduce, timed } from './clients.ts';
import { fmt, machineLine, writeBenchmarkSection } from '../bench-report.ts';

const arg = process.argv.indexOf('--messages');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
const SIZE = 100;
const PARTITIONS = 3;

const { dir, cleanup } = tempDir('sluice-bench-');
const payload = Buffer.alloc(SIZE, 'x');
const file = join(dir, 'messages.txt');
writeFileSync(file, `${'x'.repeat(SIZE)}\n`.repeat(N));

const rows: string[] = [];
const row = (what: string, seconds: number) => {
  const rate = N / seconds;
  const mb = (N * SIZE) / 1e6 / seconds;
  rows.push(`| ${what} | ${fmt(rate)} | ${mb.toFixed(1)} |`);
  console.log(`${what.padEnd(44)} ${fmt(rate).padStart(12)} msg/s ${mb.toFixed(1).padStart(8)} MB/s (${seconds.toFixed(2)} s)`);
};

const loop = await loopbackThroughput(2 * 1024 * 1024 * 1024);
console.log(`raw loopback TCP: ${loop.mbPerSec.toFixed(0)} MB/s`);

const { bootstrap, child } = await spawnBrokerProcess(join(dir, 'data'));
const expectAll = async (topic: string) => {
  const total = await endOffsetTotal(bootstrap, topic);
  if (total !== N) throw new Error(`${topic} holds ${total} messages, expected ${N}`);
};
try {
  for (const topic of ['bench-rdkafka', 'bench-platformatic']) await createTopic(bootstrap, topic, PARTITIONS);
  row('librdkafka (kcat) produce, acks=1', await timed(() => kcatProduce(bootstrap, 'bench-rdkafka', file)));
  await expectAll('bench-rdkafka');
  row('librdkafka (kcat) consume', await timed(() => kcatConsume(bootstrap, 'bench-rdkafka', N)));
  row('@platformatic/kafka produce, acks=1', await timed(() => platformaticProduce(bootstrap, 'bench-platformatic', N, payload)));
  await expectAll('bench-platformatic');
  row('@platformatic/kafka consume', await timed(() => platformaticConsume(bootstrap, 'bench-platformatic', N)));
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  cleanup();
}

writeBenchmarkSection(
  'Broker',
  [
    `${fmt(N)} messages of ${SIZE} bytes (no key, uncompressed) through the embedded broker running in its own process`,
    `(\`sluice broker\`, flush policy \`os\`), one topic of ${PARTITIONS} partitions per client; each client in its own process or in the`,
    'benchmark process. Produce time runs until the client has every acknowledgement; consume time from subscribe to the last message.',
    '',
    `- Machine: ${machineLine()}`,
    '- Command: `npm run bench:broker`',
    `- Raw loopback TCP on the same machine (the ceiling): ${loop.mbPerSec.toFixed(0)} MB/s`,
    '',
    '| client and direction | messages/s | MB/s (payload) |',
    '| --- | ---: | ---: |',
    ...rows,
  ].join('\n'),
);
console.log('wrote the Broker section of BENCHMARKS.md');
