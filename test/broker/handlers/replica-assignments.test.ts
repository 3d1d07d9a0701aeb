import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { ApiKey, ErrorCode } from '../../../src/protocol/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { rawRequest } from '../hostile/raw-client.ts';

// Observed case 9b: CreatePartitions accepted a manual assignment naming a broker that does not
// exist. Kafka answers INVALID_REPLICA_ASSIGNMENT for unknown brokers, duplicate replicas, a
// replica count unlike the topic's, or a number of assignments unlike the number of new
// partitions; CreateTopics takes manual assignments of this broker.

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
  await rawRequest(broker.bootstrap, ApiKey.CreateTopics, 5, { topics: [{ name: 'grow', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
});
after(() => broker.stop());

const grow = (count: number, assignments: number[][] | null) =>
  rawRequest(broker.bootstrap, ApiKey.CreatePartitions, 3, { topics: [{ name: 'grow', count, assignments: assignments && assignments.map((brokerIds) => ({ brokerIds })) }], timeoutMs: 5000, validateOnly: false });

test('CreatePartitions checks manual assignments as Kafka does', async () => {
  for (const [what, count, assignments] of [
    ['a broker that does not exist', 2, [[2]]],
    ['duplicate replicas', 2, [[1, 1]]],
    ['two replicas of a one-replica topic', 2, [[1, 2]]],
    ['an empty replica list', 2, [[]]],
    ['fewer assignments than new partitions', 3, [[1]]],
    ['more assignments than new partitions', 2, [[1], [1]]],
    ['an empty list of assignments (null means none)', 2, []],
  ] as Array<[string, number, number[][]]>) {
    const r = await grow(count, assignments);
    assert.equal(r.results[0].errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT, what);
  }
  const meta = await rawRequest(broker.bootstrap, ApiKey.Metadata, 9, { topics: [{ name: 'grow' }], allowAutoTopicCreation: false });
  assert.equal(meta.topics[0].partitions.length, 1, 'nothing was added');
  const ok = await grow(3, [[1], [1]]);
  assert.equal(ok.results[0].errorCode, ErrorCode.NONE);
  // kafkajs with an assignment naming another broker is refused too.
  const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await assert.rejects(admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 4, assignments: [[7]] }] }), /replica assignment|INVALID_REPLICA_ASSIGNMENT|no such broker/i);
  } finally {
    await admin.disconnect();
  }
});

test('CreateTopics takes manual assignments of this broker and refuses others', async () => {
  const create = (name: string, assignments: Array<{ partitionIndex: number; brokerIds: number[] }>, numPartitions = -1) =>
    rawRequest(broker.bootstrap, ApiKey.CreateTopics, 5, { topics: [{ name, numPartitions, replicationFactor: -1, assignments, configs: [] }], timeoutMs: 5000, validateOnly: false });
  const ok = await create('manual', [{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 1, brokerIds: [1] }]);
  assert.equal(ok.topics[0].errorCode, ErrorCode.NONE);
  assert.equal(ok.topics[0].numPartitions, 2);
  assert.equal((await create('elsewhere', [{ partitionIndex: 0, brokerIds: [5] }])).topics[0].errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  assert.equal((await create('gappy', [{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 2, brokerIds: [1] }])).topics[0].errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  assert.equal((await create('both', [{ partitionIndex: 0, brokerIds: [1] }], 3)).topics[0].errorCode, ErrorCode.INVALID_REQUEST);
});
