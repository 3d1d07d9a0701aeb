import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Admin, Consumer } from '@platformatic/kafka';
import { CheckpointingMode, StreamExecutionEnvironment } from '../../../src/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { arraySink, createTopics, eventually, produce, readTopic, spawnSluice } from '../kafka-helpers.ts';
import { buildBroadcastJob } from './broadcast-job.ts';
import { withExchanges } from './with-exchanges.ts';

// Issue 11: broadcast state across workers. Every worker gets the broadcast side: a broadcast
// exchange goes through a one-partition repartition topic that every reader subtask reads in full
// at its own offsets; broadcast state is kept per subtask, as in Flink. The output (including one
// line per rule and subtask) equals the in-memory run's with 1 worker and with 3 worker processes.

const EVENTS = 'bc-events';
const RULES = 'bc-rules';
const TOPICS = { events: EVENTS, rules: RULES };
const RULE_COUNT = 7;
let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { [EVENTS]: 3, [RULES]: 2 });
  await produce(broker.bootstrap, RULES, Array.from({ length: RULE_COUNT }, (_, i) => ({ partition: i % 2, value: `r${i}:${i + 1}` })));
  await produce(
    broker.bootstrap,
    EVENTS,
    Array.from({ length: 900 }, (_, i) => ({ partition: i % 3, value: `k${(i * 7) % 23}:${1_000_000 + i * 50 - (i % 5) * 100}:${1 + (i % 9)}` })),
  );
});
after(async () => {
  await broker.stop();
});

async function inProcess(exchanges: 'local' | 'kafka', jobId: string, parallelism: number): Promise<string[]> {
  const out: string[] = [];
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  buildBroadcastJob(env, broker.bootstrap, TOPICS, arraySink(out), parallelism);
  await withExchanges(exchanges, () => env.execute(jobId));
  return out.sort();
}

test('broadcast state through a repartition topic: 1 worker gives the in-memory output, and the topic has one partition', { timeout: 180_000 }, async () => {
  const local = await inProcess('local', 'bc-local', 2);
  assert.equal(local.filter((l) => l.startsWith('rule:')).length, 2 * RULE_COUNT, 'each of the 2 subtasks got every rule');
  assert.equal(local.filter((l) => l.startsWith('event:')).length, 900);
  const sum = (RULE_COUNT * (RULE_COUNT + 1)) / 2;
  assert.ok(local.filter((l) => l.startsWith('event:')).every((l) => Number(l.split(':')[3]) % sum === 0), 'every event saw every rule');
  const kafka = await inProcess('kafka', 'bc-kafka', 2);
  assert.deepEqual(kafka, local);
  const admin = new Admin({ clientId: 'bc-admin', bootstrapBrokers: [broker.bootstrap] });
  try {
    const md = await admin.metadata({ topics: ['bc-kafka-apply-rules-repartition', 'bc-kafka-apply-rules-repartition-2'] });
    assert.equal(md.topics.get('bc-kafka-apply-rules-repartition')?.partitionsCount, 8, 'keyBy side: max parallelism');
    assert.equal(md.topics.get('bc-kafka-apply-rules-repartition-2')?.partitionsCount, 1, 'broadcast side: one partition');
  } finally {
    await admin.close();
  }
});

test('broadcast state across 3 worker processes (parallelism 3): every subtask, on every worker, gets every rule; output equals the in-memory run', { timeout: 300_000 }, async () => {
  const local = await inProcess('local', 'bc-local-3', 3);
  assert.equal(local.filter((l) => l.startsWith('rule:')).length, 3 * RULE_COUNT);
  const output = 'bc-processes-out';
  await createTopics(broker.bootstrap, { [output]: 1 });
  const children = [0, 1, 2].map((i) =>
    spawnSluice(['--bootstrap', broker.bootstrap, 'run', 'test/connectors/repartition/fixtures/broadcast-run.ts', '--exchanges', 'kafka'], {
      SLUICE_LOG_LEVEL: 'warn',
      EVENTS,
      RULES,
      OUTPUT: output,
      JOB_ID: 'bc-processes',
      PARALLELISM: '3',
      SLUICE_WORKERS: '3',
      SLUICE_WORKER_INDEX: String(i),
    }),
  );
  const codes = await Promise.all(children.map((c) => c.exited));
  for (const [i, c] of children.entries()) assert.equal(codes[i], 0, `worker ${i} failed:\n${c.stderr()}`);
  const consumer = new Consumer({ clientId: 'bc-offsets', groupId: 'bc-offsets', bootstrapBrokers: [broker.bootstrap] });
  try {
    const ends = await consumer.listOffsets({ topics: [output] });
    assert.equal(Number(ends.get(output)![0]), local.length, 'records in the output topic');
  } finally {
    await consumer.close(true);
  }
  const processes = (await readTopic(broker.bootstrap, output, local.length, 60_000)).map((m) => String(m.value)).sort();
  assert.deepEqual(processes, local);
});

test('exactly-once checkpoints (one worker): a broadcast exchange runs (its writes in the checkpoint transaction, read read_committed, no group offsets); every subtask gets every rule once', { timeout: 180_000 }, async () => {
  const out: string[] = [];
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.enableCheckpointing(100, CheckpointingMode.EXACTLY_ONCE);
  buildBroadcastJob(env, broker.bootstrap, TOPICS, arraySink(out), 2, false);
  const saved = process.env.SLUICE_EXCHANGES;
  process.env.SLUICE_EXCHANGES = 'kafka';
  const client = await env.executeAsync('bc-eo');
  try {
    await eventually(() => out.filter((l) => l.startsWith('rule:')).length >= 2 * RULE_COUNT, 90_000, 'both subtasks got every rule');
  } finally {
    client.cancel();
    await client.result.catch(() => {});
    if (saved === undefined) delete process.env.SLUICE_EXCHANGES;
    else process.env.SLUICE_EXCHANGES = saved;
  }
  const rules = out.filter((l) => l.startsWith('rule:')).sort();
  assert.deepEqual(rules, [0, 1].flatMap((s) => Array.from({ length: RULE_COUNT }, (_, i) => `rule:${s}:r${i}`)).sort());
});

test('one worker running every reader of a broadcast topic purges what all of them consumed once a checkpoint committed', { timeout: 180_000 }, async () => {
  const out: string[] = [];
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.enableCheckpointing(100);
  buildBroadcastJob(env, broker.bootstrap, TOPICS, arraySink(out), 2, false);
  const saved = process.env.SLUICE_EXCHANGES;
  process.env.SLUICE_EXCHANGES = 'kafka';
  const client = await env.executeAsync('bc-purge');
  const topic = 'bc-purge-apply-rules-repartition-2';
  const consumer = new Consumer({ clientId: 'bc-purge', groupId: 'bc-purge-check', bootstrapBrokers: [broker.bootstrap] });
  try {
    await eventually(() => out.filter((l) => l.startsWith('rule:')).length === 2 * RULE_COUNT, 60_000, 'both subtasks got every rule');
    const start = async (): Promise<bigint> => (await consumer.listOffsets({ topics: [topic], timestamp: -2n })).get(topic)![0]!;
    await eventually(async () => (await start()) >= BigInt(RULE_COUNT), 60_000, 'the consumed rules deleted from the broadcast topic');
  } finally {
    client.cancel();
    await client.result.catch(() => {});
    await consumer.close(true);
    if (saved === undefined) delete process.env.SLUICE_EXCHANGES;
    else process.env.SLUICE_EXCHANGES = saved;
  }
});
