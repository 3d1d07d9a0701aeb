import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, ErrorCode } from '../../../src/protocol/index.ts';
import { buildBatch } from '../../../src/protocol/records/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { RawClient } from '../../helpers/raw-client.ts';

// Idempotent produce at the wire level: hand-built batches (producer id, epoch, base sequence)
// sent with our codec over a raw socket, so every answer of the sequence checks is visible:
// duplicates among the last five batches are acknowledged with their original offsets and not
// written again; gaps, unknown producers and old epochs are refused with Kafka's error codes.

const TOPIC = 'seq';
const { dir, cleanup } = tempDir('sluice-seq-');
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let client: RawClient;

before(async () => {
  broker = await startTestBroker({ dataDir: dir });
  client = await RawClient.open(broker.port);
  const created = await client.call(ApiKey.CreateTopics, 5, { topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
});
after(async () => {
  client.close();
  await broker.stop();
  cleanup();
});

async function initProducerId(): Promise<bigint> {
  const r = await client.call(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
  assert.equal(r.errorCode, ErrorCode.NONE);
  assert.equal(r.producerEpoch, 0);
  return r.producerId;
}

/** Produces one batch of `count` records; returns the partition's error code and base offset. */
async function produce(producerId: bigint, producerEpoch: number, baseSequence: number, count: number, tag = 'v'): Promise<{ errorCode: number; baseOffset: number }> {
  const records = Array.from({ length: count }, (_, i) => ({ value: Buffer.from(`${tag}-${baseSequence + i}`), timestamp: BigInt(Date.now()) }));
  const batch = buildBatch({ producerId, producerEpoch, baseSequence, records });
  const r = await client.call(ApiKey.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch }] }] });
  const p = r.responses[0].partitionResponses[0];
  return { errorCode: p.errorCode, baseOffset: Number(p.baseOffset) };
}

async function logEnd(): Promise<number> {
  const r = await client.call(ApiKey.ListOffsets, 5, { replicaId: -1, isolationLevel: 0, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }] });
  return Number(r.topics[0].partitions[0].offset);
}

const ok = (baseOffset: number) => ({ errorCode: ErrorCode.NONE, baseOffset });

test('duplicates among the last five batches are answered with their first offsets and not written', async () => {
  const pid = await initProducerId();
  const start = await logEnd();
  assert.deepEqual(await produce(pid, 0, 0, 3), ok(start));
  assert.deepEqual(await produce(pid, 0, 3, 2), ok(start + 3));
  assert.deepEqual(await produce(pid, 0, 0, 3), ok(start), 'a resent first batch gets its original offset');
  assert.deepEqual(await produce(pid, 0, 3, 2), ok(start + 3), 'a resent last batch too');
  assert.equal(await logEnd(), start + 5, 'nothing written twice');

  for (let seq = 5; seq < 10; seq++) assert.deepEqual(await produce(pid, 0, seq, 1), ok(start + seq));
  assert.deepEqual(await produce(pid, 0, 5, 1), ok(start + 5), 'the oldest of the last five batches is still a duplicate');
  const evicted = await produce(pid, 0, 3, 2);
  assert.equal(evicted.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'a batch older than the last five can no longer be recognised');
  assert.equal(await logEnd(), start + 10);
});

test('a gap in the sequence is OUT_OF_ORDER_SEQUENCE_NUMBER (45) and writes nothing', async () => {
  const pid = await initProducerId();
  const start = await logEnd();
  assert.deepEqual(await produce(pid, 0, 0, 2), ok(start));
  assert.equal((await produce(pid, 0, 3, 1)).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'expected 2, got 3');
  assert.equal((await produce(pid, 0, 1, 2)).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'overlapping a batch without matching it');
  assert.deepEqual(await produce(pid, 0, 2, 1), ok(start + 2), 'the expected sequence is still accepted');
  assert.equal(await logEnd(), start + 3);
});

test('a producer without state here that does not start at 0 is UNKNOWN_PRODUCER_ID (59)', async () => {
  const pid = await initProducerId();
  const start = await logEnd();
  assert.equal((await produce(pid, 0, 7, 1)).errorCode, ErrorCode.UNKNOWN_PRODUCER_ID);
  assert.deepEqual(await produce(pid, 0, 0, 1), ok(start), 'starting at 0 is accepted');
  assert.equal(await logEnd(), start + 1);
});

test('an older epoch is INVALID_PRODUCER_EPOCH (47); a newer epoch must restart at sequence 0', async () => {
  const pid = await initProducerId();
  const start = await logEnd();
  assert.deepEqual(await produce(pid, 0, 0, 2), ok(start));
  assert.equal((await produce(pid, 1, 2, 1)).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'new epoch, sequence not 0');
  assert.deepEqual(await produce(pid, 1, 0, 1), ok(start + 2), 'new epoch from sequence 0');
  assert.equal((await produce(pid, 0, 2, 1)).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH, 'the old epoch is fenced');
  assert.equal((await produce(pid, 0, 0, 2)).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH, 'even for a resend of one of its batches');
  assert.equal(await logEnd(), start + 3);
});

test('duplicate detection survives a restart of the broker on the same data dir', async () => {
  const pid = await initProducerId();
  const start = await logEnd();
  assert.deepEqual(await produce(pid, 0, 0, 4), ok(start));
  assert.deepEqual(await produce(pid, 0, 4, 4), ok(start + 4));
  client.close();
  await broker.close();
  broker = await startTestBroker({ dataDir: dir });
  client = await RawClient.open(broker.port);
  assert.deepEqual(await produce(pid, 0, 4, 4), ok(start + 4), 'the last batch, resent after the restart, is a duplicate');
  assert.deepEqual(await produce(pid, 0, 0, 4), ok(start), 'so is the one before');
  assert.deepEqual(await produce(pid, 0, 8, 1), ok(start + 8), 'and the sequence goes on');
  assert.equal((await produce(pid, 0, 10, 1)).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  assert.equal(await logEnd(), start + 9);
});
