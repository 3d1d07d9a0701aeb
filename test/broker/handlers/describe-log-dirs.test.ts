import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { startTestBroker } from '../../helpers/broker.ts';
import { createTopics, produce } from '../../connectors/kafka-helpers.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let admin: Admin;

/** Bytes of the segment files (`*.log`) of one partition directory. */
function segmentBytes(topic: string, partition: number): number {
  const dir = join(broker.dataDir, 'logs', `${topic}-${partition}`);
  return readdirSync(dir).filter((f) => f.endsWith('.log')).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { sized: 2, other: 1 });
  await produce(broker.bootstrap, 'sized', Array.from({ length: 20 }, (_, i) => ({ partition: 0, key: `k${i}`, value: 'x'.repeat(100) })));
  admin = new Admin({ clientId: 'log-dirs-test', bootstrapBrokers: [broker.bootstrap] });
});

after(async () => {
  await admin?.close();
  await broker?.stop();
});

test('DescribeLogDirs (v4, the client default): sizes of the asked partitions equal their segment bytes', async () => {
  const brokers = await admin.describeLogDirs({ topics: [{ name: 'sized', partitions: [0, 1, 7] }, { name: 'missing', partitions: [0] }] });
  assert.equal(brokers.length, 1);
  const [dir] = brokers[0]!.results;
  assert.equal(dir!.logDir, resolve(broker.dataDir));
  assert.ok(dir!.totalBytes > 0n && dir!.usableBytes >= 0n && dir!.usableBytes <= dir!.totalBytes, 'disk capacity from statfs');
  // Kafka leaves out partitions and topics it does not host.
  assert.deepEqual(dir!.topics.map((t) => t.name), ['sized']);
  const parts = dir!.topics[0]!.partitions.map((p) => [p.partitionIndex, Number(p.partitionSize), Number(p.offsetLag), p.isFutureKey]);
  assert.deepEqual(parts, [
    [0, segmentBytes('sized', 0), 0, false],
    [1, 0, 0, false],
  ]);
  assert.ok(segmentBytes('sized', 0) > 2000, 'twenty 100-byte records were written');
});

test('DescribeLogDirs with null topics describes every partition', async () => {
  const brokers = await admin.describeLogDirs({ topics: null as never });
  const names = brokers[0]!.results[0]!.topics.map((t) => `${t.name}:${t.partitions.length}`).sort();
  assert.deepEqual(names, ['other:1', 'sized:2']);
});
