import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker } from '../../helpers/broker.ts';
import { committedOffsets, createTopics, errorText, isFencing, kafkaAt, kafkajsRead, sleep, writeSentinels } from './txn-helpers.ts';

// kafkajs beyond commit/abort (kafkajs-txn.test.ts): sendOffsets in a consume-transform-produce
// loop, fencing by a second producer with the same transactional id, and a timed-out transaction.

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let bootstrap: string;

before(async () => {
  broker = await startTestBroker({ maxTransactionTimeoutMs: 2000 });
  bootstrap = broker.bootstrap;
  await createTopics(bootstrap, [
    { topic: 'kj-in', numPartitions: 2 },
    { topic: 'kj-out', numPartitions: 2 },
    { topic: 'kj-fence', numPartitions: 1 },
    { topic: 'kj-timeout', numPartitions: 1 },
  ]);
});
after(() => broker.stop());

test('kafkajs: consume-transform-produce with sendOffsets — offsets visible after commit, not after abort', async () => {
  const kafka = kafkaAt(bootstrap, 'kj-ctp');
  const seed = kafka.producer();
  await seed.connect();
  await seed.send({ topic: 'kj-in', messages: Array.from({ length: 12 }, (_, i) => ({ partition: i % 2, value: `in-${i}` })) });
  await seed.disconnect();

  const group = 'kj-ctp';
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100, readUncommitted: false });
  const producer = kafka.producer({ transactionalId: 'kj-ctp-tx', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 2000 });
  await Promise.all([consumer.connect(), producer.connect()]);
  let round = 0;
  const outcomes: Array<{ commit: boolean; partition: number; before: number; after: number; next: number }> = [];
  try {
    await consumer.subscribe({ topic: 'kj-in', fromBeginning: true });
    // One transaction per fetched batch: commit the first batch of each partition, abort after
    // that; on abort, seek back so the records are processed again by a committing round.
    const done = new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const commit = round++ % 2 === 0;
            const t = await producer.transaction();
            await t.send({ topic: 'kj-out', messages: batch.messages.map((m) => ({ partition: batch.partition, value: m.value!.toString().toUpperCase() })) });
            const next = (BigInt(batch.lastOffset()) + 1n).toString();
            await t.sendOffsets({ consumerGroupId: group, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }] });
            const before = await committedOffsets(bootstrap, group, 'kj-in');
            if (commit) await t.commit();
            else await t.abort();
            const afterEnd = await committedOffsets(bootstrap, group, 'kj-in');
            outcomes.push({ commit, partition: batch.partition, before: before[batch.partition]!, after: afterEnd[batch.partition]!, next: Number(next) });
            if (!commit) consumer.seek({ topic: batch.topic, partition: batch.partition, offset: batch.firstOffset()! });
            if (afterEnd.every((o) => o === 6)) resolve();
          },
        })
        .catch(reject);
      setTimeout(() => reject(new Error(`loop did not finish: ${JSON.stringify(outcomes)}`)), 30_000).unref();
    });
    await done;
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
  for (const o of outcomes) {
    assert.notEqual(o.before, o.next, `offset ${o.next} not visible before EndTxn: ${JSON.stringify(o)}`);
    assert.equal(o.after, o.commit ? o.next : o.before, `offset after ${o.commit ? 'commit' : 'abort'}: ${JSON.stringify(o)}`);
  }
  assert.ok(outcomes.some((o) => !o.commit), 'the loop aborted at least once');
  await writeSentinels(bootstrap, 'kj-out', 2);
  const expected = Array.from({ length: 12 }, (_, i) => `IN-${i}`).sort();
  assert.deepEqual(await kafkajsRead(bootstrap, 'kj-out', 2, 'committed'), expected, 'each input exactly once in committed output');
  const all = await kafkajsRead(bootstrap, 'kj-out', 2, 'uncommitted');
  assert.ok(all.length > expected.length, 'aborted attempts are in the log for read_uncommitted readers');
});

test('kafkajs: a second producer with the same transactional id fences the first', async () => {
  const kafka = kafkaAt(bootstrap, 'kj-fence');
  const first = kafka.producer({ transactionalId: 'kj-fenced', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 2000, retry: { retries: 1, initialRetryTime: 50 } });
  const second = kafka.producer({ transactionalId: 'kj-fenced', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 2000 });
  await first.connect();
  const t1 = await first.transaction();
  await t1.send({ topic: 'kj-fence', messages: [{ partition: 0, value: 'zombie-1' }] });
  await second.connect();
  const t2 = await second.transaction(); // InitProducerId: bumps the epoch, aborts t1
  await t2.send({ topic: 'kj-fence', messages: [{ partition: 0, value: 'live-1' }] });
  await t2.commit();
  const sendErr = await t1.send({ topic: 'kj-fence', messages: [{ partition: 0, value: 'zombie-2' }] }).then(() => null, (e: unknown) => e);
  assert.ok(sendErr && isFencing(sendErr), `the fenced producer's send fails: ${errorText(sendErr)}`);
  const commitErr = await t1.commit().then(() => null, (e: unknown) => e);
  assert.ok(commitErr && isFencing(commitErr), `the fenced producer's commit fails: ${errorText(commitErr)}`);
  await Promise.all([first.disconnect(), second.disconnect()]);
  await writeSentinels(bootstrap, 'kj-fence', 1);
  assert.deepEqual(await kafkajsRead(bootstrap, 'kj-fence', 1, 'committed'), ['live-1']);
});

test('kafkajs: a transaction left open times out and is aborted; its producer is fenced', async () => {
  const kafka = kafkaAt(bootstrap, 'kj-timeout');
  const tooLong = kafka.producer({ transactionalId: 'kj-too-long', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 5000, retry: { retries: 1, initialRetryTime: 50 } });
  const refused = await tooLong.connect().then(() => tooLong.transaction()).then(() => null, (e: unknown) => e);
  assert.match(errorText(refused), /INVALID_TRANSACTION_TIMEOUT|transaction timeout/i, 'above the broker maximum (2000 ms)');
  await tooLong.disconnect().catch(() => {});

  const producer = kafka.producer({ transactionalId: 'kj-slow', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 1000, retry: { retries: 1, initialRetryTime: 50 } });
  await producer.connect();
  const t = await producer.transaction();
  await t.send({ topic: 'kj-timeout', messages: [0, 1, 2].map((i) => ({ partition: 0, value: `open-${i}` })) });
  await writeSentinels(bootstrap, 'kj-timeout', 1);
  await sleep(2000); // past the 1000 ms timeout and the coordinator's tick
  const commitErr = await t.commit().then(() => null, (e: unknown) => e);
  assert.ok(commitErr && isFencing(commitErr), `the timed-out producer is fenced: ${errorText(commitErr)}`);
  await producer.disconnect();
  assert.deepEqual(await kafkajsRead(bootstrap, 'kj-timeout', 1, 'committed'), [], 'read_committed readers get past the aborted records');
  assert.deepEqual(await kafkajsRead(bootstrap, 'kj-timeout', 1, 'uncommitted'), ['open-0', 'open-1', 'open-2']);
});
