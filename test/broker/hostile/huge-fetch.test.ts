import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { ApiKey, encodeRequest, ErrorCode } from '../../../src/protocol/index.ts';
import { buildBatch, forEachStoredBatch } from '../../../src/protocol/records/index.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { BUDGET_ARGS, BUDGETS, fdBound, normalClientRoundTrip, rssBound, startBrokerChild, type BrokerChild } from './broker-child.ts';
import { open, rawRequest } from './raw-client.ts';

// Observed case 2 (huge fetches): one Fetch with max.bytes 2^31-1 read a 286 MB partition into
// memory synchronously, stalling everyone; ten of them pipelined and never read froze the broker
// and added gigabytes of RSS. Now fetch responses are capped by the broker's fetch.max.bytes
// (an oversized first batch still goes out, KIP-74), their data is read off the event loop as
// the socket drains, and a connection whose responses are not read stops being served.

const MIB = 1024 * 1024;
const BATCH = 512 * 1024;
const BATCHES = 96; // 48 MiB in the partition
const data = tempDir('sluice-hostile-fetch-');
let broker: BrokerChild;
let baseline = 0;

function batchOf(bytes: number, i: number): Buffer {
  return buildBatch({ records: [{ key: Buffer.from(`k${i}`), value: Buffer.alloc(bytes, i % 251), timestamp: BigInt(Date.now()) }] });
}

const fetchBody = (maxBytes: number, partitionMaxBytes: number, partitions = [0]) => ({
  replicaId: -1,
  maxWaitMs: 0,
  minBytes: 0,
  maxBytes,
  isolationLevel: 0,
  topics: [{ topic: 'heavy', partitions: partitions.map((partition) => ({ partition, fetchOffset: 0n, partitionMaxBytes })) }],
});

before(async () => {
  broker = await startBrokerChild(data.dir, [...BUDGET_ARGS, '--config', 'message.max.bytes=12582912']);
  await rawRequest(broker.bootstrap, ApiKey.CreateTopics, 5, {
    topics: [{ name: 'heavy', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 10_000,
    validateOnly: false,
  });
  // One batch per Produce, as Kafka requires from v3 on.
  for (let i = 0; i < BATCHES; i++) {
    const records = batchOf(BATCH - 100, i);
    const out = await rawRequest(broker.bootstrap, ApiKey.Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 10_000, topicData: [{ name: 'heavy', partitionData: [{ index: 0, records }] }] });
    assert.equal(out.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
  }
  // Partition 1: one batch larger than fetch.max.bytes (8 MiB).
  const giant = await rawRequest(broker.bootstrap, ApiKey.Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 10_000, topicData: [{ name: 'heavy', partitionData: [{ index: 1, records: batchOf(10 * MIB, 1) }] }] });
  assert.equal(giant.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
  await normalClientRoundTrip(broker.bootstrap, 'warm-up');
  baseline = broker.rssBytes();
});
after(async () => {
  await broker.stop('SIGKILL');
  data.cleanup();
});

function recordBytes(body: any): number[] {
  return body.responses[0].partitions.map((p: { records: Buffer | null }) => p.records?.length ?? 0);
}

test('a fetch asking for 2^31-1 bytes gets at most fetch.max.bytes, in whole batches', async () => {
  const body = await rawRequest(broker.bootstrap, ApiKey.Fetch, 11, { ...fetchBody(0x7fffffff, 0x7fffffff), rackId: '' });
  const [bytes] = recordBytes(body);
  assert.ok(bytes! > 0 && bytes! <= BUDGETS.fetchMaxBytes, `${bytes} bytes returned, cap ${BUDGETS.fetchMaxBytes}`);
  let whole = 0;
  forEachStoredBatch(body.responses[0].partitions[0].records, (_pos, size) => {
    whole += size;
  });
  assert.equal(whole, bytes, 'whole batches only');
  assert.ok(bytes! > BUDGETS.fetchMaxBytes - BATCH, 'filled up to the cap');
  // v2 has no request-level max bytes: the broker cap still applies.
  const old = await rawRequest(broker.bootstrap, ApiKey.Fetch, 2, fetchBody(0x7fffffff, 0x7fffffff));
  assert.ok(recordBytes(old)[0]! <= BUDGETS.fetchMaxBytes);
});

test('KIP-74: the first batch of the first partition with data is returned whatever its size, later ones stay within the limit', async () => {
  const first = await rawRequest(broker.bootstrap, ApiKey.Fetch, 11, { ...fetchBody(1024, 1024, [1, 0]), rackId: '' });
  const [giant, rest] = recordBytes(first);
  assert.ok(giant! > 10 * MIB, `the 10 MiB batch comes whole (${giant} bytes) though it exceeds fetch.max.bytes`);
  assert.equal(rest, 0, 'the next partition gets nothing once the limit is used up');
});

test('ten huge fetches pipelined on each of two connections and never read: memory stays bounded, others are served', async () => {
  const sockets: Socket[] = [];
  try {
    for (let c = 0; c < 2; c++) {
      const s = await open(broker.bootstrap);
      s.pause(); // never read
      const frames = Array.from({ length: 10 }, (_, i) => encodeRequest(ApiKey.Fetch, 11, i + 1, 'hog', { ...fetchBody(0x7fffffff, 0x7fffffff), rackId: '' }));
      s.write(Buffer.concat(frames));
      sockets.push(s);
    }
    await new Promise((r) => setTimeout(r, 1500));
    await normalClientRoundTrip(broker.bootstrap, 'while 20 huge fetches wait unread');
    const rss = broker.rssBytes();
    assert.ok(rss <= rssBound(baseline, 10), `RSS ${Math.round(rss / MIB)} MiB within ${Math.round(rssBound(baseline, 10) / MIB)} MiB`);
    assert.ok(broker.openFds() <= fdBound(1000, 10));
  } finally {
    for (const s of sockets) s.destroy();
  }
  await normalClientRoundTrip(broker.bootstrap, 'after the unread fetches');
});
