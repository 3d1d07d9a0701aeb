import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, ErrorCode } from '../../../src/protocol/index.ts';
import { buildBatch } from '../../../src/protocol/records/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { RawClient } from '../../helpers/raw-client.ts';

// Leader epochs: every partition is led by this broker at epoch 0 (Metadata says so). A request
// that names another current epoch is refused as Kafka refuses it: older is FENCED_LEADER_EPOCH,
// newer UNKNOWN_LEADER_EPOCH, -1 asks for no check. OffsetForLeaderEpoch answers an epoch the
// partition never had (newer than 0, or -1) with no end offset (-1, -1).

const TOPIC = 'epochs';
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let client: RawClient;

before(async () => {
  broker = await startTestBroker();
  client = await RawClient.open(broker.port);
  const created = await client.call(ApiKey.CreateTopics, 5, { topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
  const batch = buildBatch({ records: [{ value: Buffer.from('a'), timestamp: 1000n }, { value: Buffer.from('b'), timestamp: 2000n }] });
  const produced = await client.call(ApiKey.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch }] }] });
  assert.equal(produced.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
});

after(async () => {
  client?.close();
  await broker?.stop();
});

const CASES: Array<[epoch: number, error: number]> = [
  [-1, ErrorCode.NONE],
  [0, ErrorCode.NONE],
  [-2, ErrorCode.FENCED_LEADER_EPOCH],
  [1, ErrorCode.UNKNOWN_LEADER_EPOCH],
  [7, ErrorCode.UNKNOWN_LEADER_EPOCH],
];

test('Fetch v12: currentLeaderEpoch checked per partition', async () => {
  for (const [epoch, error] of CASES) {
    const r = await client.call(ApiKey.Fetch, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: epoch, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const p = r.responses[0].partitions[0];
    assert.equal(p.errorCode, error, `epoch ${epoch}`);
    if (error !== ErrorCode.NONE) assert.ok(p.records === null || p.records.length === 0, 'no records with an epoch error');
    else assert.ok(p.records.length > 0);
  }
});

test('ListOffsets v7: currentLeaderEpoch checked per partition', async () => {
  for (const [epoch, error] of CASES) {
    const r = await client.call(ApiKey.ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: epoch, timestamp: -1n }] }] });
    const p = r.topics[0].partitions[0];
    assert.equal(p.errorCode, error, `epoch ${epoch}`);
    assert.equal(Number(p.offset), error === ErrorCode.NONE ? 2 : -1);
  }
});

test('OffsetForLeaderEpoch v4: current epoch checked; the end offset of epoch 0 only', async () => {
  for (const [epoch, error] of CASES) {
    const r = await client.call(ApiKey.OffsetForLeaderEpoch, 4, { replicaId: -1, topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: epoch, leaderEpoch: 0 }] }] });
    const p = r.topics[0].partitions[0];
    assert.deepEqual([p.errorCode, p.leaderEpoch, Number(p.endOffset)], error === ErrorCode.NONE ? [ErrorCode.NONE, 0, 2] : [error, -1, -1], `current epoch ${epoch}`);
  }
  for (const [leaderEpoch, expected] of [[0, [0, 2]], [3, [-1, -1]], [-1, [-1, -1]]] as const) {
    const r = await client.call(ApiKey.OffsetForLeaderEpoch, 4, { replicaId: -1, topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch }] }] });
    const p = r.topics[0].partitions[0];
    assert.deepEqual([p.errorCode, p.leaderEpoch, Number(p.endOffset)], [ErrorCode.NONE, ...expected], `leader epoch ${leaderEpoch}`);
  }
});
