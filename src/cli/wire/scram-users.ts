import { randomBytes } from 'node:crypto';
import { ApiKey } from '../../protocol/api-keys.ts';
import type { DescribeUserScramCredentialsResponse } from '../../protocol/messages/describe-user-scram-credentials.ts';
import { saltedPassword, SCRAM_MECHANISMS, type ScramMechanismName } from '../../broker/security/sasl/scram-crypto.ts';
import type { ClusterClient } from './cluster-client.ts';
import { BrokerRequestError } from './wire-errors.ts';

/** Kafka's salted password: PBKDF2 of the password with a random salt, as the Java admin client computes it. */
export function scramUpsertion(name: string, password: string, mechanism: ScramMechanismName, iterations: number) {
  const m = SCRAM_MECHANISMS[mechanism];
  const salt = randomBytes(24);
  return { name, mechanism: m.type, iterations, salt, saltedPassword: saltedPassword(m, password, salt, iterations) };
}

// The credential APIs go to any broker: in KRaft it forwards the change to the controller.

/** A user the broker refused (the first one: what to fix first). */
function refused(api: string, results: ReadonlyArray<{ user: string; errorCode: number; errorMessage: string | null }>): void {
  const bad = results.find((r) => r.errorCode !== 0);
  if (bad !== undefined) throw new BrokerRequestError(api, bad.errorCode, bad.errorMessage, `user "${bad.user}"`);
}

/** AlterUserScramCredentials; a user the broker refuses fails the call. */
export async function alterScramUsers(
  cluster: ClusterClient,
  deletions: Array<{ name: string; mechanism: number }>,
  upsertions: Array<ReturnType<typeof scramUpsertion>>,
): Promise<void> {
  const { results } = await (await cluster.any()).request(ApiKey.AlterUserScramCredentials, { deletions, upsertions });
  refused('AlterUserScramCredentials', results);
}

export type DescribedUser = DescribeUserScramCredentialsResponse['results'][number];

/**
 * DescribeUserScramCredentials of `names`, where a name the broker cannot describe fails the call;
 * with null, every user the broker describes (it reports no per-user error then).
 */
export async function describeScramUsers(cluster: ClusterClient, names: string[] | null): Promise<DescribedUser[]> {
  const response = await (await cluster.any()).request(ApiKey.DescribeUserScramCredentials, { users: names === null ? null : names.map((name) => ({ name })) });
  if (response.errorCode !== 0) throw new BrokerRequestError('DescribeUserScramCredentials', response.errorCode, response.errorMessage);
  if (names !== null) refused('DescribeUserScramCredentials', response.results);
  return response.results.filter((r) => r.errorCode === 0);
}
