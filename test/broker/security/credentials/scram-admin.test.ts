import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pbkdf2Sync } from 'node:crypto';
import { alterScramCredentials, describeScramCredentials } from '../../../../src/broker/security/credentials/scram-admin.ts';
import { ScramCredentialStore } from '../../../../src/broker/security/credentials/scram-credential-store.ts';
import { CredentialStore } from '../../../../src/broker/security/credentials/credential-store.ts';
import { ErrorCode } from '../../../../src/protocol/index.ts';
import type { AlterUserScramCredentialsRequest } from '../../../../src/protocol/index.ts';

/** An upsertion as a client builds it: the salted password, never the password. */
function upsert(name: string, mechanism: number, password: string, iterations = 4096) {
  const salt = Buffer.from(`salt-of-${name}`);
  const saltedPassword = pbkdf2Sync(password, salt, iterations, mechanism === 2 ? 64 : 32, mechanism === 2 ? 'sha512' : 'sha256');
  return { name, mechanism, iterations, salt, saltedPassword };
}
const alter = (store: ScramCredentialStore, req: Partial<AlterUserScramCredentialsRequest>) =>
  alterScramCredentials(store, { deletions: [], upsertions: [], ...req }).results.map((r) => [r.user, r.errorCode, r.errorMessage]);

test('an upserted credential lets the user log in with that password (PLAIN check against StoredKey)', () => {
  const store = ScramCredentialStore.inMemory();
  assert.deepEqual(alter(store, { upsertions: [upsert('alice', 2, 'pw-512', 8192), upsert('bob', 1, 'pw-bob')] }), [['alice', 0, null], ['bob', 0, null]]);
  const creds = new CredentialStore(store);
  assert.equal(creds.verifyPassword('alice', 'pw-512'), true);
  assert.equal(creds.verifyPassword('alice', 'pw-bob'), false);
  assert.equal(creds.verifyPassword('bob', 'pw-bob'), true);
  assert.equal(store.get('alice', 'SCRAM-SHA-512')!.iterations, 8192);
});

test('Kafka\'s validation rules and error codes', () => {
  const store = ScramCredentialStore.inMemory();
  alter(store, { upsertions: [upsert('alice', 1, 'a')] });
  assert.deepEqual(alter(store, {
    deletions: [{ name: 'alice', mechanism: 2 }, { name: '', mechanism: 1 }, { name: 'carol', mechanism: 7 }, { name: 'dave', mechanism: 1 }, { name: 'dave', mechanism: 2 }],
    upsertions: [upsert('erin', 1, 'e', 4095), upsert('frank', 2, 'f', 16385), upsert('carol', 1, 'c'), upsert('gina', 1, 'g'), upsert('gina', 2, 'g')],
  }), [
    ['alice', ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist'],
    ['', ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty'],
    ['carol', ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism'],
    ['dave', ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist'],
    ['erin', ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too few iterations'],
    ['frank', ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too many iterations'],
    ['gina', ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request'],
  ]);
  assert.deepEqual(store.users(), ['alice'], 'no failed change applied');
  assert.deepEqual(alter(store, { deletions: [{ name: 'alice', mechanism: 1 }], upsertions: [upsert('alice', 2, 'x')] }), [
    ['alice', ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request'],
  ]);
  assert.ok(store.get('alice', 'SCRAM-SHA-256'), 'a user altered twice keeps its credentials');
  assert.deepEqual(alter(store, { deletions: [{ name: 'alice', mechanism: 1 }] }), [['alice', 0, null]]);
  assert.deepEqual(store.users(), []);
});

test('describe: all users, named users, unknown and duplicated names', () => {
  const store = ScramCredentialStore.inMemory();
  alter(store, { upsertions: [upsert('bob', 1, 'b'), upsert('alice', 2, 'a', 10000)] });
  alter(store, { upsertions: [upsert('alice', 1, 'a')] });
  const all = describeScramCredentials(store, { users: null });
  assert.equal(all.errorCode, 0);
  assert.deepEqual(all.results, [
    { user: 'alice', errorCode: 0, errorMessage: null, credentialInfos: [{ mechanism: 1, iterations: 4096 }, { mechanism: 2, iterations: 10000 }] },
    { user: 'bob', errorCode: 0, errorMessage: null, credentialInfos: [{ mechanism: 1, iterations: 4096 }] },
  ]);
  assert.deepEqual(describeScramCredentials(store, { users: [] }).results.map((r) => r.user), ['alice', 'bob']);
  assert.deepEqual(describeScramCredentials(store, { users: [{ name: 'zed' }, { name: 'bob' }, { name: 'alice' }, { name: 'alice' }] }).results.map((r) => [r.user, r.errorCode, r.errorMessage]), [
    ['zed', ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to describe a user credential that does not exist: zed'],
    ['bob', 0, null],
    ['alice', ErrorCode.DUPLICATE_RESOURCE, 'Cannot describe SCRAM credentials for the same user twice in a single request: alice'],
  ]);
});
