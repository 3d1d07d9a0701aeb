import { ErrorCode } from '../../../protocol/error-codes.ts';
import type { AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse } from '../../../protocol/messages/alter-user-scram-credentials.ts';
import type { DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse } from '../../../protocol/messages/describe-user-scram-credentials.ts';
import { credentialFromSaltedPassword, SCRAM_MECHANISMS, scramMechanismOfType } from '../sasl/scram-crypto.ts';
import type { ScramChange, ScramCredentialStore } from './scram-credential-store.ts';

type UserResult = { user: string; errorCode: number; errorMessage: string | null };

/**
 * DescribeUserScramCredentials with Kafka's rules (KRaft's ScramImage): no users (null or
 * empty) means every user; a user named twice gets DUPLICATE_RESOURCE, an unknown one
 * RESOURCE_NOT_FOUND. Authorization (DESCRIBE on CLUSTER) is the handler's job.
 */
export function describeScramCredentials(store: ScramCredentialStore, req: DescribeUserScramCredentialsRequest): DescribeUserScramCredentialsResponse {
  const names = req.users === null || req.users.length === 0 ? store.users() : req.users.map((u) => u.name);
  const seen = new Map<string, number>();
  for (const n of names) seen.set(n, (seen.get(n) ?? 0) + 1);
  const results = [...seen].map(([user, count]) => {
    if (count > 1) {
      return { user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`, credentialInfos: [] };
    }
    const infos = store.credentialsOf(user).map((c) => ({ mechanism: SCRAM_MECHANISMS[c.mechanism].type, iterations: c.iterations }));
    if (infos.length === 0) {
      return { user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: `Attempt to describe a user credential that does not exist: ${user}`, credentialInfos: [] };
    }
    return { user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos: infos };
  });
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
}

/**
 * AlterUserScramCredentials with Kafka's rules (KRaft's ScramControlManager): a user altered twice
 * in one request (two deletions, two upsertions, or both) gets DUPLICATE_RESOURCE and none of its
 * changes apply; an empty name or too few/many iterations (4096..16384) UNACCEPTABLE_CREDENTIAL;
 * an unknown mechanism UNSUPPORTED_SASL_MECHANISM; deleting a credential that does not exist
 * RESOURCE_NOT_FOUND. Valid changes are persisted together; one result per user, in request
 * order. The client sends salted passwords: StoredKey and ServerKey are derived here and the
 * salted password is not kept.
 */
export function alterScramCredentials(store: ScramCredentialStore, req: AlterUserScramCredentialsRequest): AlterUserScramCredentialsResponse {
  const order: string[] = [];
  const errors = new Map<string, UserResult>();
  const changes = new Map<string, ScramChange>();
  const error = (user: string, errorCode: number, errorMessage: string): void => {
    changes.delete(user);
    errors.set(user, { user, errorCode, errorMessage });
  };
  const named = (user: string): boolean => {
    if (!order.includes(user)) order.push(user);
    if (errors.has(user)) return false;
    if (changes.has(user)) {
      error(user, ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request');
      return false;
    }
    return true;
  };
  for (const d of req.deletions) {
    if (!named(d.name)) continue;
    const m = scramMechanismOfType(d.mechanism);
    if (d.name === '') error(d.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
    else if (m === undefined) error(d.name, ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism');
    else if (store.get(d.name, m.name) === undefined) error(d.name, ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist');
    else changes.set(d.name, { kind: 'delete', user: d.name, mechanism: m.name });
  }
  for (const u of req.upsertions) {
    if (!named(u.name)) continue;
    const m = scramMechanismOfType(u.mechanism);
    if (u.name === '') error(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
    else if (m === undefined) error(u.name, ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism');
    else if (u.iterations < m.minIterations) error(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too few iterations');
    else if (u.iterations > m.maxIterations) error(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too many iterations');
    else if (u.salt.length === 0 || u.saltedPassword.length === 0) error(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Salt and salted password must not be empty');
    else {
      const credential = credentialFromSaltedPassword(m, Buffer.from(u.saltedPassword), Buffer.from(u.salt), u.iterations);
      changes.set(u.name, { kind: 'upsert', user: u.name, mechanism: m.name, credential });
    }
  }
  store.apply([...changes.values()]);
  const results = order.map((user) => errors.get(user) ?? { user, errorCode: ErrorCode.NONE, errorMessage: null });
  return { throttleTimeMs: 0, results };
}
