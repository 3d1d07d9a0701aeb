// The dashboard of a secured broker: HTTPS, HTTP Basic against the broker's users (SCRAM
// credentials and the users file), and per-user views by the broker's ACLs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { startBroker, type RunningBroker } from '../../src/broker/index.ts';
import { ScramCredentialStore } from '../../src/broker/security/credentials/scram-credential-store.ts';
import { createCredential, SCRAM_MECHANISMS } from '../../src/broker/security/sasl/scram-crypto.ts';
import { AclStore } from '../../src/broker/security/acl/acl-store.ts';
import { AclOperation, AclPermissionType, PatternType, ResourceType } from '../../src/broker/security/acl/acl-types.ts';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server.ts';
import { createTopics, produce } from '../connectors/kafka-helpers.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { tlsMaterial, type TlsMaterial } from '../helpers/tls-material.ts';
import { tempDir } from '../helpers/tmp-dir.ts';

const { dir, cleanup } = tempDir('sluice-dashsec-');
const dataDir = join(dir, 'data');
let tls: TlsMaterial;
let broker: RunningBroker;
let dashboard: RunningDashboard;

const acl = (principal: string, operation: number, resourceType: number, name: string) => ({
  resourceType,
  name,
  patternType: PatternType.LITERAL,
  principal,
  host: '*',
  operation,
  permission: AclPermissionType.ALLOW,
});

before(async () => {
  tls = tlsMaterial();
  // The data first, on an open broker; then the same data dir behind SASL and ACLs.
  const open = await startTestBroker({ dataDir });
  await createTopics(open.bootstrap, { secret: 1, shared: 1 });
  await produce(open.bootstrap, 'shared', [{ partition: 0, key: 'k', value: 'hello' }]);
  await produce(open.bootstrap, 'secret', [{ partition: 0, key: 'k', value: 'classified' }]);
  const admin = new Admin({ clientId: 'test', bootstrapBrokers: [open.bootstrap] });
  for (const groupId of ['shared-readers', 'secret-readers']) {
    await admin.alterConsumerGroupOffsets({ groupId, topics: [{ name: 'shared', partitionOffsets: [{ partition: 0, offset: 1n }] }, { name: 'secret', partitionOffsets: [{ partition: 0, offset: 0n }] }] });
  }
  await admin.close();
  await open.stop();

  // alice and bob are SCRAM users (as `sluice users` makes them); admin is in the users file.
  ScramCredentialStore.open(dataDir).apply([
    { kind: 'upsert', user: 'alice', mechanism: 'SCRAM-SHA-256', credential: createCredential(SCRAM_MECHANISMS['SCRAM-SHA-256'], 'alice-pw') },
    { kind: 'upsert', user: 'bob', mechanism: 'SCRAM-SHA-512', credential: createCredential(SCRAM_MECHANISMS['SCRAM-SHA-512'], 'bob-pw') },
  ]);
  AclStore.open(dataDir).replace([
    acl('User:alice', AclOperation.DESCRIBE, ResourceType.TOPIC, 'shared'),
    acl('User:alice', AclOperation.DESCRIBE, ResourceType.GROUP, 'shared-readers'),
    acl('User:bob', AclOperation.READ, ResourceType.TOPIC, 'shared'),
  ]);
  const users = join(dir, 'users.txt');
  writeFileSync(users, 'admin:admin-pw\n');
  broker = await startBroker({ dataDir, listeners: 'SASL_PLAINTEXT://127.0.0.1:0', saslUsersFile: users, authorizer: { superUsers: 'User:admin' } });
  dashboard = await startDashboard({
    tls: { cert: tls.server.cert, key: tls.server.key },
    auth: broker.access,
    kafka: { bootstrap: [broker.bootstrap], sasl: { mechanism: 'SCRAM-SHA-256', username: 'admin', password: 'admin-pw' } },
    metrics: () => [broker.metrics.registry],
    processMetrics: false,
  });
});

after(async () => {
  await dashboard?.close();
  await broker?.close();
  tls?.cleanup();
  cleanup();
});

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** GET over HTTPS, trusting only the test CA; `login` is `user:password`. */
function get(path: string, login?: string): Promise<Res> {
  const headers: Record<string, string> = login === undefined ? {} : { authorization: `Basic ${Buffer.from(login).toString('base64')}` };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: dashboard.port, path, headers, ca: tls.ca.cert, servername: 'localhost' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const json = /json/.test(String(res.headers['content-type'])) ? JSON.parse(text) : text;
        resolve({ status: res.statusCode!, headers: res.headers, body: json });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

test('serves HTTPS with the given certificate (verified against the test CA) and no token', () => {
  assert.match(dashboard.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
  assert.equal(dashboard.token, undefined);
});

test('no credentials, a wrong password or an unknown user: 401 with WWW-Authenticate Basic', async () => {
  for (const login of [undefined, 'alice:wrong', 'alice:', 'nobody:alice-pw', 'admin:alice-pw']) {
    for (const path of ['/', '/kafka/topics', '/metrics']) {
      const r = await get(path, login);
      assert.equal(r.status, 401, `${login} ${path}`);
      assert.match(String(r.headers['www-authenticate']), /^Basic realm="Sluice dashboard"/);
    }
  }
});

test("SCRAM users (SHA-256 and SHA-512) and users-file users log in with their passwords", async () => {
  for (const login of ['alice:alice-pw', 'bob:bob-pw', 'admin:admin-pw']) {
    const r = await get('/kafka/cluster', login);
    assert.equal(r.status, 200, `${login}: ${JSON.stringify(r.body)}`);
    assert.deepEqual(r.body.brokers.map((b: any) => b.nodeId), [1]);
  }
  assert.equal((await get('/', 'alice:alice-pw')).status, 200, 'the web UI itself');
});

test('topics are filtered by DESCRIBE: alice sees shared only; the super user sees all', async () => {
  const names = async (login: string) => ((await get('/kafka/topics', login)).body.topics as any[]).map((t) => t.name);
  assert.deepEqual(await names('alice:alice-pw'), ['shared']);
  assert.deepEqual(await names('bob:bob-pw'), ['shared'], 'READ implies DESCRIBE');
  const all = await names('admin:admin-pw');
  assert.ok(all.includes('secret') && all.includes('shared'), all.join(','));
  const denied = await get('/kafka/topics/secret', 'alice:alice-pw');
  assert.equal(denied.status, 403);
  assert.equal(denied.body.code, 'SLUICE_DASHBOARD_ACCESS_DENIED');
  assert.equal((await get('/kafka/topics/no-such-topic', 'alice:alice-pw')).status, 403, 'no DESCRIBE: existence is not revealed');
  assert.equal((await get('/kafka/topics/shared', 'alice:alice-pw')).status, 200);
  assert.equal((await get('/kafka/topics/secret', 'admin:admin-pw')).status, 200);
});

test('the message browser needs READ on the topic', async () => {
  const path = (topic: string) => `/kafka/topics/${topic}/partitions/0/messages?offset=0&limit=10`;
  const alice = await get(path('shared'), 'alice:alice-pw');
  assert.equal(alice.status, 403, 'DESCRIBE is not enough');
  assert.match(alice.body.errors[0], /User:alice may not READ topic "shared"/);
  const bob = await get(path('shared'), 'bob:bob-pw');
  assert.equal(bob.status, 200, JSON.stringify(bob.body));
  assert.deepEqual(bob.body.records.map((r: any) => r.value.text), ['hello']);
  assert.equal((await get(path('secret'), 'bob:bob-pw')).status, 403);
  const admin = await get(path('secret'), 'admin:admin-pw');
  assert.deepEqual(admin.body.records.map((r: any) => r.value.text), ['classified']);
});

test('groups are filtered by DESCRIBE, and their offsets by DESCRIBE on the topic', async () => {
  const alice = await get('/kafka/groups', 'alice:alice-pw');
  assert.deepEqual(alice.body.groups.map((g: any) => g.id), ['shared-readers']);
  assert.equal((await get('/kafka/groups/secret-readers', 'alice:alice-pw')).status, 403);
  const detail = await get('/kafka/groups/shared-readers', 'alice:alice-pw');
  assert.equal(detail.status, 200, JSON.stringify(detail.body));
  assert.deepEqual(detail.body.partitions.map((p: any) => p.topic), ['shared'], 'offsets of secret are left out');
  const admin = await get('/kafka/groups/shared-readers', 'admin:admin-pw');
  assert.deepEqual(admin.body.partitions.map((p: any) => p.topic), ['secret', 'shared']);
  assert.deepEqual((await get('/kafka/groups', 'admin:admin-pw')).body.groups.map((g: any) => g.id), ['secret-readers', 'shared-readers']);
});

test('/metrics needs DESCRIBE on the cluster', async () => {
  assert.equal((await get('/metrics', 'alice:alice-pw')).status, 403);
  const r = await get('/metrics', 'admin:admin-pw');
  assert.equal(r.status, 200);
  assert.match(r.body, /kafka_server_/);
});

test('HTTP Basic without TLS off loopback is refused at start; a token and users together too', async () => {
  const auth = { verifyPassword: () => true };
  await assert.rejects(startDashboard({ host: '0.0.0.0', auth, processMetrics: false }), (err: any) => err.code === 'SLUICE_DASHBOARD_START_FAILED' && /passwords in clear/.test(err.message));
  await assert.rejects(startDashboard({ auth, token: 'x', processMetrics: false }), (err: any) => err.code === 'SLUICE_DASHBOARD_START_FAILED');
});
