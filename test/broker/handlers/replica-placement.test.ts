import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ApiKey, ErrorCode } from '../../../src/protocol/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { RawClient } from '../../helpers/raw-client.ts';

// Leader elections and partition reassignments on a one-broker cluster, answered as Kafka's
// controller does: the only replica is already the preferred leader (ELECTION_NOT_NEEDED), a
// reassignment may only name this broker and then completes at once, none is ever ongoing.
// kafkajs's admin calls the reassignment APIs; the elections go over the wire at each version.

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let client: RawClient;
let admin: any;

before(async () => {
  broker = await startTestBroker();
  client = await RawClient.open(broker.port);
  const created = await client.call(ApiKey.CreateTopics, 5, { topics: [{ name: 'placed', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }, { name: 'other', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  assert.ok(created.topics.every((t: { errorCode: number }) => t.errorCode === ErrorCode.NONE));
  admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  await admin.connect();
});

after(async () => {
  await admin?.disconnect();
  client?.close();
  await broker?.stop();
});

test('kafkajs alterPartitionReassignments: this broker alone succeeds; other brokers and unknown partitions are refused', async () => {
  await admin.alterPartitionReassignments({ topics: [{ topic: 'placed', partitionAssignment: [{ partition: 0, replicas: [1] }, { partition: 1, replicas: [1] }] }] });
  await assert.rejects(
    admin.alterPartitionReassignments({ topics: [{ topic: 'placed', partitionAssignment: [{ partition: 0, replicas: [1, 2] }] }] }),
    (e: any) => e.errors?.[0]?.type === 'INVALID_REPLICA_ASSIGNMENT' || e.type === 'INVALID_REPLICA_ASSIGNMENT',
  );
  const r = await client.call(ApiKey.AlterPartitionReassignments, 0, {
    timeoutMs: 5000,
    topics: [
      { name: 'placed', partitions: [{ partitionIndex: 0, replicas: [] }, { partitionIndex: 1, replicas: [1, 1] }, { partitionIndex: 7, replicas: [1] }, { partitionIndex: 0, replicas: null }] },
      { name: 'missing', partitions: [{ partitionIndex: 0, replicas: [1] }] },
    ],
  });
  assert.equal(r.errorCode, ErrorCode.NONE);
  assert.deepEqual(
    r.responses.map((t: any) => [t.name, t.partitions.map((p: any) => [p.partitionIndex, p.errorCode])]),
    [
      ['placed', [[0, ErrorCode.INVALID_REPLICA_ASSIGNMENT], [1, ErrorCode.INVALID_REPLICA_ASSIGNMENT], [7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], [0, ErrorCode.NO_REASSIGNMENT_IN_PROGRESS]]],
      ['missing', [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
    ],
  );
  const v1 = await client.call(ApiKey.AlterPartitionReassignments, 1, { timeoutMs: 5000, allowReplicationFactorChange: false, topics: [{ name: 'placed', partitions: [{ partitionIndex: 1, replicas: [1] }] }] });
  assert.equal(v1.allowReplicationFactorChange, false, 'v1 echoes the flag');
  assert.equal(v1.responses[0].partitions[0].errorCode, ErrorCode.NONE, 'the same replica count: allowed without a factor change');
  const meta = await admin.fetchTopicMetadata({ topics: ['placed'] });
  assert.deepEqual(meta.topics[0].partitions.map((p: any) => p.replicas), [[1], [1]], 'nothing moved');
});

test('kafkajs listPartitionReassignments: none in progress, for named topics and for all', async () => {
  assert.deepEqual(await admin.listPartitionReassignments({ topics: [{ topic: 'placed', partitions: [0, 1] }, { topic: 'missing', partitions: [0] }] }), { topics: [] });
  assert.deepEqual(await admin.listPartitionReassignments({}), { topics: [] });
});

test('ElectLeaders v0-v2: ELECTION_NOT_NEEDED per existing partition, UNKNOWN_TOPIC_OR_PARTITION otherwise', async () => {
  for (const version of [0, 1, 2]) {
    for (const electionType of version === 0 ? [0] : [0, 1]) {
      const r = await client.call(ApiKey.ElectLeaders, version, { electionType, topicPartitions: [{ topic: 'placed', partitions: [0, 1, 5] }, { topic: 'missing', partitions: [0] }], timeoutMs: 5000 });
      assert.equal(r.errorCode, ErrorCode.NONE);
      assert.deepEqual(
        r.replicaElectionResults.map((t: any) => [t.topic, t.partitionResult.map((p: any) => [p.partitionId, p.errorCode])]),
        [
          ['placed', [[0, ErrorCode.ELECTION_NOT_NEEDED], [1, ErrorCode.ELECTION_NOT_NEEDED], [5, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
          ['missing', [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
        ],
        `v${version} election type ${electionType}`,
      );
    }
  }
});

test('ElectLeaders for every partition lists each topic without the partitions that needed none; an unknown type is INVALID_REQUEST', async () => {
  const all = await client.call(ApiKey.ElectLeaders, 2, { electionType: 0, topicPartitions: null, timeoutMs: 5000 });
  assert.equal(all.errorCode, ErrorCode.NONE);
  assert.deepEqual(all.replicaElectionResults.map((t: any) => [t.topic, t.partitionResult.length]).sort(), [['other', 0], ['placed', 0]]);
  const bad = await client.call(ApiKey.ElectLeaders, 1, { electionType: 7, topicPartitions: [{ topic: 'placed', partitions: [0] }], timeoutMs: 5000 });
  assert.equal(bad.errorCode, ErrorCode.INVALID_REQUEST);
});
