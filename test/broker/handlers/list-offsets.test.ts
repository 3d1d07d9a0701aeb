import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, ErrorCode } from '../../../src/protocol/index.ts';
import { buildBatch } from '../../../src/protocol/records/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { RawClient } from '../../helpers/raw-client.ts';

// ListOffsets against an open transaction. Kafka answers a read_committed lookup from the log
// below the last stable offset only: a timestamp (or the max timestamp, KIP-734) that first
// matches inside the open transaction has no offset yet (-1), as a read_committed fetch could
// not return that record either. read_uncommitted sees the whole log.

const TOPIC = 'lso';
const READ_UNCOMMITTED = 0;
const READ_COMMITTED = 1;
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let client: RawClient;

async function produce(records: Array<{ ts: number }>, producer?: { id: bigint; epoch: number; transactionalId: string }): Promise<void> {
  const batch = buildBatch({
    producerId: producer?.id ?? -1n,
    producerEpoch: producer?.epoch ?? -1,
    baseSequence: producer ? 0 : -1,
    transactional: producer !== undefined,
    records: records.map((r) => ({ value: Buffer.from(`at-${r.ts}`), timestamp: BigInt(r.ts) })),
  });
  const r = await client.call(ApiKey.Produce, 9, { transactionalId: producer?.transactionalId ?? null, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch }] }] });
  assert.equal(r.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
}

async function listOffset(timestamp: number, isolationLevel: number): Promise<[number, number]> {
  const r = await client.call(ApiKey.ListOffsets, 7, { replicaId: -1, isolationLevel, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: BigInt(timestamp) }] }] });
  const p = r.topics[0].partitions[0];
  assert.equal(p.errorCode, ErrorCode.NONE);
  return [Number(p.offset), Number(p.timestamp)];
}

before(async () => {
  broker = await startTestBroker();
  client = await RawClient.open(broker.port);
  const created = await client.call(ApiKey.CreateTopics, 5, { topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
  await produce([{ ts: 1000 }, { ts: 2000 }]); // offsets 0 and 1, committed
  const init = await client.call(ApiKey.InitProducerId, 4, { transactionalId: 'lso-tx', transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
  assert.equal(init.errorCode, ErrorCode.NONE);
  const added = await client.call(ApiKey.AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: 'lso-tx', v3AndBelowProducerId: init.producerId, v3AndBelowProducerEpoch: init.producerEpoch, v3AndBelowTopics: [{ name: TOPIC, partitions: [0] }] });
  assert.equal(added.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, ErrorCode.NONE);
  await produce([{ ts: 3000 }], { id: init.producerId, epoch: init.producerEpoch, transactionalId: 'lso-tx' }); // offset 2, open
});

after(async () => {
  client?.close();
  await broker?.stop();
});

test('read_committed: latest is the last stable offset, and lookups stop below it', async () => {
  assert.deepEqual(await listOffset(-1, READ_COMMITTED), [2, -1]);
  assert.deepEqual(await listOffset(1500, READ_COMMITTED), [1, 2000], 'a committed record is found');
  assert.deepEqual(await listOffset(2500, READ_COMMITTED), [-1, -1], 'the only match is in the open transaction');
  assert.deepEqual(await listOffset(-3, READ_COMMITTED), [-1, -1], 'the max-timestamp record is in the open transaction');
  assert.deepEqual(await listOffset(-2, READ_COMMITTED), [0, -1], 'earliest is not bounded');
});

test('read_uncommitted: the whole log', async () => {
  assert.deepEqual(await listOffset(-1, READ_UNCOMMITTED), [3, -1]);
  assert.deepEqual(await listOffset(2500, READ_UNCOMMITTED), [2, 3000]);
  assert.deepEqual(await listOffset(-3, READ_UNCOMMITTED), [2, 3000]);
});
