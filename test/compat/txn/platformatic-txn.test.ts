import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Consumer, FetchIsolationLevels, Producer, stringDeserializers, stringSerializers, type Message } from '@platformatic/kafka';
import { startTestBroker } from '../../helpers/broker.ts';
import { committedOffsets, createTopics, isFencing, errorText, SENTINEL, sleep, writeSentinels } from './txn-helpers.ts';

// @platformatic/kafka's transactional API (Producer with idempotent + transactionalId,
// beginTransaction / send / addConsumer / addOffset / commit / abort) against the embedded broker.

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let bootstrap: string;

before(async () => {
  broker = await startTestBroker();
  bootstrap = broker.bootstrap;
  await createTopics(bootstrap, [
    { topic: 'plt-out', numPartitions: 2 },
    { topic: 'plt-in', numPartitions: 1 },
    { topic: 'plt-ctp-out', numPartitions: 1 },
    { topic: 'plt-fence', numPartitions: 1 },
  ]);
});
after(() => broker.stop());

/**
 * A transactional producer. `fresh` makes it send InitProducerId with producer id -1 / epoch -1,
 * as a new Java producer does: @platformatic/kafka otherwise sends 0 / 0, which Kafka reads as
 * "I am producer 0 at epoch 0" and fences (PRODUCER_FENCED) once the transactional id is known
 * under another producer id — so a restarted platformatic producer must ask for -1 / -1.
 */
function txProducer(transactionalId: string, fresh = false): Producer<string, string, string, string> {
  return new Producer({
    clientId: `plt-${transactionalId}`,
    bootstrapBrokers: [bootstrap],
    idempotent: true,
    transactionalId,
    serializers: stringSerializers,
    retryDelay: 100,
    ...(fresh ? { producerId: -1n, producerEpoch: -1 } : {}),
  });
}

let readers = 0;
/** Reads `topic` from the beginning with a platformatic consumer until SENTINEL on every partition. */
async function pltRead(at: string, topic: string, partitions: number, isolation: 'committed' | 'uncommitted'): Promise<string[]> {
  const consumer = new Consumer({
    clientId: 'plt-reader',
    groupId: `plt-read-${topic}-${isolation}-${readers++}`,
    bootstrapBrokers: [at],
    deserializers: stringDeserializers,
    retryDelay: 100,
  });
  const seen: string[] = [];
  const ended = new Set<number>();
  try {
    const stream = await consumer.consume({
      topics: [topic],
      mode: 'earliest',
      autocommit: false,
      maxWaitTime: 100,
      isolationLevel: isolation === 'committed' ? FetchIsolationLevels.READ_COMMITTED : FetchIsolationLevels.READ_UNCOMMITTED,
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${topic} (${isolation}): sentinels on ${ended.size}/${partitions}; got ${seen.length}`)), 20_000);
      stream.on('data', (m: Message<string, string, string, string>) => {
        if (m.value === SENTINEL) ended.add(m.partition);
        else seen.push(m.value);
        if (ended.size === partitions) {
          clearTimeout(timer);
          resolve();
        }
      });
      stream.on('error', reject);
    });
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  return seen.sort();
}

test('@platformatic/kafka: commit / abort / commit — read_committed sees only committed, read_uncommitted sees all', async () => {
  const producer = txProducer('plt-tx-1');
  try {
    for (const [i, outcome] of (['commit', 'abort', 'commit'] as const).entries()) {
      const tx = await producer.beginTransaction();
      await tx.send({ messages: [0, 1, 2, 3].map((j) => ({ topic: 'plt-out', key: `k${j}`, value: `${outcome}-${i}-${j}` })) });
      if (outcome === 'commit') await tx.commit();
      else await tx.abort();
    }
  } finally {
    await producer.close();
  }
  await writeSentinels(bootstrap, 'plt-out', 2);
  const expected = [0, 2].flatMap((i) => [0, 1, 2, 3].map((j) => `commit-${i}-${j}`)).sort();
  assert.deepEqual(await pltRead(bootstrap, 'plt-out', 2, 'committed'), expected);
  const all = await pltRead(bootstrap, 'plt-out', 2, 'uncommitted');
  assert.deepEqual(all, [...expected, ...[0, 1, 2, 3].map((j) => `abort-1-${j}`)].sort());
});

test('@platformatic/kafka: consume-transform-produce — offsets sent to the transaction appear only on commit', async () => {
  const seed = new Producer({ clientId: 'plt-seed', bootstrapBrokers: [bootstrap], serializers: stringSerializers });
  await seed.send({ messages: Array.from({ length: 10 }, (_, i) => ({ topic: 'plt-in', value: `in-${i}`, partition: 0 })) });
  await seed.close();

  const group = 'plt-ctp';
  const consumer = new Consumer({ clientId: 'plt-ctp', groupId: group, bootstrapBrokers: [bootstrap], deserializers: stringDeserializers, retryDelay: 100 });
  const producer = txProducer('plt-ctp-tx');
  try {
    const stream = await consumer.consume({ topics: ['plt-in'], mode: 'earliest', autocommit: false, maxWaitTime: 100 });
    const input: Array<Message<string, string, string, string>> = [];
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (m: Message<string, string, string, string>) => {
        input.push(m);
        if (input.length === 10) resolve();
      });
      stream.on('error', reject);
    });
    stream.pause();

    // Transaction 1: transform the first five, send their offsets, commit.
    const t1 = await producer.beginTransaction();
    await t1.send({ messages: input.slice(0, 5).map((m) => ({ topic: 'plt-ctp-out', value: m.value.toUpperCase(), partition: 0 })) });
    await t1.addConsumer(consumer);
    await t1.addOffset(input[4]!);
    assert.deepEqual(await committedOffsets(bootstrap, group, 'plt-in'), [-1], 'no committed offset while the transaction is open');
    await t1.commit();
    assert.deepEqual(await committedOffsets(bootstrap, group, 'plt-in'), [5], 'offset 5 committed with the transaction');

    // Transaction 2: the next five, aborted: neither outputs nor offsets become visible.
    const t2 = await producer.beginTransaction();
    await t2.send({ messages: input.slice(5).map((m) => ({ topic: 'plt-ctp-out', value: m.value.toUpperCase(), partition: 0 })) });
    await t2.addConsumer(consumer);
    await t2.addOffset(input[9]!);
    await t2.abort();
    assert.deepEqual(await committedOffsets(bootstrap, group, 'plt-in'), [5], 'an aborted transaction leaves the committed offset alone');
    await stream.close();
  } finally {
    await producer.close();
    await consumer.close(true);
  }
  await writeSentinels(bootstrap, 'plt-ctp-out', 1);
  assert.deepEqual(await pltRead(bootstrap, 'plt-ctp-out', 1, 'committed'), ['IN-0', 'IN-1', 'IN-2', 'IN-3', 'IN-4']);
});

test('@platformatic/kafka: a second producer with the same transactional id fences the first', async () => {
  const first = txProducer('plt-fenced');
  const second = txProducer('plt-fenced', true);
  const defaults = txProducer('plt-fenced');
  try {
    const t1 = await first.beginTransaction();
    await t1.send({ messages: [{ topic: 'plt-fence', value: 'zombie-1', partition: 0 }] });
    const epochBefore = first.producerEpoch!;

    // Kafka's isValidProducerId: a known transactional id whose producer id is not 0 refuses an
    // InitProducerId naming producer 0 / epoch 0 (what platformatic sends by default).
    const refused = await defaults.beginTransaction().then(() => null, (e: unknown) => e);
    assert.match(errorText(refused), /PRODUCER_FENCED/, 'InitProducerId(0, 0) for a known id is fenced, as Kafka does');

    const t2 = await second.beginTransaction(); // InitProducerId(-1, -1): bumps the epoch, aborts t1
    assert.equal(second.producerId, first.producerId, 'same transactional id, same producer id');
    assert.ok(second.producerEpoch! > epochBefore, 'the second producer got a newer epoch');
    await t2.send({ messages: [{ topic: 'plt-fence', value: 'live-1', partition: 0 }] });
    await t2.commit();

    const sendErr = await t1.send({ messages: [{ topic: 'plt-fence', value: 'zombie-2', partition: 0 }] }).then(() => null, (e: unknown) => e);
    assert.ok(sendErr && isFencing(sendErr), `the fenced producer's send fails with a fencing error: ${errorText(sendErr)}`);
    const commitErr = await t1.commit().then(() => null, (e: unknown) => e);
    assert.ok(commitErr && isFencing(commitErr), `the fenced producer's commit fails with a fencing error: ${errorText(commitErr)}`);
  } finally {
    await first.close(true).catch(() => {});
    await defaults.close(true).catch(() => {});
    await second.close();
  }
  await writeSentinels(bootstrap, 'plt-fence', 1);
  assert.deepEqual(await pltRead(bootstrap, 'plt-fence', 1, 'committed'), ['live-1']);
  assert.deepEqual(await pltRead(bootstrap, 'plt-fence', 1, 'uncommitted'), ['live-1', 'zombie-1']);
});

test('@platformatic/kafka: a transaction left open times out, is aborted and its producer fenced', async () => {
  const b = await startTestBroker({ maxTransactionTimeoutMs: 2000 });
  try {
    await createTopics(b.bootstrap, [{ topic: 'plt-timeout', numPartitions: 1 }]);
    // platformatic sends its `timeout` option as transaction.timeout.ms in InitProducerId.
    const tooLong = new Producer({ clientId: 'plt-long', bootstrapBrokers: [b.bootstrap], idempotent: true, transactionalId: 'plt-long', timeout: 5000, retries: 0 });
    const refused = await tooLong.beginTransaction().then(() => null, (e: unknown) => e);
    assert.match(errorText(refused), /INVALID_TRANSACTION_TIMEOUT/, 'a timeout above the broker maximum is refused');
    await tooLong.close(true).catch(() => {});

    const producer = new Producer({
      clientId: 'plt-slow', bootstrapBrokers: [b.bootstrap], idempotent: true, transactionalId: 'plt-slow',
      serializers: stringSerializers, timeout: 1500, retryDelay: 100,
    });
    const consumer = new Consumer({ clientId: 'plt-lso', groupId: 'plt-lso', bootstrapBrokers: [b.bootstrap] });
    try {
      const lso = async () => (await consumer.listOffsets({ topics: ['plt-timeout'], isolationLevel: FetchIsolationLevels.READ_COMMITTED })).get('plt-timeout')![0]!;
      const tx = await producer.beginTransaction();
      await tx.send({ messages: [0, 1, 2].map((i) => ({ topic: 'plt-timeout', value: `open-${i}`, partition: 0 })) });
      const openedAt = Date.now();
      assert.equal(await lso(), 0n, 'the open transaction holds the last stable offset at its first record');
      await writeSentinels(b.bootstrap, 'plt-timeout', 1); // behind the open transaction
      await sleep(Math.max(0, openedAt + 2500 - Date.now())); // > 1500 ms transaction timeout, plus the coordinator's 100 ms tick
      assert.equal(await lso(), 5n, 'after the timeout the abort marker (offset 4) is written and the LSO reaches the end');
      const commitErr = await tx.commit().then(() => null, (e: unknown) => e);
      assert.ok(commitErr && isFencing(commitErr), `the timed-out producer is fenced: ${errorText(commitErr)}`);
    } finally {
      await producer.close(true).catch(() => {});
      await consumer.close(true);
    }
    assert.deepEqual(await pltRead(b.bootstrap, 'plt-timeout', 1, 'committed'), [], 'read_committed readers get past it without its records');
    assert.deepEqual(await pltRead(b.bootstrap, 'plt-timeout', 1, 'uncommitted'), ['open-0', 'open-1', 'open-2']);
  } finally {
    await b.stop();
  }
});
