import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CredentialStore } from '../../../../src/broker/security/credentials/credential-store.ts';
import { ScramCredentialStore } from '../../../../src/broker/security/credentials/scram-credential-store.ts';
import { createCredential, passwordMatches, SCRAM_MECHANISMS } from '../../../../src/broker/security/sasl/scram-crypto.ts';

test('file users get SCRAM credentials derived from their password (stable per mechanism)', () => {
  const store = new CredentialStore(ScramCredentialStore.inMemory(), new Map([['dev', 'dev-secret']]));
  const c = store.scramCredential('dev', 'SCRAM-SHA-512')!;
  assert.ok(passwordMatches(SCRAM_MECHANISMS['SCRAM-SHA-512'], c, 'dev-secret'));
  assert.equal(store.scramCredential('dev', 'SCRAM-SHA-512'), c);
  assert.equal(store.scramCredential('nobody', 'SCRAM-SHA-512'), undefined);
});

test('a stored SCRAM credential wins over a file user; PLAIN prefers the file password', () => {
  const scram = ScramCredentialStore.inMemory();
  const stored = createCredential(SCRAM_MECHANISMS['SCRAM-SHA-256'], 'scram-pw', 4096);
  scram.apply([{ kind: 'upsert', user: 'dev', mechanism: 'SCRAM-SHA-256', credential: stored }]);
  const store = new CredentialStore(scram, new Map([['dev', 'file-pw']]));
  assert.equal(store.scramCredential('dev', 'SCRAM-SHA-256'), stored);
  assert.ok(passwordMatches(SCRAM_MECHANISMS['SCRAM-SHA-512'], store.scramCredential('dev', 'SCRAM-SHA-512')!, 'file-pw'));
  assert.equal(store.verifyPassword('dev', 'file-pw'), true);
  assert.equal(store.verifyPassword('dev', 'scram-pw'), false);
  assert.equal(store.verifyPassword('dev', 'file-pw '), false);
});
