import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { StreamExecutionEnvironment } from '../../../src/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { arraySink, createTopics, produce } from '../kafka-helpers.ts';
import { buildEquivalenceJob, equivalenceInput } from './equivalence-job.ts';
import { withExchanges } from './with-exchanges.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { 'eq-input': 3 });
  await produce(broker.bootstrap, 'eq-input', equivalenceInput(3_000, 40, 7));
});
after(async () => {
  await broker.stop();
});

async function run(exchanges: 'local' | 'kafka', jobId: string): Promise<string[]> {
  const out: string[] = [];
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  buildEquivalenceJob(env, broker.bootstrap, 'eq-input', arraySink(out), { bounded: true });
  await withExchanges(exchanges, () => env.execute(jobId));
  return out.sort();
}

test('keyed windows, event-time timers and a rebalance give the same output in memory and through repartition topics', { timeout: 180_000 }, async () => {
  const local = await run('local', 'eq-local');
  const kafka = await run('kafka', 'eq-kafka');
  assert.ok(local.filter((l) => l.startsWith('window:')).length > 50, 'windows fired');
  assert.ok(local.filter((l) => l.startsWith('timer:')).length > 500, 'timers fired');
  assert.equal(local.filter((l) => l.startsWith('rebalanced:')).length, 3_000);
  assert.deepEqual(kafka, local);
  // The exchanges went through Kafka: repartition topics with max-parallelism partitions.
  const admin = new Admin({ clientId: 'eq-admin', bootstrapBrokers: [broker.bootstrap] });
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith('eq-kafka-')).sort();
    assert.deepEqual(topics, ['eq-kafka-rebalanced-repartition', 'eq-kafka-timers-repartition', 'eq-kafka-window-sum-repartition']);
    const md = await admin.metadata({ topics });
    for (const t of topics) assert.equal(md.topics.get(t)?.partitionsCount, 8, t);
  } finally {
    await admin.close();
  }
});
