import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlainUsers, readPlainUsersFile } from '../../../../src/broker/security/credentials/plain-users-file.ts';
import { SecurityError } from '../../../../src/broker/security/errors.ts';
import { tempDir } from '../../../helpers/tmp-dir.ts';

test('username:password lines, comments and blank lines; the password may contain colons', () => {
  const users = parsePlainUsers('# dev users\nalice:alice-secret\n\n  bob:b:o:b  \n', 'users.txt');
  assert.deepEqual([...users], [['alice', 'alice-secret'], ['bob', 'b:o:b']]);
});

test('a Kafka JAAS file with PlainLoginModule user_ entries', () => {
  const jaas = `KafkaServer {
    org.apache.kafka.common.security.plain.PlainLoginModule required
    username="admin"
    password="admin-secret"
    user_admin="admin-secret"
    user_alice="al\\"ice";
};`;
  assert.deepEqual([...parsePlainUsers(jaas, 'jaas.conf')], [['admin', 'admin-secret'], ['alice', 'al"ice']]);
});

test('mistakes are typed errors naming the file and line', () => {
  const bad = (text: string, re: RegExp) =>
    assert.throws(() => parsePlainUsers(text, 'users.txt'), (e: unknown) => e instanceof SecurityError && e.code === 'SLUICE_SECURITY_CONFIG' && re.test(e.message));
  bad('alice', /users.txt, line 1: expected username:password/);
  bad('alice:a\nalice:b', /line 2: user 'alice' is listed twice/);
  bad('alice:', /password of 'alice' is empty/);
  bad(':pw', /user name is empty/);
  const { dir, cleanup } = tempDir();
  try {
    assert.throws(() => readPlainUsersFile(join(dir, 'missing.txt')), /cannot read the SASL users file/);
    writeFileSync(join(dir, 'u.txt'), 'carol:pw\n');
    assert.deepEqual([...readPlainUsersFile(join(dir, 'u.txt'))], [['carol', 'pw']]);
  } finally {
    cleanup();
  }
});
