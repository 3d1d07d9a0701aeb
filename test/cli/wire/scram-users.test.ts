// `sluice users` on Sluice's own wire client: the credential it sends (RFC 5802's salted password,
// as Kafka's admin client computes it) and what the broker's per-user answers become. The round
// trip against a SASL_SSL broker, then logging in as the new user, is test/cli/security.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pbkdf2Sync } from 'node:crypto';
import { ApiKey } from '../../../src/protocol/api-keys.ts';
import { ClusterClient } from '../../../src/cli/wire/cluster-client.ts';
import { alterScramUsers, describeScramUsers, scramUpsertion } from '../../../src/cli/wire/scram-users.ts';
import { BrokerRequestError } from '../../../src/cli/wire/wire-errors.ts';
import { scriptedBroker, type Script } from './scripted-broker.ts';

test('an upsertion carries PBKDF2 of the password with a fresh 24-byte salt, at the mechanism and iterations asked', () => {
  const a = scramUpsertion('ann', 'pw', 'SCRAM-SHA-256', 4096);
  const b = scramUpsertion('ann', 'pw', 'SCRAM-SHA-512', 8192);
  assert.deepEqual([a.mechanism, a.iterations, a.salt.length, a.saltedPassword.length], [1, 4096, 24, 32]);
  assert.deepEqual([b.mechanism, b.iterations, b.salt.length, b.saltedPassword.length], [2, 8192, 24, 64]);
  assert.deepEqual(a.saltedPassword, pbkdf2Sync('pw', a.salt, 4096, 32, 'sha256'));
  assert.deepEqual(b.saltedPassword, pbkdf2Sync('pw', b.salt, 8192, 64, 'sha512'));
  assert.notDeepEqual(a.salt, scramUpsertion('ann', 'pw', 'SCRAM-SHA-256', 4096).salt);
});

test('a user the broker refuses fails the call, named; listing everyone leaves out what it could not describe', async () => {
  const user = (name: string, errorCode: number) => ({ user: name, errorCode, errorMessage: errorCode ? `no ${name}` : null, credentialInfos: errorCode ? [] : [{ mechanism: 2, iterations: 4096 }] });
  const script: Script = {
    [ApiKey.AlterUserScramCredentials]: [{ results: [{ user: 'ann', errorCode: 0, errorMessage: null }, { user: 'bob', errorCode: 91, errorMessage: 'Attempt to delete a user credential that does not exist' }] }],
    [ApiKey.DescribeUserScramCredentials]: [
      { errorCode: 0, errorMessage: null, results: [user('ann', 0), user('zed', 91)] },
      { errorCode: 0, errorMessage: null, results: [user('ann', 0), user('zed', 91)] },
      { errorCode: 31, errorMessage: null, results: [] },
    ],
  };
  const peer = await scriptedBroker(script, {});
  const cluster = await ClusterClient.connect([peer.address], { clientId: 'scram-users-test' });
  try {
    await assert.rejects(alterScramUsers(cluster, [{ name: 'bob', mechanism: 1 }], [scramUpsertion('ann', 'pw', 'SCRAM-SHA-512', 4096)]), (e: unknown) =>
      e instanceof BrokerRequestError && e.message === 'Attempt to delete a user credential that does not exist (RESOURCE_NOT_FOUND, in AlterUserScramCredentials of user "bob")');
    await assert.rejects(describeScramUsers(cluster, ['ann', 'zed']), (e: unknown) => e instanceof BrokerRequestError && /no zed \(RESOURCE_NOT_FOUND, in DescribeUserScramCredentials of user "zed"\)/.test(e.message));
    assert.deepEqual((await describeScramUsers(cluster, null)).map((u) => u.user), ['ann']);
    await assert.rejects(describeScramUsers(cluster, null), (e: unknown) => e instanceof BrokerRequestError && e.errorName === 'CLUSTER_AUTHORIZATION_FAILED');
  } finally {
    cluster.close();
    await peer.close();
  }
});
