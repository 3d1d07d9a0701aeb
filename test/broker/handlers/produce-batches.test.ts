import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, ErrorCode } from '../../../src/protocol/index.ts';
import { buildBatch } from '../../../src/protocol/records/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { RawClient } from '../../helpers/raw-client.ts';

// Produce v3+ carries exactly one record batch per partition: Kafka refuses none or several with
// INVALID_RECORD (ProduceRequest.validateRecords) and writes nothing of that partition.

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let client: RawClient;

before(async () => {
  broker = await startTestBroker();
  client = await RawClient.open(broker.port);
  const created = await client.call(ApiKey.CreateTopics, 5, { topics: [{ name: 'one-batch', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
});

after(async () => {
  client?.close();
  await broker?.stop();
});

const batch = (v: string) => buildBatch({ records: [{ value: Buffer.from(v), timestamp: 1000n }] });

async function produce(version: number, records: Buffer | null): Promise<{ errorCode: number; errorMessage: string | null }> {
  const r = await client.call(ApiKey.Produce, version, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'one-batch', partitionData: [{ index: 0, records }] }] });
  return r.responses[0].partitionResponses[0];
}

async function logEnd(): Promise<number> {
  const r = await client.call(ApiKey.ListOffsets, 5, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'one-batch', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }] });
  return Number(r.topics[0].partitions[0].offset);
}

test('two batches in one partition: INVALID_RECORD, nothing written', async () => {
  for (const version of [3, 9, 11]) {
    const r = await produce(version, Buffer.concat([batch('a'), batch('b')]));
    assert.equal(r.errorCode, ErrorCode.INVALID_RECORD, `v${version}`);
    if (version >= 8) assert.match(r.errorMessage ?? '', /exactly one record batch/, 'the message (Produce v8+) says why');
  }
  assert.equal(await logEnd(), 0);
});

test('no batch at all: INVALID_RECORD', async () => {
  for (const records of [Buffer.alloc(0), null]) {
    const r = await produce(9, records);
    assert.equal(r.errorCode, ErrorCode.INVALID_RECORD);
    assert.match(r.errorMessage ?? '', /at least one record batch/);
  }
});

test('one batch is written', async () => {
  assert.equal((await produce(9, batch('c'))).errorCode, ErrorCode.NONE);
  assert.equal(await logEnd(), 1);
});
