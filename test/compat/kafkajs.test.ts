import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompressionTypes, Kafka, logLevel, type Consumer } from 'kafkajs';
import { startTestBroker } from '../helpers/broker.ts';
import { assertCompleteAndOrdered, keyOf, type Seen } from './delivery-check.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const N = 10_000;
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let kafka: Kafka;

before(async () => {
  broker = await startTestBroker();
  kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'compat-kafkajs', logLevel: logLevel.NOTHING });
});
after(() => broker.stop());

async function produce(topic: string, from: number, count: number, compression = CompressionTypes.None) {
  const producer = kafka.producer();
  await producer.connect();
  for (let start = from; start < from + count; start += 1000) {
    const messages = Array.from({ length: Math.min(1000, from + count - start) }, (_, j) => ({
      key: keyOf(start + j),
      value: `value-${start + j}`,
    }));
    await producer.send({ topic, acks: -1, compression, messages });
  }
  await producer.disconnect();
}

async function readAll(topic: string, n: number): Promise<Seen[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: Seen[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen.length} of ${n} consumed`)), 60_000);
    consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({ partition, offset: Number(message.offset), key: message.key!.toString(), value: message.value!.toString() });
        if (seen.length === n) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

for (const [name, codec] of [['none', CompressionTypes.None], ['gzip', CompressionTypes.GZIP]] as const) {
  test(`kafkajs: 10,000 keyed messages (${name}) round-trip with per-partition order`, async () => {
    const admin = kafka.admin();
    await admin.connect();
    assert.equal(await admin.createTopics({ topics: [{ topic: `kj-${name}`, numPartitions: 3 }] }), true);
    await admin.disconnect();
    await produce(`kj-${name}`, 0, N, codec);
    assertCompleteAndOrdered(await readAll(`kj-${name}`, N), N, `kafkajs ${name}`);
  });
}

test('kafkajs: a group of three where a member joins and another leaves mid-stream', async () => {
  const topic = 'kj-group';
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
  await produce(topic, 0, 3000);
  const seen = new Set<string>();
  const assigned = new Map<string, number>();
  const members: Consumer[] = [];
  const startMember = async (name: string) => {
    const c = kafka.consumer({ groupId: 'kj-group-g', sessionTimeout: 10_000, heartbeatInterval: 500, rebalanceTimeout: 10_000 });
    c.on(c.events.GROUP_JOIN, (e) => assigned.set(name, (e.payload.memberAssignment[topic] ?? []).length));
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({
      eachMessage: async ({ message }) => {
        seen.add(message.value!.toString());
        await new Promise((r) => setTimeout(r, 1)); // keep the stream going while the group changes
      },
    });
    members.push(c);
    return c;
  };
  const waitFor = async (cond: () => boolean, what: string) => {
    const deadline = Date.now() + 60_000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const a = await startMember('a');
  const b = await startMember('b');
  await waitFor(() => seen.size > 300, 'first messages');
  const c = await startMember('c');
  await waitFor(() => assigned.has('c'), 'c to join');
  await b.disconnect();
  await produce(topic, 3000, 3000);
  await waitFor(() => seen.size === 6000, 'all 6000 messages');
  await a.disconnect();
  await c.disconnect();
  assert.equal(seen.size, 6000);
  assert.equal(assigned.get('c')! >= 1, true, 'c received partitions when it joined');
  const committed = await admin.fetchOffsets({ groupId: 'kj-group-g', topics: [topic] });
  const ends = await admin.fetchTopicOffsets(topic);
  const byPartition = (xs: Array<{ partition: number; offset: string }>) =>
    xs.map((x) => [x.partition, x.offset] as const).sort((p, q) => p[0] - q[0]);
  assert.deepEqual(byPartition(committed[0]!.partitions), byPartition(ends));
  assert.equal(ends.reduce((s, e) => s + Number(e.offset), 0), 6000);
  const groups = await admin.listGroups();
  assert.ok(groups.groups.some((g) => g.groupId === 'kj-group-g'));
  await admin.disconnect();
});

test('kafkajs: list, describe and delete topics', async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'kj-admin', numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '3600000' }] }] });
  assert.ok((await admin.listTopics()).includes('kj-admin'));
  const meta = await admin.fetchTopicMetadata({ topics: ['kj-admin'] });
  assert.equal(meta.topics[0]!.partitions.length, 3);
  const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'kj-admin' }] });
  const retention = configs.resources[0]!.configEntries.find((e) => e.configName === 'retention.ms');
  assert.equal(retention?.configValue, '3600000');
  await admin.createPartitions({ topicPartitions: [{ topic: 'kj-admin', count: 5 }] });
  assert.equal((await admin.fetchTopicMetadata({ topics: ['kj-admin'] })).topics[0]!.partitions.length, 5);
  await admin.deleteTopics({ topics: ['kj-admin'] });
  assert.ok(!(await admin.listTopics()).includes('kj-admin'));
  await admin.disconnect();
});
