import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_TABLE, ApiKey, decodeRequest, encodeRequest, encodeResponse, uuidFromHex, uuidToHex, type ProduceRequest } from '../../src/protocol/index.ts';
import { inRange, type FieldSchema } from '../../src/protocol/schema/dsl.ts';
import { platformaticParse, platformaticRequest, platformaticVersions } from './platformatic.ts';
import { sampleStruct } from './sample.ts';

// @platformatic/kafka (flexible versions included) against our codec, in both directions, for
// every version the client implements. Its field names follow Kafka's, like ours.

const TOPIC_ID = '0a0b0c0d-0e0f-1011-1213-141516171819';
/** An ACL binding or filter as the client's ACL APIs take it (TOPIC, PREFIXED, READ, ALLOW). */
const acl = (o: { resourceName: string | null; principal: string | null; host: string | null }) => ({
  resourceType: 2, resourcePatternType: 4, operation: 3, permissionType: 3, ...o,
});
const offsets = (key: string, value: bigint) => [{ name: 't', partitions: [{ partitionIndex: 0, [key]: value, committedLeaderEpoch: -1, committedMetadata: null }] }];

// [group, file name, api key, createRequest arguments]
const APIS: [string, string, number, unknown[]][] = [
  ['metadata', 'api-versions', 18, ['sluice', '1.0']],
  ['metadata', 'metadata', 3, [['a', 'b'], true, false, false]],
  ['producer', 'produce', 0, [-1, 1000, [{ topic: 't', partition: 0, key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 1n }], {}]],
  ['consumer', 'fetch', 1, [500, 1, 1_000_000, 1, 0, -1, [{ topic: 't', topicId: TOPIC_ID, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 5n, lastFetchedEpoch: -1, partitionMaxBytes: 1000 }] }], [], 'r']],
  ['consumer', 'list-offsets', 2, [-1, 1, [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }]]],
  ['admin', 'create-topics', 19, [[{ name: 't', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }] }], 5000, false]],
  ['admin', 'delete-topics', 20, [[{ name: 't', topicId: TOPIC_ID }], 5000]],
  ['admin', 'create-partitions', 37, [[{ name: 't', count: 4, assignments: [] }], 5000, false]],
  ['admin', 'describe-configs', 32, [[{ resourceType: 2, resourceName: 't', configurationKeys: ['retention.ms'] }], true, false]],
  ['admin', 'alter-configs', 33, [[{ resourceType: 2, resourceName: 't', configs: [{ name: 'retention.ms', value: '1000' }] }], false]],
  ['admin', 'incremental-alter-configs', 44, [[{ resourceType: 2, resourceName: 't', configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }] }], false]],
  ['admin', 'delete-records', 21, [[{ name: 't', partitions: [{ partitionIndex: 0, offset: 5n }] }], 5000]],
  ['consumer', 'offset-for-leader-epoch', 23, [-1, [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }]]],
  ['metadata', 'find-coordinator', 10, [0, ['g']]],
  ['consumer', 'join-group', 11, ['g', 30000, 60000, '', null, 'consumer', [{ name: 'rr', metadata: Buffer.from('m') }], null]],
  ['consumer', 'sync-group', 14, ['g', 1, 'm', null, 'consumer', 'rr', [{ memberId: 'm', assignment: Buffer.from('a') }]]],
  ['consumer', 'heartbeat', 12, ['g', 1, 'm', null]],
  ['consumer', 'leave-group', 13, ['g', [{ memberId: 'm', groupInstanceId: null, reason: null }]]],
  ['consumer', 'offset-commit', 8, ['g', 1, 'm', null, offsets('committedOffset', 10n)]],
  ['consumer', 'offset-fetch', 9, [[{ groupId: 'g', memberId: null, memberEpoch: -1, topics: [{ name: 't', partitionIndexes: [0, 1] }] }], false]],
  ['admin', 'list-groups', 16, [['STABLE'], ['consumer']]],
  ['admin', 'describe-groups', 15, [['g'], false]],
  ['admin', 'delete-groups', 42, [['g']]],
  ['admin', 'describe-cluster', 60, [false, 1]],
  ['admin', 'describe-log-dirs', 35, [[{ name: 't', partitions: [0, 2] }]]],
  ['producer', 'init-producer-id', 22, ['tx', 60000, -1n, -1]],
  ['producer', 'add-partitions-to-txn', 24, [[{ transactionalId: 'tx', producerId: 7n, producerEpoch: 1, verifyOnly: false, topics: [{ name: 't', partitions: [0] }] }]]],
  ['producer', 'add-offsets-to-txn', 25, ['tx', 7n, 1, 'g']],
  ['producer', 'end-txn', 26, ['tx', 7n, 1, true]],
  ['producer', 'txn-offset-commit', 28, ['tx', 'g', 7n, 1, 1, 'm', null, offsets('committedOffset', 5n)]],
  ['security', 'sasl-handshake', 17, ['SCRAM-SHA-512']],
  ['security', 'sasl-authenticate', 36, [Buffer.from('n,,n=alice,r=fyko+d2lbbFgONRv9qkxdawL')]],
  ['admin', 'create-acls', 30, [[acl({ resourceName: 'orders', principal: 'User:alice', host: '*' })]]],
  ['admin', 'describe-acls', 29, [acl({ resourceName: null, principal: 'User:alice', host: null })]],
  ['admin', 'delete-acls', 31, [[acl({ resourceName: 'orders', principal: null, host: '10.0.0.1' }), acl({ resourceName: null, principal: null, host: null })]]],
  ['admin', 'describe-user-scram-credentials', 50, [[{ name: 'alice' }, { name: 'bob' }]]],
  ['admin', 'alter-user-scram-credentials', 51, [
    [{ name: 'bob', mechanism: 1 }],
    [{ name: 'alice', mechanism: 2, iterations: 8192, salt: Buffer.from('0123456789abcdef'), saltedPassword: Buffer.alloc(64, 7) }],
  ]],
];

/** Every field of this version that the client parsed equals ours (uuids compared in hex). */
function matches(theirs: unknown, ours: unknown, f: FieldSchema | null, fields: readonly FieldSchema[] | null, v: number, path: string): number {
  if (typeof ours === 'string' && f?.type === 'uuid') {
    assert.equal(theirs, uuidToHex(ours), path);
    return 1;
  }
  if (Buffer.isBuffer(ours)) {
    assert.deepEqual(Buffer.from(theirs as Buffer), ours, path);
    return 1;
  }
  if (Array.isArray(ours)) {
    assert.ok(Array.isArray(theirs), `${path}: expected an array`);
    assert.equal(theirs.length, ours.length, `${path}.length`);
    return ours.reduce((n: number, x, i) => n + matches(theirs[i], x, f, fields, v, `${path}[${i}]`), 0);
  }
  if (ours !== null && typeof ours === 'object' && fields !== null) {
    assert.ok(theirs !== null && typeof theirs === 'object', `${path}: expected an object`);
    let n = 0;
    for (const c of fields) {
      // Fields absent from this version, and parsed record batches, are the client's business.
      if (!inRange(c.versions, v) || c.type === 'records' || !(c.name in theirs)) continue;
      const value = (ours as Record<string, unknown>)[c.name];
      n += matches((theirs as Record<string, unknown>)[c.name], value, c, c.fields, v, `${path}.${c.name}`);
    }
    return n;
  }
  assert.deepEqual(theirs, ours, path);
  return 1;
}

/** Clients stop parsing or throw on some error codes: use NONE everywhere. */
function noErrors(o: unknown): unknown {
  if (Array.isArray(o)) o.forEach(noErrors);
  else if (o !== null && typeof o === 'object' && !Buffer.isBuffer(o)) {
    for (const [k, v] of Object.entries(o)) {
      if (k.endsWith('rrorCode')) (o as Record<string, unknown>)[k] = 0;
      else noErrors(v);
    }
  }
  return o;
}

describe('@platformatic/kafka requests decode with our codec (byte-identical re-encode)', () => {
  for (const [group, name, apiKey, args] of APIS) {
    for (const v of platformaticVersions(group, name)) {
      it(`${name} v${v}`, async () => {
        const { frame, apiKey: key } = await platformaticRequest(group, name, v, args);
        assert.equal(key, apiKey);
        const { header, body } = decodeRequest(frame);
        assert.deepEqual([header.apiKey, header.apiVersion, header.correlationId, header.clientId], [apiKey, v, 77, 'plt']);
        assert.deepEqual(encodeRequest(apiKey, v, 77, 'plt', body).subarray(4), frame);
      });
    }
  }
});

describe('@platformatic/kafka parses our responses', () => {
  for (const [group, name, apiKey] of APIS) {
    for (const v of platformaticVersions(group, name)) {
      it(`${name} v${v}`, async () => {
        const fields = API_TABLE[apiKey]!.response.schema.fields;
        const body = noErrors(sampleStruct(fields, v));
        const frame = Buffer.concat(encodeResponse(apiKey, v, 5, body as object)).subarray(4);
        const parsed = await platformaticParse(group, name, v, frame);
        const n = matches(parsed, body, null, fields, v, `${name} v${v}`);
        if (name === 'find-coordinator' && v < 4) {
          // The client reshapes the single coordinator of v0-3 into v4's array.
          const { nodeId, host, port } = body as { nodeId: number; host: string; port: number };
          assert.deepEqual([parsed.coordinators[0].nodeId, parsed.coordinators[0].host, parsed.coordinators[0].port], [nodeId, host, port]);
        } else {
          assert.ok(n > 0, 'no field in common');
        }
      });
    }
  }
});

describe('@platformatic/kafka reads record batches from our Fetch responses', () => {
  it('Fetch v4-v17: two stored batches as separate chunks', async () => {
    const { frame } = await platformaticRequest('producer', 'produce', 11, [
      -1, 1000, [{ topic: 't', partition: 0, key: Buffer.from('k'), value: Buffer.from('hello'), timestamp: 1n }], {},
    ]);
    const batch = (decodeRequest(frame).body as ProduceRequest).topicData[0]!.partitionData[0]!.records!;
    for (const v of platformaticVersions('consumer', 'fetch')) {
      const chunks = encodeResponse(ApiKey.Fetch, v, 1, {
        responses: [{ topic: 't', topicId: uuidFromHex(TOPIC_ID), partitions: [{ partitionIndex: 0, highWatermark: 2n, records: [batch, batch] }] }],
      });
      const parsed = await platformaticParse('consumer', 'fetch', v, Buffer.concat(chunks).subarray(4));
      const batches = parsed.responses[0].partitions[0].records;
      assert.equal(batches.length, 2, `v${v}`);
      assert.equal(batches[1].records[0].value.toString(), 'hello');
    }
  });
});
