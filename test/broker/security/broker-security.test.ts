import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrokerSecurity } from '../../../src/broker/security/broker-security.ts';
import { AclOperation, ResourceType } from '../../../src/broker/security/acl/acl-types.ts';
import { alterScramCredentials } from '../../../src/broker/security/credentials/scram-admin.ts';
import { SecurityError } from '../../../src/broker/security/errors.ts';
import { ErrorCode } from '../../../src/protocol/index.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { pbkdf2Sync } from 'node:crypto';

test('one broker\'s security: users file + SCRAM store + ACLs, all surviving a restart', () => {
  const { dir, cleanup } = tempDir();
  try {
    const usersFile = join(dir, 'users.txt');
    writeFileSync(usersFile, 'admin:admin-secret\n');
    const logged: string[] = [];
    const options = { dataDir: dir, clock: new ManualClock(0), log: { info: (_: object, m: string) => logged.push(m) }, saslUsersFile: usersFile, authorizer: { superUsers: 'User:admin' }, sasl: { mechanisms: ['SCRAM-SHA-512'] as const } };
    const first = BrokerSecurity.open(options);
    // An admin logs in (file user, SCRAM derived from the password) and creates a SCRAM user.
    const sasl = first.newSaslAuthenticator();
    assert.equal(sasl.handshake(1, 'PLAIN').response.errorCode, ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'only the enabled mechanisms');
    const salt = Buffer.from('0123456789abcdef');
    alterScramCredentials(first.credentials.scram, { deletions: [], upsertions: [{ name: 'app', mechanism: 2, iterations: 4096, salt, saltedPassword: pbkdf2Sync('app-secret', salt, 4096, 64, 'sha512') }] });
    first.authorizer!.createAcls([{ resourceType: ResourceType.TOPIC, name: 'app-', patternType: 4, principal: 'User:app', host: '*', operation: AclOperation.WRITE, permission: 3 }]);
    const app = { principal: { type: 'User', name: 'app' }, host: '127.0.0.1' };
    assert.equal(first.requestAuthorizer(app, 'Produce').authorize(AclOperation.WRITE, ResourceType.TOPIC, 'other'), false);
    assert.deepEqual(logged, ['authorization denied: User:app WRITE on TOPIC:other (Produce)']);

    const again = BrokerSecurity.open(options);
    assert.equal(again.credentials.verifyPassword('app', 'app-secret'), true, 'SCRAM users persist');
    assert.equal(again.credentials.verifyPassword('admin', 'admin-secret'), true);
    const check = again.requestAuthorizer(app, 'Produce');
    assert.equal(check.authorize(AclOperation.WRITE, ResourceType.TOPIC, 'app-events'), true, 'ACLs persist');
    assert.equal(again.requestAuthorizer({ principal: { type: 'User', name: 'admin' }, host: 'h' }, 'DeleteTopics').authorize(AclOperation.DELETE, ResourceType.TOPIC, 'x'), true, 'super user');
  } finally {
    cleanup();
  }
});

test('without an authorizer everything is allowed; bad settings are typed errors at start', () => {
  const { dir, cleanup } = tempDir();
  try {
    const open = BrokerSecurity.open({ dataDir: dir, clock: new ManualClock(0), log: { info: () => {} } });
    assert.equal(open.authorizer, null);
    assert.equal(open.requestAuthorizer({ principal: { type: 'User', name: 'ANONYMOUS' }, host: 'h' }, 'Produce').authorize(AclOperation.WRITE, ResourceType.TOPIC, 't'), true);
    for (const bad of [{ authorizer: { superUsers: 'admin' } }, { sslPrincipalMappingRules: 'NOPE' }, { saslUsersFile: join(dir, 'missing') }]) {
      assert.throws(() => BrokerSecurity.open({ dataDir: dir, clock: new ManualClock(0), log: { info: () => {} }, ...bad }), (e: unknown) => e instanceof SecurityError && e.code === 'SLUICE_SECURITY_CONFIG');
    }
  } finally {
    cleanup();
  }
});
