// ACLs seen by a real client (kafkajs) over SASL: each operation denied without its ACL with the
// error Kafka answers, allowed with it; DENY wins over ALLOW; prefixed patterns; super users;
// Metadata hiding topics; ACL admin APIs; SECURITY_DISABLED without an authorizer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs, { Kafka, logLevel, type Admin } from 'kafkajs';
import { startSecuredBroker, type SecuredBroker } from './secured-broker.ts';
import { capturingLogger, WireClient } from '../../broker/security/wire-client.ts';
import { ApiKey } from '../../../src/protocol/api-keys.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';

// CommonJS exports the ESM loader cannot name.
const { AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = kafkajs;

const captured = capturingLogger();
let s: SecuredBroker;
let admin: Admin;
const kafkaAs = (user: string, extra: object = {}) =>
  new Kafka({ brokers: [s.bootstrap('SASL_PLAINTEXT')], clientId: user, logLevel: logLevel.NOTHING, sasl: { mechanism: 'plain', username: user, password: `${user}-pw` }, retry: { retries: 1, initialRetryTime: 50 }, ...extra });

const usersDir = tempDir('sluice-acl-users-');
before(async () => {
  const file = join(usersDir.dir, 'users.txt');
  writeFileSync(file, ['admin', 'alice', 'bob'].map((u) => `${u}:${u}-pw`).join('\n'));
  s = await startSecuredBroker({ logger: captured.logger, authorizer: { superUsers: 'User:admin' }, saslUsersFile: file });
  admin = kafkaAs('admin').admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'orders-eu', numPartitions: 1 }, { topic: 'orders-secret', numPartitions: 1 }, { topic: 'payroll', numPartitions: 1 }] });
  const p = kafkaAs('admin').producer();
  await p.connect();
  await p.send({ topic: 'orders-secret', messages: [{ value: 'x' }] });
  await p.disconnect();
});
after(async () => {
  await admin?.disconnect();
  await s.stop();
  usersDir.cleanup();
});

/** The Kafka error type a rejected kafkajs call carries (looking through its wrappers). */
async function errorType(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    let e: any = err;
    while (e) {
      if (typeof e.type === 'string' && e.type !== 'UNKNOWN') return e.type;
      e = e.originalError ?? e.cause ?? (Array.isArray(e.errors) ? e.errors[0] : undefined);
    }
    return `untyped: ${(err as Error).message}`;
  }
  return 'no error';
}

const acl = (resourceType: number, resourceName: string, operation: number, permissionType = AclPermissionTypes.ALLOW, principal = 'User:alice', resourcePatternType = ResourcePatternTypes.LITERAL) => ({
  resourceType,
  resourceName,
  resourcePatternType,
  principal,
  host: '*',
  operation,
  permissionType,
});

test('without ACLs: produce, auto-create, consume, create and transactions are denied with Kafka\'s errors', async () => {
  const alice = kafkaAs('alice');
  const producer = alice.producer();
  await producer.connect();
  assert.equal(await errorType(producer.send({ topic: 'orders-eu', messages: [{ value: 'v' }] })), 'TOPIC_AUTHORIZATION_FAILED');
  assert.equal(await errorType(producer.send({ topic: 'brand-new', messages: [{ value: 'v' }] })), 'TOPIC_AUTHORIZATION_FAILED', 'auto-creation needs CREATE');
  await producer.disconnect();
  const idempotent = alice.producer({ idempotent: true });
  assert.equal(await errorType(idempotent.connect().then(() => idempotent.send({ topic: 'orders-eu', messages: [{ value: 'v' }] }))), 'CLUSTER_AUTHORIZATION_FAILED', 'an idempotent producer with no WRITE anywhere');
  await idempotent.disconnect();
  const aliceAdmin = alice.admin();
  await aliceAdmin.connect();
  assert.equal(await errorType(aliceAdmin.createTopics({ topics: [{ topic: 'orders-new' }] })), 'TOPIC_AUTHORIZATION_FAILED');
  assert.equal(await errorType(aliceAdmin.describeAcls({ resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY })), 'CLUSTER_AUTHORIZATION_FAILED');
  const listed = await aliceAdmin.listTopics();
  assert.deepEqual(listed, [], 'Metadata hides topics alice may not DESCRIBE');
  await aliceAdmin.disconnect();
  // Group APIs on the wire (kafkajs reports a denied FindCoordinator only as "Failed to find group coordinator").
  const wire = await WireClient.plain(s.broker.listeners.find((l) => l.name === 'SASL_PLAINTEXT')!.listenPort);
  await wire.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
  assert.equal((await wire.request(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from('\0alice\0alice-pw') }))!.errorCode, ErrorCode.NONE);
  assert.equal((await wire.request(ApiKey.FindCoordinator, 2, { key: 'g1', keyType: 0 }))!.errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
  assert.equal((await wire.request(ApiKey.OffsetFetch, 3, { groupId: 'g1', topics: null }))!.errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
  const join = await wire.request(ApiKey.JoinGroup, 5, { groupId: 'g1', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] });
  assert.equal(join!.errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
  const commit = await wire.request(ApiKey.OffsetCommit, 2, { groupId: 'g1', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n, topics: [{ name: 'orders-eu', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }] });
  assert.equal(commit!.topics[0].partitions[0].errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
  const fetch = await wire.request(ApiKey.Fetch, 4, { replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1024, isolationLevel: 0, topics: [{ topic: 'orders-eu', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1024 }] }] });
  assert.equal(fetch!.responses[0].partitions[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  // kafkajs connects a transactional producer as an idempotent one first (CLUSTER_AUTHORIZATION_FAILED above).
  assert.equal((await wire.request(ApiKey.FindCoordinator, 2, { key: 'tx-alice', keyType: 1 }))!.errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  assert.equal((await wire.request(ApiKey.InitProducerId, 1, { transactionalId: 'tx-alice', transactionTimeoutMs: 10_000 }))!.errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  wire.close();
  const denials = captured.lines.filter((l) => /denied/i.test(l.msg ?? '') || l.operation !== undefined);
  assert.ok(denials.some((l) => JSON.stringify(l).includes('User:alice')), 'denials are logged with the principal');
});

test('with prefixed ACLs alice produces, consumes in a group and runs a transaction; DENY overrides ALLOW; bob stays denied', async () => {
  const { errors } = await admin.createAcls({
    acl: [
      acl(AclResourceTypes.TOPIC, 'orders-', AclOperationTypes.WRITE, AclPermissionTypes.ALLOW, 'User:alice', ResourcePatternTypes.PREFIXED),
      acl(AclResourceTypes.TOPIC, 'orders-', AclOperationTypes.READ, AclPermissionTypes.ALLOW, 'User:alice', ResourcePatternTypes.PREFIXED),
      acl(AclResourceTypes.TOPIC, 'orders-', AclOperationTypes.CREATE, AclPermissionTypes.ALLOW, 'User:alice', ResourcePatternTypes.PREFIXED),
      acl(AclResourceTypes.TOPIC, 'orders-secret', AclOperationTypes.READ, AclPermissionTypes.DENY),
      acl(AclResourceTypes.GROUP, 'g1', AclOperationTypes.READ),
      acl(AclResourceTypes.TRANSACTIONAL_ID, 'tx-alice', AclOperationTypes.WRITE),
    ],
  }) as unknown as { errors?: unknown[] };
  assert.ok(errors === undefined || errors.length === 0);
  const described = await admin.describeAcls({ resourceType: AclResourceTypes.TOPIC, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY });
  assert.equal(described.resources.reduce((n, r) => n + r.acls.length, 0), 4);

  const alice = kafkaAs('alice');
  const producer = alice.producer({ idempotent: true });
  await producer.connect();
  await producer.send({ topic: 'orders-eu', messages: [{ value: 'a' }, { value: 'b' }] });
  await producer.send({ topic: 'orders-auto', messages: [{ value: 'created by alice' }] });
  assert.equal(await errorType(producer.send({ topic: 'payroll', messages: [{ value: 'v' }] })), 'TOPIC_AUTHORIZATION_FAILED');
  await producer.disconnect();
  const txn = alice.producer({ transactionalId: 'tx-alice', idempotent: true, maxInFlightRequests: 1 });
  await txn.connect();
  const t = await txn.transaction();
  await t.send({ topic: 'orders-eu', messages: [{ value: 'c' }] });
  await t.commit();
  await txn.disconnect();
  const consumer = alice.consumer({ groupId: 'g1', maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: ['orders-eu'], fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve) => void consumer.run({ eachMessage: async ({ message }) => void (seen.push(message.value!.toString()) === 3 && resolve()) }));
  await consumer.disconnect();
  assert.deepEqual(seen, ['a', 'b', 'c']);
  const aliceAdmin = alice.admin();
  await aliceAdmin.connect();
  assert.deepEqual((await aliceAdmin.listTopics()).sort(), ['orders-auto', 'orders-eu', 'orders-secret'], 'DESCRIBE implied by READ/WRITE on the prefix');
  await aliceAdmin.disconnect();
  const secret = alice.consumer({ groupId: 'g1', maxWaitTimeInMs: 100 });
  await secret.connect();
  await secret.subscribe({ topics: ['orders-secret'], fromBeginning: true });
  assert.equal(await errorType(new Promise((resolve, reject) => {
    secret.on(secret.events.CRASH, (e) => reject(e.payload.error));
    void secret.run({ eachMessage: async () => resolve(undefined) }).catch(reject);
  })), 'TOPIC_AUTHORIZATION_FAILED', 'DENY READ on orders-secret beats the prefixed ALLOW');
  await secret.disconnect();

  const bob = kafkaAs('bob').producer();
  await bob.connect();
  assert.equal(await errorType(bob.send({ topic: 'orders-eu', messages: [{ value: 'v' }] })), 'TOPIC_AUTHORIZATION_FAILED');
  await bob.disconnect();

  const deleted = await admin.deleteAcls({ filters: [{ resourceType: AclResourceTypes.TOPIC, resourceName: 'orders-secret', resourcePatternType: ResourcePatternTypes.LITERAL, principal: 'User:alice', host: '*', operation: AclOperationTypes.READ, permissionType: AclPermissionTypes.DENY }] });
  assert.equal(deleted.filterResponses[0]!.matchingAcls.length, 1);
});

test('without an authorizer the ACL APIs answer SECURITY_DISABLED', async () => {
  const broker = await startTestBroker();
  try {
    const a = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await a.connect();
    assert.equal(await errorType(a.describeAcls({ resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY })), 'SECURITY_DISABLED');
    await a.disconnect();
  } finally {
    await broker.stop();
  }
});
