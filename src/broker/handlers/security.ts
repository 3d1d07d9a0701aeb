import type { RequestContext } from '../broker-context.ts';
import { CloseConnection } from '../server/connection.ts';
import { NO_SASL } from '../security/sasl/authenticator.ts';
import { createAcls, deleteAcls, describeAcls, type AclApiOutcome } from '../security/acl/acl-admin.ts';
import { AclOperation, CLUSTER_NAME, ResourceType } from '../security/acl/acl-types.ts';
import { alterScramCredentials, describeScramCredentials } from '../security/credentials/scram-admin.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { CreateAclsRequest } from '../../protocol/messages/create-acls.ts';
import type { DeleteAclsRequest } from '../../protocol/messages/delete-acls.ts';
import type { DescribeAclsRequest } from '../../protocol/messages/describe-acls.ts';
import type { AlterUserScramCredentialsRequest } from '../../protocol/messages/alter-user-scram-credentials.ts';
import type { DescribeUserScramCredentialsRequest } from '../../protocol/messages/describe-user-scram-credentials.ts';

// SaslHandshake / SaslAuthenticate reach these handlers only on listeners without SASL (the
// dispatcher answers them on SASL listeners): Kafka answers ILLEGAL_SASL_STATE and keeps the
// connection.
export const handleSaslHandshake = (): object => NO_SASL.handshake();
export const handleSaslAuthenticate = (): object => NO_SASL.authenticate();

function outcome<T extends object>(o: AclApiOutcome<T>): T {
  if ('invalid' in o) throw new CloseConnection(o.invalid);
  return o.response;
}

export const handleDescribeAcls = (ctx: RequestContext, req: DescribeAclsRequest): object => outcome(describeAcls(ctx.broker.security.authorizer, ctx.authz, req));
export const handleCreateAcls = (ctx: RequestContext, req: CreateAclsRequest): object => outcome(createAcls(ctx.broker.security.authorizer, ctx.authz, req));
export const handleDeleteAcls = (ctx: RequestContext, req: DeleteAclsRequest): object => outcome(deleteAcls(ctx.broker.security.authorizer, ctx.authz, req));

const CLUSTER_DENIED = 'Cluster authorization failed.';

/** DescribeUserScramCredentials: DESCRIBE on the cluster, else a top-level CLUSTER_AUTHORIZATION_FAILED. */
export function handleDescribeUserScramCredentials(ctx: RequestContext, req: DescribeUserScramCredentialsRequest): object {
  if (!ctx.authz.authorize(AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME)) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: CLUSTER_DENIED, results: [] };
  }
  return describeScramCredentials(ctx.broker.security.credentials.scram, req);
}

/** AlterUserScramCredentials: ALTER on the cluster, else every user named gets CLUSTER_AUTHORIZATION_FAILED. */
export function handleAlterUserScramCredentials(ctx: RequestContext, req: AlterUserScramCredentialsRequest): object {
  if (!ctx.authz.authorize(AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME)) {
    const users = [...new Set([...req.deletions.map((d) => d.name), ...req.upsertions.map((u) => u.name)])];
    return { throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: CLUSTER_DENIED })) };
  }
  return alterScramCredentials(ctx.broker.security.credentials.scram, req);
}
