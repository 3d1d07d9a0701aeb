import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '@platformatic/kafka';
import { startTestBroker } from '../helpers/broker.ts';
import { createTopics, produce } from '../connectors/kafka-helpers.ts';
import { DashboardClients } from '../../src/dashboard/kafka/clients.ts';
import { KafkaClusterView } from '../../src/dashboard/kafka/cluster-view.ts';
import { browsePartition } from '../../src/dashboard/kafka/message-browser.ts';
import { DashboardRequestError } from '../../src/dashboard/errors.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let clients: DashboardClients;
let view: KafkaClusterView;

before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { orders: 3, empty: 1 });
  await produce(broker.bootstrap, 'orders', [
    ...Array.from({ length: 10 }, (_, i) => ({ partition: 0, key: `k${i}`, value: `order ${i}`, timestamp: 1_700_000_000_000 + i })),
    { partition: 1, key: Buffer.from([0xff, 0x00, 0x81]), value: Buffer.from([0xde, 0xad, 0xbe, 0xef]), headers: { trace: 'abc' } },
    { partition: 1, value: null },
  ]);
  const admin = new Admin({ clientId: 'test', bootstrapBrokers: [broker.bootstrap] });
  await admin.alterConsumerGroupOffsets({ groupId: 'billing', topics: [{ name: 'orders', partitionOffsets: [{ partition: 0, offset: 4n }, { partition: 1, offset: 2n }] }] });
  await admin.close();
  clients = new DashboardClients({ bootstrap: [broker.bootstrap] });
  view = new KafkaClusterView(clients);
});

after(async () => {
  await clients?.close();
  await broker?.stop();
});

test('topics: partitions, replication, message counts and sizes on disk (DescribeLogDirs)', async () => {
  const { topics, sizesUnavailable } = await view.topics();
  assert.equal(sizesUnavailable, undefined);
  const orders = topics.find((t) => t.name === 'orders');
  assert.deepEqual({ ...orders, sizeBytes: undefined }, { name: 'orders', internal: false, partitions: 3, replicationFactor: 1, messages: 12, sizeBytes: undefined });
  assert.ok((orders?.sizeBytes ?? 0) > 0, 'orders has records on disk');
  assert.equal(topics.find((t) => t.name === 'empty')?.messages, 0);
  assert.equal(topics.find((t) => t.name === 'empty')?.sizeBytes, 0);
});

test('topic: per-partition leader, replicas, earliest, latest and last stable offsets', async () => {
  const t = await view.topic('orders');
  assert.equal(t.partitions.length, 3);
  assert.deepEqual(
    t.partitions.map((p) => [p.partition, p.leader, p.replicas, p.earliest, p.latest, p.lastStable]),
    [
      [0, 1, [1], 0, 10, 10],
      [1, 1, [1], 0, 2, 2],
      [2, 1, [1], 0, 0, 0],
    ],
  );
  await assert.rejects(view.topic('nope'), (e: unknown) => e instanceof DashboardRequestError && e.status === 404);
});

test('groups: committed offsets and lag per partition (high watermark − committed)', async () => {
  const groups = await view.groups();
  const billing = groups.find((g) => g.id === 'billing');
  assert.equal(billing?.lag, 6);
  assert.equal(billing?.members, 0);
  const g = await view.group('billing');
  assert.equal(g.lag, 6);
  assert.deepEqual(
    g.partitions.map((p) => [p.topic, p.partition, p.committed, p.latest, p.lag]),
    [
      ['orders', 0, 4, 10, 6],
      ['orders', 1, 2, 2, 0],
    ],
  );
  await assert.rejects(view.group('no-such-group'), (e: unknown) => e instanceof DashboardRequestError && e.status === 404);
});

test('message browser: a range of a partition with keys, values, headers and timestamps; text or bytes', async () => {
  const page = await browsePartition(clients, 'orders', 0, { offset: 3, limit: 4 });
  assert.deepEqual(page.records.map((r) => [r.offset, r.key?.text, r.value?.text, r.timestamp]), [
    [3, 'k3', 'order 3', 1_700_000_000_003],
    [4, 'k4', 'order 4', 1_700_000_000_004],
    [5, 'k5', 'order 5', 1_700_000_000_005],
    [6, 'k6', 'order 6', 1_700_000_000_006],
  ]);
  assert.equal(page.nextOffset, 7);
  assert.equal(page.latest, 10);

  const tail = await browsePartition(clients, 'orders', 0, { limit: 3 });
  assert.deepEqual(tail.records.map((r) => r.offset), [7, 8, 9], 'without an offset: the last records');

  const bin = await browsePartition(clients, 'orders', 1, { offset: 0, limit: 10, isolation: 'read_committed' });
  assert.equal(bin.records.length, 2);
  const [first, second] = bin.records;
  assert.equal(first!.key?.text, undefined, 'not UTF-8: no text');
  assert.equal(Buffer.from(first!.key!.base64, 'base64').toString('hex'), 'ff0081');
  assert.equal(Buffer.from(first!.value!.base64, 'base64').toString('hex'), 'deadbeef');
  assert.deepEqual(first!.headers.map((h) => [h.key, h.value?.text]), [['trace', 'abc']]);
  assert.equal(second!.value, null, 'a null value stays null');

  const beyond = await browsePartition(clients, 'orders', 0, { offset: 1_000 });
  assert.deepEqual([beyond.startOffset, beyond.records.length], [10, 0], 'offsets past the end are clamped');
  await assert.rejects(browsePartition(clients, 'orders', 7), (e: unknown) => e instanceof DashboardRequestError && e.status === 404);
  await assert.rejects(browsePartition(clients, 'orders', 0, { limit: 100_000 }), (e: unknown) => e instanceof DashboardRequestError && e.status === 400);
  await assert.rejects(browsePartition(clients, 'nope', 0), (e: unknown) => e instanceof DashboardRequestError && e.status === 404);
});
