import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { spawnBrokerProcess } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { createTopics, kafkaAt, kafkajsRead, writeSentinels } from '../../compat/txn/txn-helpers.ts';
import { CutProxy } from './cut-proxy.ts';

// Idempotent producers whose connection is cut after the broker appended a Produce request but
// before the client saw the answer (the proxy swallows the response and closes the connection):
// the client resends the same batch with the same sequence numbers, and the broker must answer
// from its duplicate cache instead of appending it again. Broker in its own process.

const SENDS = 15;
const PER_SEND = 10;
const CUT_AT = [2, 5, 9];

let child: ChildProcess;
let bootstrap: string;
const { dir, cleanup } = tempDir('sluice-idem-cut-');
const proxies: CutProxy[] = [];

before(async () => {
  ({ bootstrap, child } = await spawnBrokerProcess(join(dir, 'data')));
  await createTopics(bootstrap, ['cut-kafkajs', 'cut-platformatic', 'cut-rdkafka'].map((topic) => ({ topic, numPartitions: 2 })));
});
after(async () => {
  for (const p of proxies) await p.close();
  child.kill('SIGKILL');
  cleanup();
});

async function proxy(): Promise<CutProxy> {
  const p = await new CutProxy(Number(bootstrap.split(':')[1]), CUT_AT).listen();
  proxies.push(p);
  return p;
}

/** Every value once and nothing else in the log: read_uncommitted sees no extra copy either. */
async function assertExactlyOnce(topic: string, expected: string[]): Promise<void> {
  await writeSentinels(bootstrap, topic, 2);
  const seen = await kafkajsRead(bootstrap, topic, 2, 'uncommitted');
  const dupes = seen.filter((v, i) => i > 0 && seen[i - 1] === v);
  assert.deepEqual(dupes, [], `no value twice in ${topic}`);
  assert.deepEqual(seen, [...expected].sort(), `${topic} holds exactly the sent values`);
  const admin = kafkaAt(bootstrap).admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  assert.equal(ends.reduce((s, p) => s + Number(p.high), 0), expected.length + 2, 'log end offsets: sent records + 2 sentinels, nothing else');
}

const values = (prefix: string) => Array.from({ length: SENDS * PER_SEND }, (_, i) => `${prefix}-${i}`);

test('kafkajs idempotent producer: a cut after the append is retried without a duplicate', async () => {
  const p = await proxy();
  const producer = kafkaAt(p.bootstrap, 'cut-kafkajs').producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 10, initialRetryTime: 50 } });
  await producer.connect();
  for (let s = 0; s < SENDS; s++) {
    await producer.send({ topic: 'cut-kafkajs', messages: values('kj').slice(s * PER_SEND, (s + 1) * PER_SEND).map((value, i) => ({ partition: i % 2, value })) });
  }
  await producer.disconnect();
  assert.equal(p.cuts, CUT_AT.length, 'the proxy cut three connections mid-request');
  assert.ok(p.produces >= SENDS + CUT_AT.length, 'each cut request was sent again');
  await assertExactlyOnce('cut-kafkajs', values('kj'));
});

test('@platformatic/kafka idempotent producer: a cut after the append is retried without a duplicate', async () => {
  const p = await proxy();
  const producer = new Producer({ clientId: 'cut-plt', bootstrapBrokers: [p.bootstrap], idempotent: true, serializers: stringSerializers, retryDelay: 50 });
  try {
    for (let s = 0; s < SENDS; s++) {
      await producer.send({ messages: values('plt').slice(s * PER_SEND, (s + 1) * PER_SEND).map((value) => ({ topic: 'cut-platformatic', partition: 0, value })) });
    }
  } finally {
    await producer.close();
  }
  assert.equal(p.cuts, CUT_AT.length, 'the proxy cut three connections mid-request');
  await assertExactlyOnce('cut-platformatic', values('plt'));
});

test('librdkafka idempotent producer (confluent-kafka-python): a cut after the append is retried without a duplicate', async () => {
  const p = await proxy();
  const script = fileURLToPath(new URL('./python/idempotent_produce.py', import.meta.url));
  const n = SENDS * PER_SEND;
  const out = await new Promise<string>((resolve, reject) =>
    execFile('/usr/bin/python3', [script, p.bootstrap, 'cut-rdkafka', String(n)], { timeout: 50_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr.slice(-3000)}`)) : resolve(stdout),
    ),
  );
  const report = JSON.parse(out.trim().split('\n').pop()!);
  assert.deepEqual(report, { delivered: n, errors: [] }, 'every message delivered, no error');
  assert.equal(p.cuts, CUT_AT.length, 'the proxy cut three connections mid-request');
  await assertExactlyOnce('cut-rdkafka', Array.from({ length: n }, (_, i) => `rd-${i}`));
});
