// `sluice acls` on Sluice's own wire client: what the broker's answers become. The round trip
// against a broker with an authorizer is test/cli/security.test.ts; here a scripted peer plays
// the partial answers (one binding refused, one matching ACL not deleted) and the request shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey } from '../../../src/protocol/api-keys.ts';
import { ClusterClient } from '../../../src/cli/wire/cluster-client.ts';
import { createAcls, deleteAcls, describeAcls, type AclFilter } from '../../../src/cli/wire/acl-admin.ts';
import { BrokerRequestError } from '../../../src/cli/wire/wire-errors.ts';
import { scriptedBroker, type Script } from './scripted-broker.ts';

const binding = (principal: string) => ({ resourceType: 2, resourceName: 'orders', resourcePatternType: 3, principal, host: '*', operation: 3, permissionType: 3 });
const filter: AclFilter = { resourceTypeFilter: 2, resourceNameFilter: 'orders', patternTypeFilter: 3, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 };
const matching = (principal: string, errorCode: number) => ({ errorCode, errorMessage: errorCode ? 'not now' : null, ...binding(principal), patternType: 3 });

async function withPeer(script: Script, caps: Partial<Record<number, number>>, fn: (cluster: ClusterClient) => Promise<void>): Promise<void> {
  const peer = await scriptedBroker(script, caps);
  const cluster = await ClusterClient.connect([peer.address], { clientId: 'acl-admin-test' });
  try {
    await fn(cluster);
  } finally {
    cluster.close();
    await peer.close();
  }
}

test('a refused binding fails CreateAcls and is named; a full answer succeeds', async () => {
  const script: Script = {
    [ApiKey.CreateAcls]: [
      { results: [{ errorCode: 0, errorMessage: null }, { errorCode: 31, errorMessage: 'Cluster authorization failed.' }] },
      { results: [{ errorCode: 0, errorMessage: null }, { errorCode: 0, errorMessage: null }] },
    ],
  };
  await withPeer(script, {}, async (cluster) => {
    await assert.rejects(createAcls(cluster, [binding('User:a'), binding('User:b')]), (e: unknown) =>
      e instanceof BrokerRequestError && e.errorName === 'CLUSTER_AUTHORIZATION_FAILED' && e.message === 'Cluster authorization failed (CLUSTER_AUTHORIZATION_FAILED, in CreateAcls of User:b on "orders")');
    await createAcls(cluster, [binding('User:a'), binding('User:b')]);
  });
});

test("DescribeAcls' own error throws; DeleteAcls reports the matching ACLs it could not delete apart", async () => {
  const script: Script = {
    [ApiKey.DescribeAcls]: [
      { errorCode: 54, errorMessage: 'No Authorizer is configured on the broker', resources: [] },
      { errorCode: 0, errorMessage: null, resources: [{ resourceType: 2, resourceName: 'orders', patternType: 3, acls: [{ principal: 'User:a', host: '*', operation: 3, permissionType: 3 }] }] },
    ],
    [ApiKey.DeleteAcls]: [{ filterResults: [{ errorCode: 0, errorMessage: null, matchingAcls: [matching('User:a', 0), matching('User:b', 87), matching('User:c', 0)] }] }],
  };
  await withPeer(script, {}, async (cluster) => {
    await assert.rejects(describeAcls(cluster, filter), (e: unknown) => e instanceof BrokerRequestError && e.errorName === 'SECURITY_DISABLED');
    const resources = await describeAcls(cluster, filter);
    assert.deepEqual(resources.map((r) => [r.resourceName, r.patternType, r.acls.map((a) => a.principal)]), [['orders', 3, ['User:a']]]);
    const { deleted, failed } = await deleteAcls(cluster, [filter]);
    assert.deepEqual(deleted.map((a) => a.principal), ['User:a', 'User:c']);
    assert.deepEqual(failed.map((a) => [a.principal, a.errorCode]), [['User:b', 87]]);
  });
});

test('a filter-level DeleteAcls error throws; ACL requests work at v0 (no pattern type on the wire)', async () => {
  const script: Script = {
    [ApiKey.DeleteAcls]: [{ filterResults: [{ errorCode: 31, errorMessage: null, matchingAcls: [] }] }],
    [ApiKey.DescribeAcls]: [{ errorCode: 0, errorMessage: null, resources: [] }],
  };
  await withPeer(script, { [ApiKey.DeleteAcls]: 0, [ApiKey.DescribeAcls]: 0 }, async (cluster) => {
    await assert.rejects(deleteAcls(cluster, [filter]), (e: unknown) => e instanceof BrokerRequestError && e.errorName === 'CLUSTER_AUTHORIZATION_FAILED');
    assert.deepEqual(await describeAcls(cluster, filter), []);
  });
});
