/**
 * The cost of idempotence and transactions on produce throughput: 500,000 messages of 100 bytes
 * produced to the embedded broker (in its own process) by a plain, an idempotent and a
 * transactional producer committing every 100 ms, side by side in one run, with @platformatic/kafka
 * (in this process) and with librdkafka (confluent-kafka-python, in its own process). Writes the
 * `## Broker: idempotence and transactions` section of BENCHMARKS.md.
 * Usage: `npm run bench:txn [-- --messages N]`.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { Producer, ProduceAcks } from '@platformatic/kafka';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { createTopic, timed } from './clients.ts';
import { fmt, machineLine, writeBenchmarkSection } from '../bench-report.ts';

const arg = process.argv.indexOf('--messages');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 500_000;
const SIZE = 100;
const PARTITIONS = 3;
const BATCH = 1000; // messages per platformatic send()
const IN_FLIGHT = 16; // outstanding send() calls
const COMMIT_EVERY_MS = 100;
const ROUNDS = 5; // median of five, every row alternating within each round

type Mode = 'plain' | 'idempotent' | 'transactional';
const payload = Buffer.alloc(SIZE, 'x');

/** @platformatic/kafka: BATCH-message sends, IN_FLIGHT outstanding; returns transactions committed. */
async function platformatic(bootstrap: string, topic: string, mode: Mode, count = N): Promise<{ commits: number; seconds: number }> {
  let commits = 0;
  const seconds = await timed(async () => {
    commits = await platformaticRun(bootstrap, topic, mode, count);
  });
  return { commits, seconds };
}

async function platformaticRun(bootstrap: string, topic: string, mode: Mode, N: number): Promise<number> {
  const producer = new Producer({
    clientId: `bench-${mode}`,
    bootstrapBrokers: [bootstrap],
    // Idempotence makes platformatic use acks=all and one request in flight per connection.
    acks: ProduceAcks.ALL,
    ...(mode !== 'plain' ? { idempotent: true } : {}),
    ...(mode === 'transactional' ? { transactionalId: `bench-${Date.now()}`, producerId: -1n, producerEpoch: -1 } : {}),
  });
  let commits = 0;
  try {
    let tx = mode === 'transactional' ? await producer.beginTransaction() : null;
    let txStart = Date.now();
    const inFlight = new Set<Promise<unknown>>();
    for (let sent = 0; sent < N; sent += BATCH) {
      const messages = Array.from({ length: Math.min(BATCH, N - sent) }, () => ({ topic, value: payload }));
      const p: Promise<unknown> = (tx ? tx.send({ messages }) : producer.send({ messages })).then(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
      if (tx && Date.now() - txStart >= COMMIT_EVERY_MS) {
        await Promise.all(inFlight);
        await tx.commit();
        commits++;
        tx = await producer.beginTransaction();
        txStart = Date.now();
      }
    }
    await Promise.all(inFlight);
    if (tx) {
      await tx.commit();
      commits++;
    }
  } finally {
    await producer.close();
  }
  return commits;
}

// librdkafka through confluent-kafka-python: the same three modes; prints the commits made.
const RDKAFKA = `
import sys, time
from confluent_kafka import Producer
bootstrap, topic, mode, n, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
conf = {"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5, "batch.num.messages": 10000,
        "queue.buffering.max.messages": 1000000, "queue.buffering.max.kbytes": 2097151}
if mode != "plain":
    conf["enable.idempotence"] = True
if mode == "transactional":
    conf["transactional.id"] = f"bench-rd-{time.time()}"
p = Producer(conf)
value = b"x" * size
commits = 0
p.list_topics(topic, timeout=10)  # topic metadata up front, else the first produce waits ~1 s for it
if mode == "transactional":
    p.init_transactions(30)
    p.begin_transaction()
t0 = time.monotonic()
start = t0
for i in range(n):
    while True:
        try:
            p.produce(topic, value)
            break
        except BufferError:
            p.poll(0.001)
    if i % 1000 == 0:
        p.poll(0)
        if mode == "transactional" and time.monotonic() - start >= ${COMMIT_EVERY_MS / 1000}:
            p.commit_transaction(30)
            commits += 1
            p.begin_transaction()
            start = time.monotonic()
if mode == "transactional":
    p.commit_transaction(30)
    commits += 1
assert p.flush(60) == 0
print(commits, time.monotonic() - t0)
`;

/** Runs the librdkafka producer; its own clock starts after the client is set up (not the interpreter). */
function rdkafka(bootstrap: string, topic: string, mode: Mode, count = N): Promise<{ commits: number; seconds: number }> {
  return new Promise((resolve, reject) =>
    execFile('/usr/bin/python3', ['-c', RDKAFKA, bootstrap, topic, mode, String(count), String(SIZE)], { timeout: 600_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`librdkafka ${mode}: ${err.message}\n${stderr.slice(-2000)}`));
      const [commits, seconds] = stdout.trim().split(/\s+/).map(Number);
      resolve({ commits: commits!, seconds: seconds! });
    }),
  );
}

/** Sum over partitions of the high watermark and of the last stable offset. */
async function ends(bootstrap: string, topic: string): Promise<{ high: number; stable: number }> {
  const { Consumer } = await import('@platformatic/kafka');
  const c = new Consumer({ clientId: 'bench-ends', groupId: 'bench-ends', bootstrapBrokers: [bootstrap] });
  try {
    const sum = async (isolationLevel: number) =>
      (await c.listOffsets({ topics: [topic], isolationLevel })).get(topic)!.reduce((s, o) => s + Number(o), 0);
    return { high: await sum(0), stable: await sum(1) };
  } finally {
    await c.close(true);
  }
}

const loadAtStart = loadavg()[0]!;
const { dir, cleanup } = tempDir('sluice-bench-txn-');
const { bootstrap, child } = await spawnBrokerProcess(join(dir, 'data'));
const rows: string[] = [];
try {
  // Warm-up (JIT, page cache, connections), not measured.
  await createTopic(bootstrap, 'bench-warmup', PARTITIONS);
  await platformatic(bootstrap, 'bench-warmup', 'plain', Math.min(N, 100_000));
  await rdkafka(bootstrap, 'bench-warmup', 'plain', Math.min(N, 100_000));
  const clients = [['@platformatic/kafka', platformatic], ['librdkafka (confluent-kafka-python)', rdkafka]] as const;
  const modes = ['plain', 'idempotent', 'transactional'] as const;
  const runs = new Map<string, Array<{ rate: number; commits: number }>>();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [client, run] of clients) {
      for (const mode of modes) {
        const topic = `bench-${client.startsWith('@') ? 'plt' : 'rd'}-${mode}-${round}`;
        await createTopic(bootstrap, topic, PARTITIONS);
        const { commits, seconds } = await run(bootstrap, topic, mode);
        const { high, stable } = await ends(bootstrap, topic);
        // Every message landed once; a transaction adds one marker per partition it wrote.
        if (high - N < 0 || high - N > commits * PARTITIONS || stable !== high) {
          throw new Error(`${topic}: high watermark ${high}, last stable ${stable}, for ${N} messages and ${commits} commits`);
        }
        const rate = N / seconds;
        console.log(`round ${round} ${client.padEnd(36)} ${mode.padEnd(14)} ${fmt(rate).padStart(10)} msg/s (${seconds.toFixed(2)} s, ${commits} transactions)`);
        const key = `${client}\u0000${mode}`;
        runs.set(key, [...(runs.get(key) ?? []), { rate, commits }]);
      }
    }
  }
  /** The median run by rate, and the range. */
  const summary = (key: string) => {
    const sorted = [...runs.get(key)!].sort((a, b) => a.rate - b.rate);
    return { median: sorted[sorted.length >> 1]!, min: sorted[0]!.rate, max: sorted[sorted.length - 1]!.rate };
  };
  for (const [client] of clients) {
    const base = summary(`${client}\u0000plain`).median.rate;
    for (const mode of modes) {
      const { median, min, max } = summary(`${client}\u0000${mode}`);
      const what = mode === 'transactional' ? `transactional, commit every ${COMMIT_EVERY_MS} ms (~${median.commits} transactions)` : mode;
      rows.push(
        `| ${client} | ${what} | ${fmt(median.rate)} | ${fmt(min)} – ${fmt(max)} | ${((median.rate * SIZE) / 1e6).toFixed(1)} | ${mode === 'plain' ? '1.00' : (median.rate / base).toFixed(2)} |`,
      );
    }
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  cleanup();
}

writeBenchmarkSection(
  'Broker: idempotence and transactions',
  [
    `${fmt(N)} messages of ${SIZE} bytes (no key, uncompressed) produced to one topic of ${PARTITIONS} partitions per row, all rows`,
    'in one run against the same embedded broker in its own process (`sluice broker`, flush policy `os`), acks=all everywhere.',
    `@platformatic/kafka (in the benchmark process) sends ${BATCH}-message batches with up to ${IN_FLIGHT} sends outstanding;`,
    'idempotence makes it keep one request in flight per connection. librdkafka runs in its own process (linger.ms=5,',
    'batch.num.messages=10000) and times itself from after producer creation, a metadata request for the topic and',
    `init_transactions, leaving Python start-up and librdkafka's first-metadata wait out. Transactional rows commit every`,
    `${COMMIT_EVERY_MS} ms; their time includes every commit. Each row checks the high watermark (messages plus commit markers)`,
    `and that the last stable offset reached it. A warm-up round runs first, unmeasured; each row gives the median and the range`,
    `of ${ROUNDS} rounds in which all rows alternate, so that load from elsewhere falls on every row alike.`,
    '',
    `- Machine: ${machineLine()}; 1-minute load average ${loadAtStart.toFixed(1)} when the run started (a shared machine: compare within a client)`,
    '- Command: `npm run bench:txn`',
    '',
    '| client | producer | messages/s (median) | range | MB/s (payload) | vs plain |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n'),
);
console.log('wrote the "Broker: idempotence and transactions" section of BENCHMARKS.md');
