import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { ApiKey, ErrorCode } from '../../../src/protocol/index.ts';
import { buildBatch } from '../../../src/protocol/records/index.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { BUDGET_ARGS, fdBound, normalClientRoundTrip, rssBound, startBrokerChild, type BrokerChild } from './broker-child.ts';
import { rawRequest } from './raw-client.ts';

// Observed case 1 (file-handle exhaustion): one CreateTopics or CreatePartitions asking for
// 100,000 partitions used to open ~20,000 files within seconds, hit EMFILE and lock every client
// out; after a clean stop the broker could not start again. Now a request may add at most 10,000
// partitions (POLICY_VIOLATION, as Kafka's controller), the broker holds at most
// sluice.max.partitions, partitions open their files lazily through a bounded cache, and a broker
// restarted on 10,000 partitions starts and serves.

const MAX_OPEN = 64;
const ARGS = [...BUDGET_ARGS, '--max-open-segment-files', String(MAX_OPEN), '--max-partitions', '15000'];
const data = tempDir('sluice-hostile-partitions-');
let broker: BrokerChild;
let baseline = 0;

before(async () => {
  broker = await startBrokerChild(data.dir, ARGS);
  await normalClientRoundTrip(broker.bootstrap, 'warm-up');
  baseline = broker.rssBytes();
});
after(async () => {
  await broker.stop('SIGKILL');
  data.cleanup();
});

const createTopics = (topics: Array<{ name: string; numPartitions: number }>) =>
  rawRequest(broker.bootstrap, ApiKey.CreateTopics, 5, {
    topics: topics.map((t) => ({ ...t, replicationFactor: 1, assignments: [], configs: [] })),
    timeoutMs: 60_000,
    validateOnly: false,
  }, 120_000);

test('a request for more than 10,000 new partitions is refused whole with POLICY_VIOLATION, logged once', async () => {
  const big = await createTopics([{ name: 'big', numPartitions: 100_000 }]);
  assert.equal(big.topics[0].errorCode, ErrorCode.POLICY_VIOLATION);
  assert.match(big.topics[0].errorMessage, /Excessively large number of partitions per request/);
  // Two topics of 6,000 each: 12,000 in one request, both refused.
  const pair = await createTopics([{ name: 'pair-a', numPartitions: 6000 }, { name: 'pair-b', numPartitions: 6000 }]);
  assert.deepEqual(pair.topics.map((t: { errorCode: number }) => t.errorCode), [ErrorCode.POLICY_VIOLATION, ErrorCode.POLICY_VIOLATION]);
  const grow = await createTopics([{ name: 'small', numPartitions: 1 }]);
  assert.equal(grow.topics[0].errorCode, ErrorCode.NONE);
  const more = await rawRequest(broker.bootstrap, ApiKey.CreatePartitions, 3, { topics: [{ name: 'small', count: 100_000, assignments: null }], timeoutMs: 60_000, validateOnly: false });
  assert.equal(more.results[0].errorCode, ErrorCode.POLICY_VIOLATION);
  const meta = await rawRequest(broker.bootstrap, ApiKey.Metadata, 9, { topics: [{ name: 'big' }, { name: 'small' }], allowAutoTopicCreation: false });
  assert.equal(meta.topics[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'nothing of "big" was created');
  assert.equal(meta.topics[1].partitions.length, 1, '"small" did not grow');
  const warned = await broker.waitForWarnings('partitions per request');
  assert.equal(warned.length, 1, 'one warn line for the refusals (more are counted, not repeated)');
  assert.match(warned[0]!.msg, /at most 10000 new partitions per request/);
});

test('10,000 partitions in one request are created; past sluice.max.partitions creation is refused', async () => {
  const wide = await createTopics([{ name: 'wide', numPartitions: 10_000 }]);
  assert.equal(wide.topics[0].errorCode, ErrorCode.NONE);
  const over = await createTopics([{ name: 'over', numPartitions: 6000 }]);
  assert.equal(over.topics[0].errorCode, ErrorCode.POLICY_VIOLATION);
  assert.match(over.topics[0].errorMessage, /sluice\.max\.partitions/);
  assert.equal((await broker.waitForWarnings('sluice.max.partitions')).length, 1);
  assert.ok(broker.openFds() <= fdBound(MAX_OPEN, 10), `idle partitions hold no files: ${broker.openFds()} descriptors open`);
});

test('writing to 2,000 partitions keeps open files within the cache; a normal client is served', async () => {
  const partitionData = Array.from({ length: 2000 }, (_, index) => ({
    index,
    records: buildBatch({ records: [{ key: Buffer.from(`k${index}`), value: Buffer.from(`v${index}`), timestamp: BigInt(Date.now()) }] }),
  }));
  const produced = await rawRequest(broker.bootstrap, ApiKey.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: 'wide', partitionData }] }, 120_000);
  const codes = new Set(produced.responses[0].partitionResponses.map((p: { errorCode: number }) => p.errorCode));
  assert.deepEqual([...codes], [ErrorCode.NONE]);
  assert.ok(broker.openFds() <= fdBound(MAX_OPEN, 10), `${broker.openFds()} descriptors open with a cache of ${MAX_OPEN}`);
  await normalClientRoundTrip(broker.bootstrap, 'after 2,000 partitions written');
  assert.ok(broker.rssBytes() <= rssBound(baseline, 10) + 64 * 1024 * 1024, `RSS ${broker.rssBytes()} within the bound (10,000 partitions add their in-memory state)`);
});

test('a broker restarted on its 10,000-partition data directory starts, keeps every record and serves', async (t) => {
  const stopped = await broker.stop('SIGTERM');
  assert.equal(stopped.code, 0, 'clean stop');
  const started = performance.now();
  broker = await startBrokerChild(data.dir, ARGS);
  const startMs = Math.round(performance.now() - started);
  t.diagnostic(`restart on 10,000 partitions (+1): ${startMs} ms from spawn to listening`);
  assert.ok(broker.openFds() <= fdBound(MAX_OPEN, 10), `${broker.openFds()} descriptors open after recovery`);
  const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets('wide');
  await admin.disconnect();
  assert.equal(offsets.length, 10_000);
  assert.equal(offsets.reduce((n, o) => n + Number(o.high), 0), 2000, 'every record written before the restart is there');
  await normalClientRoundTrip(broker.bootstrap, 'after restart');
  assert.ok(broker.openFds() <= fdBound(MAX_OPEN, 10));
});
