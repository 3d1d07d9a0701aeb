import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRequest, encodeRequest, type FetchRequest, type ProduceRequest } from '../../src/protocol/index.ts';
import { kafkajsFrame } from './kafkajs.ts';

// kafkajs (no flexible versions) encodes requests; we decode them, check fields, and re-encode:
// the bytes must be identical, which proves the same layout field by field.
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const tx = { transactionalId: 'tx', producerId: '7', producerEpoch: 1 };
/** TOPIC 'orders', PREFIXED, User:alice from any host, READ, ALLOW (kafkajs's own field names). */
const sizePrefixed = (text: string): Buffer => {
  const out = Buffer.alloc(4 + Buffer.byteLength(text));
  out.writeInt32BE(out.length - 4, 0);
  out.write(text, 4);
  return out;
};
const kjsAcl = { resourceType: 2, resourceName: 'orders', resourcePatternType: 4, principal: 'User:alice', host: '*', operation: 3, permissionType: 3 };

type Case = [api: string, versions: number[], args: unknown, check?: (body: never, version: number) => void];
const cases: Case[] = [
  ['apiVersions', range(0, 2), undefined],
  ['metadata', range(0, 6), { topics: ['a', 'b'], allowAutoTopicCreation: false }, (b: { topics: { name: string }[]; allowAutoTopicCreation: boolean }, v) => {
    assert.deepEqual(b.topics.map((t) => t.name), ['a', 'b']);
    assert.equal(b.allowAutoTopicCreation, v < 4);
  }],
  ['produce', range(0, 7), {
    acks: -1, timeout: 1000, transactionalId: null,
    topicData: [{ topic: 't', partitions: [{ partition: 3, messages: [{ key: 'k', value: 'v', timestamp: 1 }] }] }],
  }, (b: ProduceRequest) => {
    assert.equal(b.acks, -1);
    assert.equal(b.timeoutMs, 1000);
    assert.equal(b.topicData[0]!.name, 't');
    assert.equal(b.topicData[0]!.partitionData[0]!.index, 3);
    assert.ok(b.topicData[0]!.partitionData[0]!.records!.includes('k'));
  }],
  ['fetch', range(0, 11), {
    replicaId: -1, maxWaitTime: 500, minBytes: 1, maxBytes: 10000, isolationLevel: 1, rackId: 'r',
    topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: '5', maxBytes: 100 }] }],
  }, (b: FetchRequest, v) => {
    assert.equal(b.maxWaitMs, 500);
    assert.equal(b.topics[0]!.topic, 't');
    assert.equal(b.topics[0]!.partitions[0]!.fetchOffset, 5n);
    assert.equal(b.topics[0]!.partitions[0]!.partitionMaxBytes, 100);
    assert.equal(b.isolationLevel, v >= 4 ? 1 : 0);
    assert.equal(b.rackId, v >= 11 ? 'r' : '');
  }],
  ['listOffsets', range(0, 3), { replicaId: -1, isolationLevel: 1, topics: [{ topic: 't', partitions: [{ partition: 0, timestamp: -2 }] }] },
    (b: { topics: { partitions: { timestamp: bigint }[] }[] }) => assert.equal(b.topics[0]!.partitions[0]!.timestamp, -2n)],
  ['findCoordinator', [0], { groupId: 'g' }, (b: { key: string }) => assert.equal(b.key, 'g')],
  ['findCoordinator', [1, 2], { coordinatorKey: 'tx', coordinatorType: 1 }, (b: { key: string; keyType: number }) => {
    assert.equal(b.key, 'tx');
    assert.equal(b.keyType, 1);
  }],
  ['joinGroup', range(0, 5), {
    groupId: 'g', sessionTimeout: 30000, rebalanceTimeout: 60000, memberId: '', protocolType: 'consumer',
    groupProtocols: [{ name: 'rr', metadata: Buffer.from('meta') }],
  }, (b: { groupId: string; protocols: { name: string; metadata: Buffer }[] }) => {
    assert.equal(b.groupId, 'g');
    assert.deepEqual(b.protocols[0], { name: 'rr', metadata: Buffer.from('meta') });
  }],
  ['syncGroup', range(0, 3), { groupId: 'g', generationId: 1, memberId: 'm', groupAssignment: [{ memberId: 'm', memberAssignment: Buffer.from('a') }] }],
  ['heartbeat', range(0, 3), { groupId: 'g', groupGenerationId: 1, memberId: 'm', groupInstanceId: null }],
  ['leaveGroup', range(0, 2), { groupId: 'g', memberId: 'm' }],
  ['leaveGroup', [3], { groupId: 'g', members: [{ memberId: 'm', groupInstanceId: null }] }],
  ['offsetCommit', range(0, 5), {
    groupId: 'g', groupGenerationId: 1, memberId: 'm', retentionTime: -1,
    topics: [{ topic: 't', partitions: [{ partition: 0, offset: '10', timestamp: 5 }] }],
  }, (b: { topics: { partitions: { committedOffset: bigint }[] }[] }) => assert.equal(b.topics[0]!.partitions[0]!.committedOffset, 10n)],
  ['offsetFetch', range(1, 4), { groupId: 'g', topics: [{ topic: 't', partitions: [{ partition: 0 }] }] }],
  ['listGroups', range(0, 2), undefined],
  ['describeGroups', range(0, 2), { groupIds: ['g'] }],
  ['createTopics', range(0, 3), {
    topics: [{ topic: 't', numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    timeout: 5000, validateOnly: false,
  }, (b: { topics: { name: string; numPartitions: number; configs: { name: string; value: string }[] }[] }) => {
    assert.equal(b.topics[0]!.numPartitions, 3);
    assert.deepEqual(b.topics[0]!.configs, [{ name: 'cleanup.policy', value: 'compact' }]);
  }],
  ['deleteTopics', range(0, 1), { topics: ['t'], timeout: 5000 }],
  ['initProducerId', range(0, 1), { transactionalId: 'tx', transactionTimeout: 60000 }],
  ['addPartitionsToTxn', range(0, 1), { ...tx, topics: [{ topic: 't', partitions: [0, 1] }] }],
  ['addOffsetsToTxn', range(0, 1), { ...tx, groupId: 'g' }],
  ['endTxn', range(0, 1), { ...tx, transactionResult: true }],
  ['txnOffsetCommit', range(0, 1), { ...tx, groupId: 'g', topics: [{ topic: 't', partitions: [{ partition: 0, offset: '5', metadata: null }] }] }],
  ['createPartitions', range(0, 1), { topicPartitions: [{ topic: 't', count: 4 }], validateOnly: false, timeout: 5000 }],
  ['describeConfigs', range(0, 2), { resources: [{ type: 2, name: 't', configNames: ['retention.ms'] }], includeSynonyms: true }],
  ['alterConfigs', range(0, 1), { resources: [{ type: 2, name: 't', configEntries: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: false }],
  ['deleteRecords', range(0, 1), { topics: [{ topic: 't', partitions: [{ partition: 0, offset: '5' }] }], timeout: 5000 }],
  ['deleteGroups', range(0, 1), ['g']],
  ['saslHandshake', range(0, 1), { mechanism: 'SCRAM-SHA-256' }, (b: { mechanism: string }) => assert.equal(b.mechanism, 'SCRAM-SHA-256')],
  // kafkajs's mechanisms hand SaslAuthenticate their token already size-prefixed (it writes them raw).
  ['saslAuthenticate', range(0, 1), { authBytes: sizePrefixed('\0alice\0secret') }, (b: { authBytes: Buffer }) => assert.deepEqual(b.authBytes, Buffer.from('\0alice\0secret'))],
  ['createAcls', range(0, 1), { creations: [kjsAcl] }, (b: { creations: Record<string, unknown>[] }, v) => {
    assert.deepEqual(b.creations[0], { resourceType: 2, resourceName: 'orders', resourcePatternType: v >= 1 ? 4 : 3, principal: 'User:alice', host: '*', operation: 3, permissionType: 3 });
  }],
  ['describeAcls', range(0, 1), { ...kjsAcl, resourceName: null, host: null, resourcePatternType: 1 }, (b: Record<string, unknown>, v) => {
    assert.deepEqual(b, { resourceTypeFilter: 2, resourceNameFilter: null, patternTypeFilter: v >= 1 ? 1 : 3, principalFilter: 'User:alice', hostFilter: null, operation: 3, permissionType: 3 });
  }],
  ['deleteAcls', range(0, 1), { filters: [{ ...kjsAcl, principal: null }] }, (b: { filters: Record<string, unknown>[] }) => {
    assert.equal(b.filters[0]!.principalFilter, null);
    assert.equal(b.filters[0]!.resourceNameFilter, 'orders');
  }],
];

describe('kafkajs requests decode with our codec', () => {
  for (const [api, versions, args, check] of cases) {
    for (const v of versions) {
      it(`${api} v${v}`, async () => {
        const frame = await kafkajsFrame(api, v, args);
        const { header, body } = decodeRequest(frame.subarray(4));
        assert.equal(header.apiVersion, v);
        assert.equal(header.correlationId, 77);
        assert.equal(header.clientId, 'kafkajs');
        check?.(body as never, v);
        assert.deepEqual(encodeRequest(header.apiKey, v, 77, 'kafkajs', body), frame);
      });
    }
  }
});
