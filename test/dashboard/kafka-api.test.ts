import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startTestBroker } from '../helpers/broker.ts';
import { createTopics, produce } from '../connectors/kafka-helpers.ts';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let dashboard: RunningDashboard;

before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { 'page.views': 2 });
  await produce(broker.bootstrap, 'page.views', [{ partition: 0, key: 'u1', value: '/home' }, { partition: 0, key: 'u2', value: '/cart' }]);
  dashboard = await startDashboard({ kafka: { bootstrap: [broker.bootstrap] }, processMetrics: false });
});
after(async () => {
  await dashboard?.close();
  await broker?.stop();
});

const get = async (path: string) => {
  const res = await fetch(new URL(path, dashboard.url));
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

test('REST: topics, a topic, a page of messages, groups', async () => {
  const topics = await get('/kafka/topics');
  assert.equal(topics.status, 200);
  assert.deepEqual(topics.body.topics.map((t: any) => [t.name, t.partitions, t.messages]), [['page.views', 2, 2]]);
  const topic = await get('/kafka/topics/page.views');
  assert.deepEqual(topic.body.partitions.map((p: any) => [p.partition, p.latest]), [[0, 2], [1, 0]]);
  const page = await get('/kafka/topics/page.views/partitions/0/messages?offset=0&limit=10&isolation=read_committed');
  assert.deepEqual(page.body.records.map((r: any) => [r.offset, r.key.text, r.value.text]), [[0, 'u1', '/home'], [1, 'u2', '/cart']]);
  assert.deepEqual((await get('/kafka/groups')).body, { groups: [] });
  const cluster = await get('/kafka/cluster');
  assert.deepEqual(cluster.body.brokers.map((b: any) => b.nodeId), [1]);
});

test('bad parameters are 400 with a message; unknown topics, partitions and groups 404', async () => {
  for (const q of ['offset=abc', 'limit=0', 'limit=501', 'offset=-3', 'isolation=dirty', 'offset=99999999999999999999']) {
    const r = await get(`/kafka/topics/page.views/partitions/0/messages?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.body.code, 'SLUICE_DASHBOARD_BAD_REQUEST', q);
  }
  assert.equal((await get('/kafka/topics/page.views/partitions/x/messages')).status, 400);
  assert.equal((await get('/kafka/topics/page.views/partitions/2/messages')).status, 404);
  assert.equal((await get('/kafka/topics/nope')).status, 404);
  assert.equal((await get('/kafka/topics/nope/partitions/0/messages')).status, 404);
  assert.equal((await get('/kafka/groups/nope')).status, 404);
});

test('a burst of Kafka-backed requests is answered 200 or 503 (bounded concurrency), never 500, and the server keeps serving', async () => {
  const statuses = await Promise.all(Array.from({ length: 40 }, () => get('/kafka/topics').then((r) => r.status)));
  assert.ok(statuses.every((s) => s === 200 || s === 503), statuses.join(','));
  assert.ok(statuses.includes(200));
  assert.equal((await get('/kafka/topics')).status, 200);
});

test('Kafka unreachable: the broker pages answer 504 with a typed code instead of hanging', async () => {
  const closed = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
  const down = await startDashboard({ kafka: { bootstrap: [`127.0.0.1:${closed}`], requestTimeoutMs: 3_000 }, processMetrics: false });
  try {
    const res = await fetch(new URL('/kafka/topics', down.url));
    assert.equal(res.status, 504);
    const body = (await res.json()) as { code: string; errors: string[] };
    assert.equal(body.code, 'SLUICE_DASHBOARD_KAFKA_UNAVAILABLE');
    assert.match(body.errors[0]!, /listing topics/);
    assert.equal((await fetch(new URL('/jobs', down.url))).status, 200, 'the rest of the dashboard still works');
  } finally {
    await down.close();
  }
});
