import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker } from '../../helpers/broker.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let kafka: Kafka;

before(async () => {
  broker = await startTestBroker({ maxTransactionTimeoutMs: 60_000 });
  kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'txn-kafkajs', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'txn-in', numPartitions: 2 }, { topic: 'txn-out', numPartitions: 2 }] });
  await admin.disconnect();
});
after(() => broker.stop());

async function readAll(topic: string, isolation: 'committed' | 'uncommitted', expected: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `r-${topic}-${isolation}-${Date.now()}`, readUncommitted: isolation === 'uncommitted' });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 3000); // read until quiet: expected may be the full count
    consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value!.toString());
        if (seen.length === expected) {
          clearTimeout(timer);
          setTimeout(resolve, 300); // wait a little for anything unexpected
        }
      },
    });
  });
  await consumer.disconnect();
  return seen.sort();
}

test('kafkajs: commit / abort / commit — read_committed sees only committed, read_uncommitted sees all', async () => {
  const producer = kafka.producer({ transactionalId: 'tx-1', maxInFlightRequests: 1, idempotent: true });
  await producer.connect();
  for (const [i, outcome] of (['commit', 'abort', 'commit'] as const).entries()) {
    const t = await producer.transaction();
    await t.send({ topic: 'txn-out', messages: [0, 1, 2, 3].map((j) => ({ key: `k${j}`, value: `${outcome}-${i}-${j}` })) });
    if (outcome === 'commit') await t.commit();
    else await t.abort();
  }
  await producer.disconnect();
  const committed = await readAll('txn-out', 'committed', 8);
  assert.deepEqual(committed, ['commit-0-0', 'commit-0-1', 'commit-0-2', 'commit-0-3', 'commit-2-0', 'commit-2-1', 'commit-2-2', 'commit-2-3']);
  const all = await readAll('txn-out', 'uncommitted', 12);
  assert.equal(all.length, 12);
  assert.ok(all.includes('abort-1-0'));
});
