import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AclStore, ACLS_FILE } from '../../../../src/broker/security/acl/acl-store.ts';
import { Authorizer } from '../../../../src/broker/security/acl/authorizer.ts';
import { ANY_ACL } from '../../../../src/broker/security/acl/acl-binding.ts';
import { AclOperation, ResourceType } from '../../../../src/broker/security/acl/acl-types.ts';
import { SecurityError } from '../../../../src/broker/security/errors.ts';
import { tempDir } from '../../../helpers/tmp-dir.ts';
import { acl, alice } from './acl-fixtures.ts';

test('ACLs survive a restart, in a readable file', () => {
  const { dir, cleanup } = tempDir();
  try {
    const first = new Authorizer({ store: AclStore.open(dir) });
    first.createAcls([acl('ALLOW', 'READ', 'TOPIC', 'job-', { prefixed: true }), acl('DENY', 'WRITE', 'GROUP', 'g', { host: '10.0.0.1' })]);
    const text = readFileSync(join(dir, ACLS_FILE), 'utf8');
    assert.match(text, /"resourceType": "TOPIC",\s+"patternType": "PREFIXED",\s+"name": "job-"/);
    const again = new Authorizer({ store: AclStore.open(dir) });
    assert.equal(again.authorize(alice, AclOperation.READ, ResourceType.TOPIC, 'job-7').allowed, true);
    assert.equal(again.acls(ANY_ACL).length, 2);
    again.deleteAcls([ANY_ACL]);
    assert.equal(new Authorizer({ store: AclStore.open(dir) }).acls(ANY_ACL).length, 0);
  } finally {
    cleanup();
  }
});

test('an unreadable or invalid ACL file stops the start with a typed error, untouched', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, ACLS_FILE);
    const entry = (o: object) => JSON.stringify({ version: 1, acls: [{ resourceType: 'TOPIC', patternType: 'LITERAL', name: 't', principal: 'User:a', host: '*', operation: 'READ', permission: 'ALLOW', ...o }] });
    for (const [content, why] of [
      ['[', /JSON/],
      ['{"version":1}', /not a version 1 ACL file/],
      [entry({ operation: 'FLY' }), /entry 0: unknown operation "FLY"/],
      [entry({ principal: 'alice' }), /entry 0: expected a string in format principalType:principalName/],
      [entry({ resourceType: 'CLUSTER' }), /only valid name for the CLUSTER resource/],
    ] as const) {
      writeFileSync(file, content);
      assert.throws(() => AclStore.open(dir), (e: unknown) => e instanceof SecurityError && e.code === 'SLUICE_SECURITY_STATE_UNREADABLE' && why.test(e.message), content);
      assert.equal(readFileSync(file, 'utf8'), content);
    }
  } finally {
    cleanup();
  }
});
