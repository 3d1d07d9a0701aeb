/**
 * The tutorial pipeline (consume, upper-case, produce) Kafka → X → Kafka through the embedded
 * broker (in its own process), where X is the Sluice job, a hand-written @platformatic/kafka loop
 * and a kafkajs loop, each in its own process, on the same broker and the same data:
 *   - throughput over N messages (default 1,000,000) already in the input topic, in 3 rounds in
 *     which the contenders alternate (median and range reported);
 *   - end-to-end latency p50/p99 at a fixed moderate rate (10,000 messages/s for 5 s).
 * Writes the `## Pipeline` section of BENCHMARKS.md. Usage: `npm run bench:pipeline [-- --messages N]`.
 */
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { fmt, machineLine, median, writeBenchmarkSection } from '../bench-report.ts';
import { fill, latency, throughput, type Contender } from './measure.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('--messages', 1_000_000);
const RATE = arg('--rate', 10_000);
const SECONDS = arg('--seconds', 5);
const ROUNDS = arg('--rounds', 3);
const PARTITIONS = 3;

const contenders: Contender[] = [
  { name: 'Sluice job (KafkaSource → map → KafkaSink)', file: './sluice-job.ts' },
  { name: '@platformatic/kafka hand-written loop', file: './platformatic-loop.ts' },
  { name: 'kafkajs loop (eachBatch, one send per batch)', file: './kafkajs-loop.ts' },
];

const { dir, cleanup } = tempDir('sluice-bench-pipeline-');
const { bootstrap, child } = await spawnBrokerProcess(join(dir, 'data'));
const rates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
const lat = new Map<string, { p50: number; p99: number; max: number; received: number }>();
try {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [bootstrap] });
  const topics = ['pipe-in', ...contenders.flatMap((_, i) => [`lat-in-${i}`, `lat-out-${i}`, ...Array.from({ length: ROUNDS }, (_, r) => `pipe-out-${i}-${r}`)])];
  await admin.createTopics({ topics, partitions: PARTITIONS, replicas: 1 });
  await admin.close();
  console.log(`writing ${fmt(N)} messages to pipe-in ...`);
  await fill(bootstrap, 'pipe-in', N);

  for (let r = 0; r < ROUNDS; r++) {
    // Alternate the order so that load from elsewhere falls on every contender alike.
    const order = contenders.map((c, i) => [c, i] as const);
    if (r % 2 === 1) order.reverse();
    for (const [c, i] of order) {
      const t = await throughput(c, bootstrap, 'pipe-in', `pipe-out-${i}-${r}`, N);
      rates.get(c.name)!.push(t.rate);
      console.log(`round ${r + 1}: ${c.name.padEnd(48)} ${fmt(t.rate).padStart(10)} msg/s (${t.seconds.toFixed(2)} s)`);
    }
  }
  for (const [i, c] of contenders.entries()) {
    const l = await latency(c, bootstrap, `lat-in-${i}`, `lat-out-${i}`, RATE, SECONDS);
    console.log(`${c.name.padEnd(48)} latency p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms (${fmt(l.received)} received)`);
    lat.set(c.name, l);
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  cleanup();
}

const med = (c: Contender): number => median(rates.get(c.name)!);
const [sluiceRate, loopRate, kjsRate] = contenders.map(med) as [number, number, number];
const rows = contenders.map((c) => {
  const xs = rates.get(c.name)!;
  const l = lat.get(c.name)!;
  return `| ${c.name} | ${fmt(med(c))} | ${fmt(Math.min(...xs))} – ${fmt(Math.max(...xs))} | ${((med(c) / loopRate) * 100).toFixed(0)}% | ${l.p50.toFixed(1)} | ${l.p99.toFixed(1)} |`;
});
const vsLoop = sluiceRate / loopRate;
const vsKjs = sluiceRate / kjsRate;
console.log(`Sluice = ${(vsLoop * 100).toFixed(0)}% of the @platformatic/kafka loop (target >= 70%), ${vsKjs.toFixed(1)}x kafkajs (target >= 3x)`);

writeBenchmarkSection(
  'Pipeline',
  [
    'The tutorial pipeline, consume → upper-case → produce, Kafka → X → Kafka through the embedded broker running in its own',
    `process (\`sluice broker\`), where X runs in its own process: the Sluice job of \`npm start\` (parallelism 1), a hand-written`,
    '@platformatic/kafka loop (batches what one fetch returns into one send, up to 5 sends in flight) and a kafkajs loop',
    '(`eachBatch`, one awaited `send` per batch). Same broker, same input, same run; every producer uses acks=all.',
    '',
    `- Throughput: ${fmt(N)} messages (\`message <i>\`) already in a ${PARTITIONS}-partition topic, read from the earliest offset; timed from the`,
    `  first to the last record in the output topic (process start-up left out); median of ${ROUNDS} rounds in which the contenders alternate.`,
    `- Latency: ${fmt(RATE)} messages/s for ${SECONDS} s (a batch every 10 ms); end to end from the producer's send to a consumer's`,
    '  receipt of the upper-cased record (the consumer polls with a 5 ms fetch wait).',
    `- Machine: ${machineLine()}`,
    '- Command: `npm run bench:pipeline`',
    '',
    '| pipeline | throughput (msg/s, median) | range | vs. @platformatic/kafka loop | latency p50 (ms) | latency p99 (ms) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Sluice reaches ${(vsLoop * 100).toFixed(0)}% of the hand-written @platformatic/kafka loop (target ≥ 70%) and ${vsKjs.toFixed(1)}× the kafkajs loop (target ≥ 3×).`,
  ].join('\n'),
);
console.log('wrote the Pipeline section of BENCHMARKS.md');
