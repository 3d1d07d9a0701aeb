/**
 * Broker throughput, trustworthy on a shared machine: N messages (default 5,000,000) of 100 bytes
 * per row, produced to and consumed from the embedded broker (in its own process) with librdkafka
 * (kcat) and @platformatic/kafka; every round runs every row, the order rotating from round to
 * round, and raw loopback TCP is measured in each round too. Then the cost of the resource
 * budgets: two brokers side by side, one with Sluice's default budgets and one with them
 * effectively off, rows alternating for --budget-rounds rounds; the broker's CPU seconds per
 * million messages are reported beside the rates. Writes the `## Broker` and
 * `## Broker: cost of the budgets` sections of BENCHMARKS.md.
 * Usage: `npm run bench:broker [-- --messages N --rounds R --budget-rounds B]`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { loopbackThroughput } from './loopback.ts';
import { createTopic, deleteTopic, endOffsetTotal, kcatConsume, kcatProduce, platformaticConsume, platformaticProduce, timed } from './clients.ts';
import { cpuSeconds, summarize } from './stats.ts';
import { fmt, machineLine, writeBenchmarkSection } from '../bench-report.ts';
import { loadavg } from 'node:os';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('--messages', 5_000_000);
const ROUNDS = arg('--rounds', 5);
const BUDGET_ROUNDS = arg('--budget-rounds', 7);
const SIZE = 100;
const PARTITIONS = 3;
const load = loadavg()[0]!.toFixed(1);

const { dir, cleanup } = tempDir('sluice-bench-');
const payload = Buffer.alloc(SIZE, 'x');
const file = join(dir, 'messages.txt');
writeFileSync(file, `${'x'.repeat(SIZE)}\n`.repeat(N));

type Row = { name: string; run: (bootstrap: string, topic: string) => Promise<number> };
let topics = 0;
const expectAll = async (bootstrap: string, topic: string) => {
  const total = await endOffsetTotal(bootstrap, topic);
  if (total !== N) throw new Error(`${topic} holds ${total} messages, expected ${N}`);
};
/** Produce then consume one fresh topic with one client; returns [produce s, consume s]. */
async function produceConsume(bootstrap: string, client: 'kcat' | 'platformatic'): Promise<[number, number]> {
  const topic = `bench-${client}-${++topics}`;
  await createTopic(bootstrap, topic, PARTITIONS);
  const produce = await timed(() => (client === 'kcat' ? kcatProduce(bootstrap, topic, file) : platformaticProduce(bootstrap, topic, N, payload)));
  await expectAll(bootstrap, topic);
  const consume = await timed(() => (client === 'kcat' ? kcatConsume(bootstrap, topic, N) : platformaticConsume(bootstrap, topic, N)));
  await deleteTopic(bootstrap, topic);
  return [produce, consume];
}

// ---- part 1: throughput per client ----
const rates = new Map<string, number[]>();
const loopback: number[] = [];
const record = (name: string, seconds: number) => {
  rates.set(name, [...(rates.get(name) ?? []), N / seconds]);
  console.log(`${name.padEnd(40)} ${fmt(N / seconds).padStart(12)} msg/s (${seconds.toFixed(2)} s)`);
};
const broker = await spawnBrokerProcess(join(dir, 'data'));
try {
  await produceConsume(broker.bootstrap, 'kcat'); // warm-up, unmeasured
  const clients: Array<'kcat' | 'platformatic'> = ['kcat', 'platformatic'];
  for (let r = 0; r < ROUNDS; r++) {
    const lb = await loopbackThroughput(2 * 1024 * 1024 * 1024);
    loopback.push(lb.mbPerSec);
    console.log(`round ${r + 1}: loopback ${lb.mbPerSec.toFixed(0)} MB/s`);
    for (const client of r % 2 === 0 ? clients : [...clients].reverse()) {
      const [p, c] = await produceConsume(broker.bootstrap, client);
      const label = client === 'kcat' ? 'librdkafka (kcat)' : '@platformatic/kafka';
      record(`${label} produce, acks=1`, p);
      record(`${label} consume`, c);
    }
  }
} finally {
  broker.child.kill('SIGTERM');
  await new Promise((r) => broker.child.once('exit', r));
}

// ---- part 2: the budgets' cost, two brokers side by side ----
const OFF = [
  '--queued-max-request-bytes', '-1', '--max-connections', '2147483647', '--max-connections-per-ip', '2147483647',
  '--fetch-max-bytes', '2147483647', '--socket-request-max-bytes', '2147483647', '--request-read-timeout-ms', '2147483647',
  '--max-partitions', '2147483647', '--max-open-segment-files', '1000000',
];
const brokers = { on: await spawnBrokerProcess(join(dir, 'on')), off: await spawnBrokerProcess(join(dir, 'off'), OFF) };
const budget = new Map<string, { rates: number[]; cpu: number[] }>();
const add = (key: string, rate: number, cpuPerMillion: number) => {
  const e = budget.get(key) ?? { rates: [], cpu: [] };
  e.rates.push(rate);
  e.cpu.push(cpuPerMillion);
  budget.set(key, e);
};
try {
  for (const b of Object.values(brokers)) await produceConsume(b.bootstrap, 'kcat'); // warm-up
  for (let r = 0; r < BUDGET_ROUNDS; r++) {
    for (const which of r % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
      const b = brokers[which];
      const topic = `budget-${which}-${++topics}`;
      await createTopic(b.bootstrap, topic, PARTITIONS);
      let cpu = cpuSeconds(b.child.pid!);
      const p = await timed(() => kcatProduce(b.bootstrap, topic, file));
      add(`${which}\u0000produce`, N / p, ((cpuSeconds(b.child.pid!) - cpu) * 1e6) / N);
      await expectAll(b.bootstrap, topic);
      cpu = cpuSeconds(b.child.pid!);
      const c = await timed(() => kcatConsume(b.bootstrap, topic, N));
      add(`${which}\u0000consume`, N / c, ((cpuSeconds(b.child.pid!) - cpu) * 1e6) / N);
      await deleteTopic(b.bootstrap, topic);
      console.log(`budget round ${r + 1} ${which}: produce ${fmt(N / p)} msg/s, consume ${fmt(N / c)} msg/s`);
    }
  }
} finally {
  for (const b of Object.values(brokers)) {
    b.child.kill('SIGTERM');
    await new Promise((r) => b.child.once('exit', r));
  }
  cleanup();
}

const lb = summarize(loopback);
const rows = [...rates].map(([name, xs]) => {
  const s = summarize(xs);
  return `| ${name} | ${fmt(s.median)} | ${fmt(s.min)} – ${fmt(s.max)} | ${((s.median * SIZE) / 1e6).toFixed(1)} |`;
});
writeBenchmarkSection(
  'Broker',
  [
    `${fmt(N)} messages of ${SIZE} bytes (no key, uncompressed) per row through the embedded broker running in its own process`,
    `(\`sluice broker\`, default budgets, flush policy \`os\`), a fresh topic of ${PARTITIONS} partitions per row; kcat in its own process,`,
    '@platformatic/kafka in the benchmark process. Produce time runs until the client has every acknowledgement; consume time from',
    `subscribe to the last message. One unmeasured warm-up, then ${ROUNDS} rounds; every round runs every row, the clients' order`,
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
const cost = (['produce', 'consume'] as const).map((dirn) => {
  const on = budget.get(`on\u0000${dirn}`)!;
  const off = budget.get(`off\u0000${dirn}`)!;
  const [ron, roff, con, coff] = [summarize(on.rates), summarize(off.rates), summarize(on.cpu), summarize(off.cpu)];
  return `| librdkafka (kcat) ${dirn} | ${fmt(ron.median)} (${fmt(ron.min)} – ${fmt(ron.max)}) | ${fmt(roff.median)} (${fmt(roff.min)} – ${fmt(roff.max)}) | ${((ron.median / roff.median - 1) * 100).toFixed(1)}% | ${con.median.toFixed(2)} (${con.min.toFixed(2)} – ${con.max.toFixed(2)}) | ${coff.median.toFixed(2)} (${coff.min.toFixed(2)} – ${coff.max.toFixed(2)}) | ${((con.median / coff.median - 1) * 100).toFixed(1)}% |`;
});
writeBenchmarkSection(
  'Broker: cost of the budgets',
  [
    `Two brokers in their own processes, side by side in one run: one with Sluice's default budgets (queued.max.request.bytes 256 MiB,`,
    'max.connections and max.connections.per.ip 1000, fetch.max.bytes 55 MiB, socket.request.max.bytes 100 MiB, sluice.request.read.timeout.ms',
    '30 s, sluice.max.partitions 50,000, 1,000 open segment files) and one with every budget effectively off (-1 or 2^31-1).',
    `${fmt(N)} messages of ${SIZE} bytes produced and consumed with kcat per row, ${BUDGET_ROUNDS} rounds, the two brokers alternating first.`,
    'Rates are medians (range); CPU is the broker process\'s user + system seconds per million messages, from /proc, which a busy',
    'neighbour on the machine disturbs less than wall-clock rates.',
    '',
    `- Machine: ${machineLine()}; 1-minute load average ${load} when the run started`,
    '- Command: `npm run bench:broker`',
    '',
    '| client and direction | budgets on, msg/s | budgets off, msg/s | rate difference | budgets on, CPU s / M msgs | budgets off, CPU s / M msgs | CPU difference |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...cost,
  ].join('\n'),
);
console.log('wrote the Broker sections of BENCHMARKS.md');
process.exit(0);
