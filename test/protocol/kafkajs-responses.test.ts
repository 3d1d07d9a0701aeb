import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { API_TABLE, ApiKey, decodeRequest, encodeResponse, type ProduceRequest } from '../../src/protocol/index.ts';
import { kafkajsDecoder as decoder, kafkajsFrame } from './kafkajs.ts';
import { sampleStruct } from './sample.ts';

// We encode responses; kafkajs decodes them as it would from a real broker.

/** Our response, minus size prefix and correlation id (kafkajs strips them before decode). */
function ours(apiKey: number, v: number, body: object): Buffer {
  return Buffer.concat(encodeResponse(apiKey, v, 1, body)).subarray(8);
}

const DIRS: Record<string, number> = {
  apiVersions: 18, metadata: 3, produce: 0, listOffsets: 2, findCoordinator: 10, joinGroup: 11, syncGroup: 14,
  heartbeat: 12, leaveGroup: 13, offsetCommit: 8, offsetFetch: 9, listGroups: 16, describeGroups: 15,
  createTopics: 19, deleteTopics: 20, initProducerId: 22, addPartitionsToTxn: 24, addOffsetsToTxn: 25,
  endTxn: 26, txnOffsetCommit: 28, createPartitions: 37, describeConfigs: 32, alterConfigs: 33, deleteGroups: 42,
  saslHandshake: 17, saslAuthenticate: 36, describeAcls: 29, createAcls: 30, deleteAcls: 31,
};

describe('kafkajs decodes our responses', () => {
  for (const [dir, key] of Object.entries(DIRS)) {
    const versions = readdirSync(`node_modules/kafkajs/src/protocol/requests/${dir}`).filter((d) => /^v\d+$/.test(d));
    for (const v of versions.map((d) => Number(d.slice(1)))) {
      it(`${dir} v${v} (every field set)`, async () => {
        await decoder(dir, v)(ours(key, v, sampleStruct(API_TABLE[key]!.response.schema.fields, v)));
      });
    }
  }

  it('ApiVersions v0-v2: the supported ranges', async () => {
    for (const v of [0, 1, 2]) {
      const out = await decoder('apiVersions', v)(ours(ApiKey.ApiVersions, v, {
        errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 11 }, { apiKey: 1, minVersion: 0, maxVersion: 17 }], throttleTimeMs: 0,
      }));
      assert.deepEqual(out.apiVersions, [{ apiKey: 0, minVersion: 0, maxVersion: 11 }, { apiKey: 1, minVersion: 0, maxVersion: 17 }]);
    }
  });

  it('Metadata v0-v6', async () => {
    for (let v = 0; v <= 6; v++) {
      const out = await decoder('metadata', v)(ours(ApiKey.Metadata, v, {
        brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
        clusterId: 'c', controllerId: 1,
        topics: [{ errorCode: 0, name: 't', isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }] }],
      }));
      assert.deepEqual(out.brokers[0], { nodeId: 1, host: 'localhost', port: 9092, ...(v >= 1 ? { rack: null } : {}) });
      assert.equal(out.topicMetadata[0].topic, 't');
      assert.equal(out.topicMetadata[0].partitionMetadata[0].leader, 1);
      assert.deepEqual(out.topicMetadata[0].partitionMetadata[0].isr, [1]);
    }
  });

  it('Produce v0-v7', async () => {
    for (let v = 0; v <= 7; v++) {
      const out = await decoder('produce', v)(ours(ApiKey.Produce, v, {
        responses: [{ name: 't', partitionResponses: [{ index: 2, errorCode: 0, baseOffset: 41n }] }],
      }));
      assert.equal(out.topics[0].topicName, 't');
      assert.equal(out.topics[0].partitions[0].partition, 2);
      assert.equal(String(out.topics[0].partitions[0].baseOffset ?? out.topics[0].partitions[0].offset), '41');
    }
  });

  it('Fetch v0-v11 with real record batches (several chunks, zero copy)', async () => {
    for (let v = 0; v <= 11; v++) {
      // Produce v2 carries a v1 message set, v3 a v2 record batch: what Fetch v0-3 / v4+ return.
      const produce = await kafkajsFrame('produce', v < 4 ? 2 : 3, {
        acks: -1, timeout: 1000, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'hello', timestamp: 1 }] }] }],
      });
      const batch = (decodeRequest(produce.subarray(4)).body as ProduceRequest).topicData[0]!.partitionData[0]!.records!;
      const out = await decoder('fetch', v)(ours(ApiKey.Fetch, v, {
        responses: [{ topic: 't', partitions: [{ partitionIndex: 0, highWatermark: 2n, lastStableOffset: 2n, records: [batch, batch] }] }],
      }));
      const partition = out.responses[0].partitions[0];
      assert.equal(String(partition.highWatermark), '2');
      assert.equal(partition.messages.length, 2);
      assert.equal(partition.messages[0].value.toString(), 'hello');
    }
  });

  it('SaslHandshake, SaslAuthenticate (v1 session lifetime) and the ACL APIs, field by field', async () => {
    for (const v of [0, 1]) {
      const hs = await decoder('saslHandshake', v)(ours(ApiKey.SaslHandshake, v, { errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-512'] }));
      assert.deepEqual(hs.enabledMechanisms, ['PLAIN', 'SCRAM-SHA-512']);
    }
    const token = Buffer.from('r=abc,s=c2FsdA==,i=4096');
    const auth0 = await decoder('saslAuthenticate', 0)(ours(ApiKey.SaslAuthenticate, 0, { errorCode: 0, errorMessage: null, authBytes: token }));
    assert.deepEqual(auth0.authBytes.subarray(4), token); // kafkajs keeps the int32 size prefix on purpose
    const auth1 = await decoder('saslAuthenticate', 1)(ours(ApiKey.SaslAuthenticate, 1, { errorCode: 0, errorMessage: null, authBytes: token, sessionLifetimeMs: 3_600_000n }));
    assert.equal(auth1.sessionLifetimeMs, '3600000');
    const failed = await decoder('saslAuthenticate', 1)(ours(ApiKey.SaslAuthenticate, 1, { errorCode: 58, errorMessage: 'Authentication failed', authBytes: Buffer.alloc(0) }));
    assert.deepEqual([failed.errorCode, failed.errorMessage], [58, 'Authentication failed']);
    for (const v of [0, 1]) {
      const described = await decoder('describeAcls', v)(ours(ApiKey.DescribeAcls, v, {
        errorCode: 0, errorMessage: null,
        resources: [{ resourceType: 3, resourceName: 'job-', patternType: v >= 1 ? 4 : 3, acls: [{ principal: 'User:bob', host: '*', operation: 3, permissionType: 3 }] }],
      }));
      assert.deepEqual(described.resources[0], {
        resourceType: 3, resourceName: 'job-', ...(v >= 1 ? { resourcePatternType: 4 } : {}),
        acls: [{ principal: 'User:bob', host: '*', operation: 3, permissionType: 3 }],
      });
      const created = await decoder('createAcls', v)(ours(ApiKey.CreateAcls, v, { results: [{ errorCode: 0, errorMessage: null }, { errorCode: 42, errorMessage: 'bad' }] }));
      assert.deepEqual(created.creationResponses, [{ errorCode: 0, errorMessage: null }, { errorCode: 42, errorMessage: 'bad' }]);
      const deleted = await decoder('deleteAcls', v)(ours(ApiKey.DeleteAcls, v, {
        filterResults: [{ errorCode: 0, errorMessage: null, matchingAcls: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't', patternType: 3, principal: 'User:a', host: '*', operation: 4, permissionType: 2 }] }],
      }));
      assert.deepEqual(deleted.filterResponses[0].matchingAcls[0], {
        errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't', ...(v >= 1 ? { resourcePatternType: 3 } : {}),
        principal: 'User:a', host: '*', operation: 4, permissionType: 2,
      });
    }
  });

  it('FindCoordinator, JoinGroup, SyncGroup, OffsetFetch', async () => {
    const fc = await decoder('findCoordinator', 2)(ours(ApiKey.FindCoordinator, 2, { errorCode: 0, nodeId: 1, host: 'h', port: 9 }));
    assert.deepEqual(fc.coordinator, { nodeId: 1, host: 'h', port: 9 });
    const jg = await decoder('joinGroup', 5)(ours(ApiKey.JoinGroup, 5, {
      generationId: 3, protocolName: 'rr', leader: 'a', memberId: 'a', members: [{ memberId: 'a', groupInstanceId: null, metadata: Buffer.from('m') }],
    }));
    assert.equal(jg.generationId, 3);
    assert.equal(jg.groupProtocol, 'rr');
    assert.deepEqual(jg.members[0].memberMetadata, Buffer.from('m'));
    const sg = await decoder('syncGroup', 3)(ours(ApiKey.SyncGroup, 3, { errorCode: 0, assignment: Buffer.from('as') }));
    assert.deepEqual(sg.memberAssignment, Buffer.from('as'));
    const of = await decoder('offsetFetch', 4)(ours(ApiKey.OffsetFetch, 4, {
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 12n, metadata: '', errorCode: 0 }] }],
    }));
    assert.equal(of.responses[0].partitions[0].offset, '12');
  });
});
