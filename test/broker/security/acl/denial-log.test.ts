import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DenialLog } from '../../../../src/broker/security/acl/denial-log.ts';
import { RequestAuthorizer } from '../../../../src/broker/security/acl/request-authorizer.ts';
import { Authorizer } from '../../../../src/broker/security/acl/authorizer.ts';
import { AclStore } from '../../../../src/broker/security/acl/acl-store.ts';
import { AclOperation, ResourceType } from '../../../../src/broker/security/acl/acl-types.ts';
import { ManualClock } from '../../../../src/util/clock.ts';
import { acl, alice } from './acl-fixtures.ts';

function setup(max = 3) {
  const records: { fields: Record<string, unknown>; message: string }[] = [];
  const clock = new ManualClock(0);
  const log = new DenialLog({ info: (fields, message) => records.push({ fields: fields as Record<string, unknown>, message }) }, clock, { maxPerWindow: max, windowMs: 1000 });
  const authorizer = new Authorizer({ store: AclStore.inMemory([acl('ALLOW', 'READ', 'TOPIC', 'ok')]) });
  return { records, clock, check: new RequestAuthorizer(authorizer, alice, 'Fetch', log) };
}

test('a denial is one record with principal, host, operation, resource, api and rule', () => {
  const { records, check } = setup();
  assert.equal(check.authorize(AclOperation.READ, ResourceType.TOPIC, 'ok'), true);
  assert.equal(check.authorize(AclOperation.WRITE, ResourceType.TOPIC, 'ok'), false);
  assert.deepEqual(records, [{
    fields: { principal: 'User:alice', host: '10.0.0.1', operation: 'WRITE', resource: 'TOPIC:ok', api: 'Fetch', rule: 'no ALLOW ACL matches' },
    message: 'authorization denied: User:alice WRITE on TOPIC:ok (Fetch)',
  }]);
  assert.equal(check.authorize(AclOperation.READ, ResourceType.TOPIC, 'secret', { log: false }), false);
  assert.equal(records.length, 1, 'silent checks are not logged');
});

test('the log is rate-limited; what was dropped is counted in the next record', () => {
  const { records, clock, check } = setup(3);
  for (let i = 0; i < 10; i++) check.authorize(AclOperation.READ, ResourceType.TOPIC, `t${i}`);
  assert.equal(records.length, 3);
  clock.advance(1000);
  check.authorize(AclOperation.READ, ResourceType.TOPIC, 'later');
  assert.equal(records.length, 4);
  assert.equal(records[3]!.fields.suppressedBefore, 7);
  assert.equal(records[3]!.fields.resource, 'TOPIC:later');
});

test('filter checks each distinct name once', () => {
  const { records, check } = setup(100);
  assert.deepEqual([...check.filter(AclOperation.READ, ResourceType.TOPIC, ['ok', 'x', 'x', 'ok'])], ['ok']);
  assert.equal(records.length, 1);
});

test('without an authorizer everything is allowed and every supported operation is reported', () => {
  const open = new RequestAuthorizer(null, alice, 'Metadata', null);
  assert.equal(open.enabled, false);
  assert.equal(open.authorize(AclOperation.DELETE, ResourceType.TOPIC, 't'), true);
  assert.equal(open.authorizeByResourceType(AclOperation.WRITE, ResourceType.TOPIC), true);
  assert.equal(open.authorizedOperations(ResourceType.TRANSACTIONAL_ID, 'x'), (1 << AclOperation.DESCRIBE) | (1 << AclOperation.WRITE));
});
