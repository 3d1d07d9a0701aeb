// One case per row of the API table not already covered through real clients: the request of
// User:alice is denied with Kafka's error while she has no ACL, and is no longer denied once the
// ACL the row names is granted (over CreateAcls, as admin).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKey } from '../../../src/protocol/api-keys.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { AclOperation, AclPermissionType, PatternType, ResourceType } from '../../../src/broker/security/acl/acl-types.ts';
import { startSecuredBroker, type SecuredBroker } from '../../compat/security/secured-broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { WireClient } from './wire-client.ts';

const users = tempDir('sluice-rows-');
let s: SecuredBroker;
let admin: WireClient;
let alice: WireClient;

async function login(user: string): Promise<WireClient> {
  const c = await WireClient.plain(s.broker.listeners.find((l) => l.name === 'SASL_PLAINTEXT')!.listenPort);
  await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
  assert.equal((await c.request(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from(`\0${user}\0${user}-pw`) }))!.errorCode, ErrorCode.NONE);
  return c;
}

before(async () => {
  const file = join(users.dir, 'users.txt');
  writeFileSync(file, 'admin:admin-pw\nalice:alice-pw\n');
  s = await startSecuredBroker({ authorizer: { superUsers: 'User:admin' }, saslUsersFile: file });
  admin = await login('admin');
  alice = await login('alice');
  const created = await admin.request(ApiKey.CreateTopics, 4, { topics: ['t-lo', 't-cp', 't-dt', 't-dr', 't-dc', 't-ac', 't-ol', 't-od', 't-txn'].map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })), timeoutMs: 5000, validateOnly: false });
  assert.ok(created!.topics.every((t: { errorCode: number }) => t.errorCode === ErrorCode.NONE));
  // A transaction of admin's, for the transactional rows.
  const pid = await admin.request(ApiKey.InitProducerId, 1, { transactionalId: 'tx-rows', transactionTimeoutMs: 60_000 });
  txn = { producerId: pid!.producerId, producerEpoch: pid!.producerEpoch };
});
after(async () => {
  admin?.close();
  alice?.close();
  await s.stop();
  users.cleanup();
});
let txn: { producerId: bigint; producerEpoch: number };

async function grant(resourceType: number, resourceName: string, operation: number): Promise<void> {
  const r = await admin.request(ApiKey.CreateAcls, 1, { creations: [{ resourceType, resourceName, resourcePatternType: PatternType.LITERAL, principal: 'User:alice', host: '*', operation, permissionType: AclPermissionType.ALLOW }] });
  assert.equal(r!.results[0].errorCode, ErrorCode.NONE);
}

interface Row {
  api: string;
  key: number;
  version: number;
  body: () => object;
  /** The error code the row is about, from the response. */
  code: (r: Record<string, any>) => number;
  denied: number;
  grants: Array<[resourceType: number, name: string, operation: number]>;
}

const T = ResourceType;
const O = AclOperation;
const ROWS: Row[] = [
  { api: 'DescribeClientQuotas (before DESCRIBE_CONFIGS on the cluster is granted below)', key: ApiKey.DescribeClientQuotas, version: 1, body: () => ({ components: [], strict: false }), code: (r) => r.errorCode, denied: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, grants: [] },
  { api: 'AlterClientQuotas (before ALTER_CONFIGS on the cluster is granted below)', key: ApiKey.AlterClientQuotas, version: 1, body: () => ({ entries: [{ entity: [{ entityType: 'user', entityName: 'alice' }], ops: [{ key: 'producer_byte_rate', value: 1024, remove: false }] }], validateOnly: true }), code: (r) => r.entries[0].errorCode, denied: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, grants: [] },
  { api: 'ListOffsets', key: ApiKey.ListOffsets, version: 1, body: () => ({ replicaId: -1, topics: [{ name: 't-lo', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] }), code: (r) => r.topics[0].partitions[0].errorCode, denied: ErrorCode.TOPIC_AUTHORIZATION_FAILED, grants: [[T.TOPIC, 't-lo', O.DESCRIBE]] },
  { api: 'Metadata (named topic)', key: ApiKey.Metadata, version: 9, body: () => ({ topics: [{ name: 't-od' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }), code: (r) => r.topics[0].errorCode, denied: ErrorCode.TOPIC_AUTHORIZATION_FAILED, grants: [] },
  { api: 'CreatePartitions', key: ApiKey.CreatePartitions, version: 1, body: () => ({ topics: [{ name: 't-cp', count: 2, assignments: null }], timeoutMs: 5000, validateOnly: true }), code: (r) => r.results[0].errorCode, denied: ErrorCode.TOPIC_AUTHORIZATION_FAILED, grants: [[T.TOPIC, 't-cp', O.ALTER]] },
  { api: 'DeleteRecords', key: ApiKey.DeleteRecords, version: 1, body: () => ({ topics: [{ name: 't-dr', partitions: [{ partitionIndex: 0, offset: 0n }] }], timeoutMs: 5000 }), code: (r) => r.topics[0].partitions[0].errorCode, denied: ErrorCode.TOPIC_AUTHORIZATION_FAILED, grants: [[T.TOPIC, 't-dr', O.DELETE]] },
  { api: 'DescribeConfigs (topic)', key: ApiKey.DescribeConfigs, version: 1, body: () => ({ resources: [{ resourceType: 2, resourceName: 't-dc', configurationKeys: null }], includeSynonyms: false }), code: (r) => r.results[0].errorCode, denied: ErrorCode.TOPIC_AUTHORIZATION_FAILED, grants: [[T.TOPIC, 't-dc', O.DESCRIBE_CONFIGS]] },
  { api: 'DescribeConfigs (broker)', key: ApiKey.DescribeConfigs, version: 1, body: () => ({ resources: [{ resourceType: 4, resourceName: '1', configurationKeys: null }], includeSynonyms: false }), code: (r) => r.results[0].errorCode, denied: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, grants: [[T.CLUSTER, 'kafka-cluster', O.DESCRIBE_CONFIGS]] },
  { api: 'AlterConfigs', key: ApiKey.AlterConfigs, version: 1, body: () => ({ resources: [{ resourceType: 2, resourceName: 't-ac', configs: [{ name: 'retention.ms', value: '60000' }] }], validateOnly: true }), code: (r) => r.responses[0].errorCode, denied: ErrorCode.TOPIC_AUTHORIZATION_FAILED, grants: [[T.TOPIC, 't-ac', O.ALTER_CONFIGS]] },
  { api: 'IncrementalAlterConfigs', key: ApiKey.IncrementalAlterConfigs, version: 0, body: () => ({ resources: [{ resourceType: 4, resourceName: '', configs: [{ name: 'log.cleaner.backoff.ms', configOperation: 0, value: '20000' }] }], validateOnly: true }), code: (r) => r.responses[0].errorCode, denied: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, grants: [[T.CLUSTER, 'kafka-cluster', O.ALTER_CONFIGS]] },
  { api: 'OffsetForLeaderEpoch', key: ApiKey.OffsetForLeaderEpoch, version: 3, body: () => ({ replicaId: -1, topics: [{ topic: 't-ol', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] }), code: (r) => r.topics[0].partitions[0].errorCode, denied: ErrorCode.TOPIC_AUTHORIZATION_FAILED, grants: [[T.TOPIC, 't-ol', O.DESCRIBE]] },
  { api: 'DescribeGroups', key: ApiKey.DescribeGroups, version: 3, body: () => ({ groups: ['g-dg'], includeAuthorizedOperations: true }), code: (r) => r.groups[0].errorCode, denied: ErrorCode.GROUP_AUTHORIZATION_FAILED, grants: [[T.GROUP, 'g-dg', O.DESCRIBE]] },
  { api: 'DeleteGroups', key: ApiKey.DeleteGroups, version: 1, body: () => ({ groupsNames: ['g-del'] }), code: (r) => r.results[0].errorCode, denied: ErrorCode.GROUP_AUTHORIZATION_FAILED, grants: [[T.GROUP, 'g-del', O.DELETE]] },
  { api: 'OffsetDelete', key: ApiKey.OffsetDelete, version: 0, body: () => ({ groupId: 'g-od', topics: [{ name: 't-od', partitions: [{ partitionIndex: 0 }] }] }), code: (r) => r.errorCode, denied: ErrorCode.GROUP_AUTHORIZATION_FAILED, grants: [[T.GROUP, 'g-od', O.DELETE]] },
  { api: 'DescribeTransactions', key: ApiKey.DescribeTransactions, version: 0, body: () => ({ transactionalIds: ['tx-rows'] }), code: (r) => r.transactionStates[0].errorCode, denied: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, grants: [[T.TRANSACTIONAL_ID, 'tx-rows', O.DESCRIBE]] },
  { api: 'AddPartitionsToTxn', key: ApiKey.AddPartitionsToTxn, version: 3, body: () => ({ v3AndBelowTransactionalId: 'tx-rows', v3AndBelowProducerId: txn.producerId, v3AndBelowProducerEpoch: txn.producerEpoch, v3AndBelowTopics: [{ name: 't-txn', partitions: [0] }] }), code: (r) => r.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, denied: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, grants: [[T.TRANSACTIONAL_ID, 'tx-rows', O.WRITE], [T.TOPIC, 't-txn', O.WRITE]] },
  { api: 'AddOffsetsToTxn', key: ApiKey.AddOffsetsToTxn, version: 1, body: () => ({ transactionalId: 'tx-rows', producerId: txn.producerId, producerEpoch: txn.producerEpoch, groupId: 'g-txn' }), code: (r) => r.errorCode, denied: ErrorCode.GROUP_AUTHORIZATION_FAILED, grants: [[T.GROUP, 'g-txn', O.READ]] },
  { api: 'TxnOffsetCommit', key: ApiKey.TxnOffsetCommit, version: 2, body: () => ({ transactionalId: 'tx-rows', groupId: 'g-txn', producerId: txn.producerId, producerEpoch: txn.producerEpoch, topics: [{ name: 't-txn', partitions: [{ partitionIndex: 0, committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: null }] }] }), code: (r) => r.topics[0].partitions[0].errorCode, denied: ErrorCode.TOPIC_AUTHORIZATION_FAILED, grants: [[T.TOPIC, 't-txn', O.READ]] },
  { api: 'EndTxn', key: ApiKey.EndTxn, version: 1, body: () => ({ transactionalId: 'tx-other', producerId: txn.producerId, producerEpoch: txn.producerEpoch, committed: false }), code: (r) => r.errorCode, denied: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, grants: [[T.TRANSACTIONAL_ID, 'tx-other', O.WRITE]] },
  { api: 'CreateAcls (before ALTER on the cluster is granted below)', key: ApiKey.CreateAcls, version: 1, body: () => ({ creations: [{ resourceType: T.TOPIC, resourceName: 'x', resourcePatternType: PatternType.LITERAL, principal: 'User:bob', host: '*', operation: O.READ, permissionType: AclPermissionType.ALLOW }] }), code: (r) => r.results[0].errorCode, denied: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, grants: [] },
  { api: 'ListPartitionReassignments', key: ApiKey.ListPartitionReassignments, version: 0, body: () => ({ timeoutMs: 5000, topics: null }), code: (r) => r.errorCode, denied: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, grants: [] },
  { api: 'DescribeUserScramCredentials', key: ApiKey.DescribeUserScramCredentials, version: 0, body: () => ({ users: null }), code: (r) => r.errorCode, denied: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, grants: [[T.CLUSTER, 'kafka-cluster', O.DESCRIBE]] },
  { api: 'ElectLeaders', key: ApiKey.ElectLeaders, version: 2, body: () => ({ electionType: 0, topicPartitions: [{ topic: 't-lo', partitions: [0] }], timeoutMs: 5000 }), code: (r) => r.replicaElectionResults[0].partitionResult[0].errorCode, denied: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, grants: [] },
  { api: 'AlterPartitionReassignments', key: ApiKey.AlterPartitionReassignments, version: 0, body: () => ({ timeoutMs: 5000, topics: [{ name: 't-lo', partitions: [{ partitionIndex: 0, replicas: [1] }] }] }), code: (r) => r.responses[0].partitions[0].errorCode, denied: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, grants: [] },
  { api: 'AlterUserScramCredentials', key: ApiKey.AlterUserScramCredentials, version: 0, body: () => ({ deletions: [{ name: 'nobody', mechanism: 1 }], upsertions: [] }), code: (r) => r.results[0].errorCode, denied: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, grants: [[T.CLUSTER, 'kafka-cluster', O.ALTER]] },
];

for (const row of ROWS) {
  test(`${row.api}: ${Object.entries(ErrorCode).find(([, c]) => c === row.denied)![0]} without the ACL${row.grants.length > 0 ? ', allowed with it' : ''}`, async () => {
    const denied = await alice.request(row.key, row.version, row.body());
    assert.equal(row.code(denied!), row.denied);
    if (row.grants.length === 0) return;
    for (const [type, name, op] of row.grants) await grant(type, name, op);
    const allowed = await alice.request(row.key, row.version, row.body());
    assert.ok(!([ErrorCode.TOPIC_AUTHORIZATION_FAILED, ErrorCode.GROUP_AUTHORIZATION_FAILED, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED] as number[]).includes(row.code(allowed!)), `allowed: got ${row.code(allowed!)}`);
  });
}

test('with DESCRIBE, ALTER, DESCRIBE_CONFIGS and ALTER_CONFIGS on the cluster (granted by the rows above), elections, reassignments and client quotas are answered', async () => {
  assert.equal((await alice.request(ApiKey.ListPartitionReassignments, 0, { timeoutMs: 5000, topics: null }))!.errorCode, ErrorCode.NONE);
  const elected = await alice.request(ApiKey.ElectLeaders, 2, { electionType: 0, topicPartitions: [{ topic: 't-lo', partitions: [0] }], timeoutMs: 5000 });
  assert.equal(elected!.replicaElectionResults[0].partitionResult[0].errorCode, ErrorCode.ELECTION_NOT_NEEDED);
  const moved = await alice.request(ApiKey.AlterPartitionReassignments, 0, { timeoutMs: 5000, topics: [{ name: 't-lo', partitions: [{ partitionIndex: 0, replicas: [1] }] }] });
  assert.equal(moved!.responses[0].partitions[0].errorCode, ErrorCode.NONE);
  const quotas = await alice.request(ApiKey.AlterClientQuotas, 1, { entries: [{ entity: [{ entityType: 'user', entityName: 'alice' }], ops: [{ key: 'producer_byte_rate', value: 1024, remove: false }] }], validateOnly: true });
  assert.equal(quotas!.entries[0].errorCode, ErrorCode.NONE, 'ALTER_CONFIGS on the cluster allows AlterClientQuotas');
  assert.equal((await alice.request(ApiKey.DescribeClientQuotas, 1, { components: [], strict: false }))!.errorCode, ErrorCode.NONE, 'DESCRIBE_CONFIGS allows DescribeClientQuotas');
});

test('ListGroups without DESCRIBE on the cluster lists only the groups alice may DESCRIBE', async () => {
  const r = await alice.request(ApiKey.ListGroups, 2, {});
  const ids = r!.groups.map((g: { groupId: string }) => g.groupId);
  const all = (await admin.request(ApiKey.ListGroups, 2, {}))!.groups.map((g: { groupId: string }) => g.groupId);
  for (const id of ids) assert.ok(['g-dg', 'g-del', 'g-od', 'g-txn'].includes(id), id);
  assert.ok(all.length >= ids.length);
});
