import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Authorizer, clientHost, parseSuperUsers, type Session } from '../../../../src/broker/security/acl/authorizer.ts';
import { AclStore } from '../../../../src/broker/security/acl/acl-store.ts';
import { AclOperation, ResourceType, type AclOperationName, type ResourceTypeName } from '../../../../src/broker/security/acl/acl-types.ts';
import type { AclBinding } from '../../../../src/broker/security/acl/acl-binding.ts';
import { SecurityError } from '../../../../src/broker/security/errors.ts';
import { acl, alice, bob, session } from './acl-fixtures.ts';

function authorizer(acls: AclBinding[], o: { superUsers?: string[]; allowEveryoneIfNoAclFound?: boolean } = {}): Authorizer {
  return new Authorizer({ store: AclStore.inMemory(acls), ...o });
}
const can = (a: Authorizer, s: Session, op: AclOperationName, type: ResourceTypeName, name: string): boolean =>
  a.authorize(s, AclOperation[op], ResourceType[type], name).allowed;

test('no ACL: denied by default; allow.everyone.if.no.acl.found only while the resource has no ACL at all', () => {
  assert.equal(can(authorizer([]), alice, 'READ', 'TOPIC', 't'), false);
  const open = authorizer([acl('ALLOW', 'READ', 'TOPIC', 'guarded', { principal: 'User:bob' })], { allowEveryoneIfNoAclFound: true });
  assert.equal(can(open, alice, 'READ', 'TOPIC', 't'), true);
  assert.equal(can(open, alice, 'WRITE', 'GROUP', 'g'), true);
  assert.equal(can(open, alice, 'READ', 'TOPIC', 'guarded'), false, 'an ACL for someone else closes the resource');
  assert.equal(can(open, bob, 'READ', 'TOPIC', 'guarded'), true);
  assert.equal(open.authorize(alice, AclOperation.READ, ResourceType.TOPIC, 't').rule, 'DefaultAllow');
});

test('implied operations: READ, WRITE, DELETE, ALTER allow DESCRIBE; ALTER_CONFIGS allows DESCRIBE_CONFIGS; nothing else', () => {
  for (const op of ['READ', 'WRITE', 'DELETE', 'ALTER'] as const) {
    const a = authorizer([acl('ALLOW', op, 'TOPIC', 't')]);
    assert.equal(can(a, alice, 'DESCRIBE', 'TOPIC', 't'), true, `${op} implies DESCRIBE`);
    assert.equal(can(a, alice, 'DESCRIBE_CONFIGS', 'TOPIC', 't'), false, `${op} does not imply DESCRIBE_CONFIGS`);
  }
  const configs = authorizer([acl('ALLOW', 'ALTER_CONFIGS', 'TOPIC', 't')]);
  assert.equal(can(configs, alice, 'DESCRIBE_CONFIGS', 'TOPIC', 't'), true);
  assert.equal(can(configs, alice, 'DESCRIBE', 'TOPIC', 't'), false);
  const describe = authorizer([acl('ALLOW', 'DESCRIBE', 'TOPIC', 't'), acl('ALLOW', 'CREATE', 'TOPIC', 't')]);
  assert.equal(can(describe, alice, 'READ', 'TOPIC', 't'), false);
  assert.equal(can(describe, alice, 'DESCRIBE', 'TOPIC', 't'), true);
  assert.equal(can(authorizer([acl('ALLOW', 'CREATE', 'TOPIC', 't')]), alice, 'DESCRIBE', 'TOPIC', 't'), false, 'CREATE does not imply DESCRIBE');
});

test('DENY wins over ALLOW, implies nothing, and DENY ALL denies everything', () => {
  const a = authorizer([acl('ALLOW', 'ALL', 'TOPIC', 't'), acl('DENY', 'WRITE', 'TOPIC', 't', { principal: 'User:*' })]);
  assert.equal(can(a, alice, 'WRITE', 'TOPIC', 't'), false);
  assert.equal(can(a, alice, 'READ', 'TOPIC', 't'), true);
  assert.match(a.authorize(alice, AclOperation.WRITE, ResourceType.TOPIC, 't').rule, /^DENY ACL TOPIC:LITERAL:t User:\* from \* DENY WRITE/);
  const denyRead = authorizer([acl('ALLOW', 'READ', 'TOPIC', 't'), acl('DENY', 'READ', 'TOPIC', 't')]);
  assert.equal(can(denyRead, alice, 'READ', 'TOPIC', 't'), false);
  assert.equal(can(denyRead, alice, 'DESCRIBE', 'TOPIC', 't'), true, 'a DENY of READ does not deny DESCRIBE (Kafka)');
  const denyAll = authorizer([acl('ALLOW', 'ALL', 'TOPIC', '*'), acl('DENY', 'ALL', 'TOPIC', 't')]);
  for (const op of ['READ', 'WRITE', 'DESCRIBE', 'DESCRIBE_CONFIGS'] as const) assert.equal(can(denyAll, alice, op, 'TOPIC', 't'), false, op);
  assert.equal(can(denyAll, alice, 'READ', 'TOPIC', 'u'), true);
});

test('patterns: LITERAL name, LITERAL *, PREFIXED; a prefixed DENY overrides a literal ALLOW', () => {
  const a = authorizer([
    acl('ALLOW', 'READ', 'TOPIC', 'job-', { prefixed: true }),
    acl('DENY', 'READ', 'TOPIC', 'job-secret', { prefixed: true }),
    acl('ALLOW', 'READ', 'TOPIC', 'job-secret-but-fine'),
    acl('ALLOW', 'WRITE', 'TOPIC', '*'),
  ]);
  assert.equal(can(a, alice, 'READ', 'TOPIC', 'job-1'), true);
  assert.equal(can(a, alice, 'READ', 'TOPIC', 'job-'), true);
  assert.equal(can(a, alice, 'READ', 'TOPIC', 'job'), false);
  assert.equal(can(a, alice, 'READ', 'TOPIC', 'job-secret-x'), false);
  assert.equal(can(a, alice, 'READ', 'TOPIC', 'job-secret-but-fine'), false, 'DENY wins whatever the pattern');
  assert.equal(can(a, alice, 'WRITE', 'TOPIC', 'anything'), true);
  assert.equal(can(a, alice, 'WRITE', 'GROUP', 'anything'), false, 'other resource types are separate');
  assert.equal(can(a, alice, 'READ', 'TOPIC', '*'), false, "a resource literally named '*' only gets the wildcard's ACLs");
  assert.equal(can(a, alice, 'WRITE', 'TOPIC', '*'), true);
});

test('principals and hosts: User:* matches everyone, a host ACL only that address', () => {
  const a = authorizer([acl('ALLOW', 'READ', 'GROUP', 'g', { principal: 'User:*', host: '10.0.0.1' }), acl('ALLOW', 'READ', 'GROUP', 'h', { principal: 'User:bob' })]);
  assert.equal(can(a, alice, 'READ', 'GROUP', 'g'), true);
  assert.equal(can(a, session('alice', '10.0.0.2'), 'READ', 'GROUP', 'g'), false);
  assert.equal(can(a, alice, 'READ', 'GROUP', 'h'), false);
  assert.equal(can(a, bob, 'READ', 'GROUP', 'h'), true);
  assert.equal(can(a, { principal: { type: 'Group', name: 'bob' }, host: '10.0.0.1' }, 'READ', 'GROUP', 'h'), false, 'the principal type counts');
  assert.equal(clientHost('::ffff:10.0.0.1'), '10.0.0.1');
  assert.equal(clientHost('::1'), '::1');
});

test('super.users are allowed everything, even against a DENY; parsing follows Kafka', () => {
  const a = authorizer([acl('DENY', 'ALL', 'TOPIC', '*', { principal: 'User:*' })], { superUsers: parseSuperUsers(' User:admin ; User:CN=ops,O=Acme ;') });
  assert.equal(can(a, session('admin'), 'DELETE', 'TOPIC', 't'), true);
  assert.equal(can(a, { principal: { type: 'User', name: 'CN=ops,O=Acme' }, host: 'h' }, 'ALTER', 'CLUSTER', 'kafka-cluster'), true);
  assert.equal(can(a, alice, 'READ', 'TOPIC', 't'), false);
  assert.throws(() => parseSuperUsers('admin'), (e: unknown) => e instanceof SecurityError && /'admin' is not a principal/.test(e.message));
});

test('authorizeByResourceType (idempotent producers): Kafka\'s prefix-domination cases', () => {
  const read = (acls: AclBinding[], s: Session = alice) => authorizer(acls).authorizeByResourceType(s, AclOperation.READ, ResourceType.GROUP);
  const allow = (name: string, prefixed = true) => acl('ALLOW', 'READ', 'GROUP', name, { prefixed, host: '10.0.0.1' });
  const deny = (name: string, prefixed = true) => acl('DENY', 'READ', 'GROUP', name, { prefixed, host: '10.0.0.1' });
  assert.equal(read([]), false);
  assert.equal(read([allow('abcde')]), true);
  assert.equal(read([allow('abcde'), deny('abcd')]), false);
  assert.equal(read([allow('abcde'), deny('abcd'), allow('abc')]), true);
  assert.equal(read([allow('abcde'), deny('abcd'), allow('abc'), deny('a')]), false);
  assert.equal(read([allow('abcde'), deny('abcd'), allow('abc'), deny('a'), allow('ab')]), false);
  assert.equal(read([allow('t', false), deny('t', false)]), false, 'literal DENY of the same name');
  assert.equal(read([allow('t', false), deny('u', false)]), true, 'an unrelated DENY does not dominate');
  assert.equal(read([allow('*', false)]), true);
  assert.equal(read([allow('t', false), deny('*', false)]), false);
  assert.equal(read([acl('ALLOW', 'ALL', 'GROUP', 't', { host: '*', principal: 'User:*' })]), true);
  assert.equal(read([acl('ALLOW', 'DESCRIBE', 'GROUP', 't')]), false, 'only the operation itself or ALL counts');
  assert.equal(read([allow('t')], session('alice', '10.9.9.9')), false, 'host counts');
  assert.equal(authorizer([], { superUsers: ['User:alice'] }).authorizeByResourceType(alice, AclOperation.WRITE, ResourceType.TOPIC), true);
  const write = authorizer([acl('ALLOW', 'WRITE', 'TOPIC', 'out')]);
  assert.equal(write.authorizeByResourceType(alice, AclOperation.WRITE, ResourceType.TOPIC), true);
  assert.equal(write.authorizeByResourceType(bob, AclOperation.WRITE, ResourceType.TOPIC), false);
});

test('authorized-operations bit fields', () => {
  const a = authorizer([acl('ALLOW', 'READ', 'TOPIC', 't'), acl('ALLOW', 'ALTER_CONFIGS', 'TOPIC', 't')]);
  const bits = a.authorizedOperations(alice, ResourceType.TOPIC, 't');
  const ops = Object.entries(AclOperation).filter(([, code]) => bits & (1 << code)).map(([name]) => name).sort();
  assert.deepEqual(ops, ['ALTER_CONFIGS', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'READ']);
  assert.equal(a.authorizedOperations(bob, ResourceType.TOPIC, 't'), 0);
});
