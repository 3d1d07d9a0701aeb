import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { Admin } from '@platformatic/kafka';
import { ApiKey, ErrorCode } from '../../../src/protocol/index.ts';
import { startBroker } from '../../../src/broker/index.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { rawRequest } from '../hostile/raw-client.ts';

// Observed case 9a: OffsetDelete (API 47, Kafka 2.4+) closed the connection (kafka-go's
// Client.OffsetDelete saw an unexpected EOF). Kafka's semantics: an empty group's offsets are
// deleted; a consumer group with members keeps the offsets of topics it subscribes to
// (GROUP_SUBSCRIBED_TO_TOPIC) and loses the others; any other group with members is
// NON_EMPTY_GROUP; unknown partitions are UNKNOWN_TOPIC_OR_PARTITION; unknown groups
// GROUP_ID_NOT_FOUND. Deletions are durable.

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const offsetDelete = (bootstrap: string, groupId: string, topics: Array<[string, number[]]>) =>
  rawRequest(bootstrap, ApiKey.OffsetDelete, 0, { groupId, topics: topics.map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex })) })) });

const codes = (r: any) => Object.fromEntries(r.topics.flatMap((t: any) => t.partitions.map((p: any) => [`${t.name}-${p.partitionIndex}`, p.errorCode])));

test('OffsetDelete with Kafka semantics, through the wire and through @platformatic/kafka, durable across a restart', async () => {
  const data = tempDir('sluice-offset-delete-');
  let broker = await startBroker({ dataDir: data.dir, port: 0 });
  const kafka = () => new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  try {
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'od-a' }, { topic: 'od-b' }] });
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({ topic: 'od-a', messages: [{ value: '1' }, { value: '2' }] });
    await producer.disconnect();
    await admin.setOffsets({ groupId: 'od-g', topic: 'od-a', partitions: [{ partition: 0, offset: '1' }] });
    await admin.setOffsets({ groupId: 'od-g', topic: 'od-b', partitions: [{ partition: 0, offset: '0' }] });

    // A member subscribed to od-a only: the group is a non-empty consumer group.
    const consumer = kafka().consumer({ groupId: 'od-g', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'od-a' });
    let got = 0;
    await new Promise<void>((resolve) => void consumer.run({ autoCommit: false, eachMessage: async () => void (++got === 1 && resolve()) }));
    const busy = await offsetDelete(broker.bootstrap, 'od-g', [['od-a', [0]], ['od-b', [0]], ['nowhere', [0]]]);
    assert.equal(busy.errorCode, ErrorCode.NONE);
    assert.deepEqual(codes(busy), { 'od-a-0': ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, 'od-b-0': ErrorCode.NONE, 'nowhere-0': ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
    await consumer.disconnect();

    // Empty now: @platformatic/kafka's deleteConsumerGroupOffsets removes od-a's offset.
    const plt = new Admin({ clientId: 'od', bootstrapBrokers: [broker.bootstrap] });
    try {
      const deleted = await plt.deleteConsumerGroupOffsets({ groupId: 'od-g', topics: [{ name: 'od-a', partitionIndexes: [0] }] });
      assert.deepEqual(deleted, [{ name: 'od-a', partitionIndexes: [0] }]);
    } finally {
      await plt.close();
    }
    const left = await admin.fetchOffsets({ groupId: 'od-g', topics: ['od-a', 'od-b'] });
    assert.deepEqual(left.map((t) => [t.topic, t.partitions[0]!.offset]), [['od-a', '-1'], ['od-b', '-1']]);

    assert.equal((await offsetDelete(broker.bootstrap, 'no-such-group', [['od-a', [0]]])).errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
    assert.equal((await offsetDelete(broker.bootstrap, '', [['od-a', [0]]])).errorCode, ErrorCode.INVALID_GROUP_ID);
    await admin.disconnect();

    // A group of another protocol with a member: NON_EMPTY_GROUP.
    const join = await rawRequest(broker.bootstrap, ApiKey.JoinGroup, 5, {
      groupId: 'connect-g', sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000, memberId: '', groupInstanceId: 'w1',
      protocolType: 'connect', protocols: [{ name: 'default', metadata: Buffer.from([0]) }],
    });
    assert.equal(join.errorCode, ErrorCode.NONE);
    assert.equal((await offsetDelete(broker.bootstrap, 'connect-g', [['od-a', [0]]])).errorCode, ErrorCode.NON_EMPTY_GROUP);

    await broker.close();
    broker = await startBroker({ dataDir: data.dir, port: 0 });
    const again = kafka().admin();
    await again.connect();
    const after = await again.fetchOffsets({ groupId: 'od-g', topics: ['od-a', 'od-b'] });
    await again.disconnect();
    assert.deepEqual(after.map((t) => t.partitions[0]!.offset), ['-1', '-1'], 'deleted offsets stay deleted after a restart');
  } finally {
    await broker.close();
    data.cleanup();
  }
});
