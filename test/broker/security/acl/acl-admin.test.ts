import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAcls, deleteAcls, describeAcls } from '../../../../src/broker/security/acl/acl-admin.ts';
import { AclStore } from '../../../../src/broker/security/acl/acl-store.ts';
import { Authorizer } from '../../../../src/broker/security/acl/authorizer.ts';
import { RequestAuthorizer } from '../../../../src/broker/security/acl/request-authorizer.ts';
import { AclOperation, AclPermissionType, PatternType, ResourceType } from '../../../../src/broker/security/acl/acl-types.ts';
import { ErrorCode, type CreateAclsRequest, type DescribeAclsRequest } from '../../../../src/protocol/index.ts';
import { acl, alice, session } from './acl-fixtures.ts';

const admin = session('admin');
const setup = () => {
  const authorizer = new Authorizer({ store: AclStore.inMemory(), superUsers: ['User:admin'] });
  return { authorizer, as: (s = admin) => new RequestAuthorizer(authorizer, s, 'test', null) };
};
const creation = (o: Partial<CreateAclsRequest['creations'][number]> = {}) => ({
  resourceType: ResourceType.TOPIC, resourceName: 'orders', resourcePatternType: PatternType.LITERAL,
  principal: 'User:alice', host: '*', operation: AclOperation.READ, permissionType: AclPermissionType.ALLOW, ...o,
});
const anyFilter: DescribeAclsRequest = {
  resourceTypeFilter: ResourceType.ANY, resourceNameFilter: null, patternTypeFilter: PatternType.ANY,
  principalFilter: null, hostFilter: null, operation: AclOperation.ANY, permissionType: AclPermissionType.ANY,
};
const response = <T>(o: { response: T } | { invalid: string }): T => {
  assert.ok('response' in o, `expected a response, got ${JSON.stringify(o)}`);
  return o.response;
};

test('without an authorizer the ACL APIs answer SECURITY_DISABLED', () => {
  const open = new RequestAuthorizer(null, alice, 'test', null);
  assert.deepEqual(response(describeAcls(null, open, anyFilter)), { throttleTimeMs: 0, errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured on the broker', resources: [] });
  assert.deepEqual(response(createAcls(null, open, { creations: [creation(), creation()] })).results, [
    { errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.' },
    { errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.' },
  ]);
  assert.equal(response(deleteAcls(null, open, { filters: [anyFilter] })).filterResults[0]!.errorCode, ErrorCode.SECURITY_DISABLED);
});

test('ACL APIs need DESCRIBE / ALTER on the cluster', () => {
  const { authorizer, as } = setup();
  assert.equal(response(describeAcls(authorizer, as(alice), anyFilter)).errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  assert.deepEqual(response(createAcls(authorizer, as(alice), { creations: [creation()] })).results.map((r) => r.errorCode), [ErrorCode.CLUSTER_AUTHORIZATION_FAILED]);
  assert.equal(response(deleteAcls(authorizer, as(alice), { filters: [anyFilter] })).filterResults[0]!.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  assert.equal(authorizer.acls({ ...anyFilterAsBinding() }).length, 0, 'nothing created');
  authorizer.createAcls([acl('ALLOW', 'ALTER', 'CLUSTER', 'kafka-cluster')]);
  assert.equal(response(describeAcls(authorizer, as(alice), anyFilter)).errorCode, ErrorCode.NONE, 'ALTER implies DESCRIBE');
});

function anyFilterAsBinding() {
  return { resourceType: ResourceType.ANY, name: null, patternType: PatternType.ANY, principal: null, host: null, operation: AclOperation.ANY, permission: AclPermissionType.ANY };
}

test('create: one result per ACL in order, Kafka\'s INVALID_REQUEST messages; duplicates are kept once', () => {
  const { authorizer, as } = setup();
  const results = response(createAcls(authorizer, as(), {
    creations: [
      creation(),
      creation({ resourceType: ResourceType.CLUSTER, resourceName: 'prod' }),
      creation({ resourceName: '' }),
      creation({ resourceType: ResourceType.ANY }),
      creation({ resourcePatternType: PatternType.MATCH }),
      creation({ operation: AclOperation.ANY }),
      creation({ permissionType: AclPermissionType.ANY }),
      creation({ principal: 'alice' }),
      creation(),
      creation({ resourcePatternType: PatternType.PREFIXED, resourceName: 'job-' }),
    ],
  })).results;
  assert.deepEqual(results.map((r) => [r.errorCode, r.errorMessage]), [
    [0, null],
    [ErrorCode.INVALID_REQUEST, 'The only valid name for the CLUSTER resource is kafka-cluster'],
    [ErrorCode.INVALID_REQUEST, 'Invalid empty resource name'],
    [ErrorCode.INVALID_REQUEST, 'Invalid resourceType ANY'],
    [ErrorCode.INVALID_REQUEST, 'Invalid patternType MATCH'],
    [ErrorCode.INVALID_REQUEST, 'Invalid operation ANY'],
    [ErrorCode.INVALID_REQUEST, 'Invalid permissionType ANY'],
    [ErrorCode.INVALID_REQUEST, 'expected a string in format principalType:principalName but got alice'],
    [0, null],
    [0, null],
  ]);
  assert.equal(authorizer.acls(anyFilterAsBinding()).length, 2);
});

test('UNKNOWN codes break the request itself (Kafka closes the connection)', () => {
  const { authorizer, as } = setup();
  assert.deepEqual(createAcls(authorizer, as(), { creations: [creation({ operation: 99 })] }), { invalid: 'CreatableAcls contain unknown elements' });
  assert.deepEqual(createAcls(authorizer, as(), { creations: [creation({ resourceType: 0 })] }), { invalid: 'CreatableAcls contain unknown elements' });
  assert.ok('invalid' in describeAcls(authorizer, as(), { ...anyFilter, patternTypeFilter: 0 }));
  assert.ok('invalid' in deleteAcls(authorizer, as(), { filters: [anyFilter, { ...anyFilter, permissionType: 7 }] }));
});

test('describe: filters by type, name (LITERAL, PREFIXED, ANY, MATCH), principal, host, operation, permission; grouped by pattern', () => {
  const { authorizer, as } = setup();
  authorizer.createAcls([
    acl('ALLOW', 'READ', 'TOPIC', 'job-', { prefixed: true }),
    acl('ALLOW', 'WRITE', 'TOPIC', 'job-', { prefixed: true, principal: 'User:bob' }),
    acl('ALLOW', 'READ', 'TOPIC', 'job-1'),
    acl('DENY', 'READ', 'TOPIC', '*', { host: '10.0.0.9' }),
    acl('ALLOW', 'READ', 'GROUP', 'job-', { prefixed: true }),
  ]);
  const names = (f: Partial<DescribeAclsRequest>) =>
    response(describeAcls(authorizer, as(), { ...anyFilter, ...f })).resources.map((r) => `${r.resourceType}:${r.patternType}:${r.resourceName}=${r.acls.length}`);
  assert.deepEqual(names({}), ['2:3:*=1', '2:3:job-1=1', '2:4:job-=2', '3:4:job-=1']);
  assert.deepEqual(names({ resourceTypeFilter: ResourceType.TOPIC, resourceNameFilter: 'job-1', patternTypeFilter: PatternType.MATCH }), ['2:3:*=1', '2:3:job-1=1', '2:4:job-=2']);
  assert.deepEqual(names({ resourceNameFilter: 'job-1', patternTypeFilter: PatternType.LITERAL }), ['2:3:job-1=1']);
  assert.deepEqual(names({ resourceNameFilter: 'job-', patternTypeFilter: PatternType.ANY }), ['2:4:job-=2', '3:4:job-=1']);
  assert.deepEqual(names({ principalFilter: 'User:bob' }), ['2:4:job-=1']);
  assert.deepEqual(names({ hostFilter: '10.0.0.9', permissionType: AclPermissionType.DENY }), ['2:3:*=1']);
  assert.deepEqual(names({ operation: AclOperation.WRITE }), ['2:4:job-=1']);
  const full = response(describeAcls(authorizer, as(), { ...anyFilter, resourceTypeFilter: ResourceType.GROUP }));
  assert.deepEqual(full.resources, [{ resourceType: 3, resourceName: 'job-', patternType: 4, acls: [{ principal: 'User:alice', host: '*', operation: 3, permissionType: 3 }] }]);
});

test('delete: each filter reports what it matched (an ACL matched twice is reported twice), all are removed', () => {
  const { authorizer, as } = setup();
  authorizer.createAcls([acl('ALLOW', 'READ', 'TOPIC', 'a'), acl('ALLOW', 'READ', 'TOPIC', 'b'), acl('ALLOW', 'READ', 'GROUP', 'a')]);
  const out = response(deleteAcls(authorizer, as(), {
    filters: [
      { ...anyFilter, resourceTypeFilter: ResourceType.TOPIC, resourceNameFilter: 'a' },
      { ...anyFilter, resourceNameFilter: 'a' },
      { ...anyFilter, resourceNameFilter: 'zzz' },
    ],
  }));
  assert.deepEqual(out.filterResults.map((r) => r.matchingAcls.map((m) => `${m.resourceType}:${m.resourceName}`)), [['2:a'], ['2:a', '3:a'], []]);
  assert.equal(out.filterResults[1]!.matchingAcls[0]!.errorCode, 0);
  assert.deepEqual(authorizer.acls(anyFilterAsBinding()).map((a) => a.name), ['b']);
});
