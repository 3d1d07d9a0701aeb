import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScramCredentialStore, SCRAM_CREDENTIALS_FILE } from '../../../../src/broker/security/credentials/scram-credential-store.ts';
import { createCredential, SCRAM_MECHANISMS } from '../../../../src/broker/security/sasl/scram-crypto.ts';
import { SecurityError } from '../../../../src/broker/security/errors.ts';
import { tempDir } from '../../../helpers/tmp-dir.ts';

const sha512 = SCRAM_MECHANISMS['SCRAM-SHA-512'];

test('credentials survive a restart, in a 0600 file that holds no password', () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = ScramCredentialStore.open(dir);
    const credential = createCredential(sha512, 'correct horse', 8192);
    store.apply([{ kind: 'upsert', user: 'alice', mechanism: 'SCRAM-SHA-512', credential }]);
    const file = join(dir, SCRAM_CREDENTIALS_FILE);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(!readFileSync(file, 'utf8').includes('correct horse'));
    const reopened = ScramCredentialStore.open(dir);
    assert.deepEqual(reopened.get('alice', 'SCRAM-SHA-512'), credential);
    assert.deepEqual(reopened.credentialsOf('alice'), [{ mechanism: 'SCRAM-SHA-512', iterations: 8192 }]);
    reopened.apply([{ kind: 'delete', user: 'alice', mechanism: 'SCRAM-SHA-512' }]);
    assert.deepEqual(ScramCredentialStore.open(dir).users(), []);
  } finally {
    cleanup();
  }
});

test('an unreadable credentials file stops the start with a typed error instead of resetting it', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, SCRAM_CREDENTIALS_FILE);
    for (const content of ['{"version":1,"users":{"a":{"SCRAM-SHA-1":{}}}}', '{not json', '{"version":2}', '{"version":1,"users":{"a":{"SCRAM-SHA-256":{"salt":"!!","iterations":4096,"storedKey":"AA==","serverKey":"AA=="}}}}']) {
      writeFileSync(file, content);
      assert.throws(() => ScramCredentialStore.open(dir), (err: unknown) => {
        assert.ok(err instanceof SecurityError);
        assert.equal(err.code, 'SLUICE_SECURITY_STATE_UNREADABLE');
        assert.match(err.message, /Restore the file from a backup/);
        return true;
      }, content);
      assert.equal(readFileSync(file, 'utf8'), content, 'left as it was');
    }
  } finally {
    cleanup();
  }
});
