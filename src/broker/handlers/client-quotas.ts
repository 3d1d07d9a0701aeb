import type { RequestContext } from '../broker-context.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { DescribeClientQuotasRequest } from '../../protocol/messages/describe-client-quotas.ts';
import type { AlterClientQuotasRequest } from '../../protocol/messages/alter-client-quotas.ts';
import { AclOperation, CLUSTER_NAME, ResourceType } from '../security/acl/acl-types.ts';
import { ClientQuotaError } from '../quota/client-quotas.ts';

const denied = (operation: string) => `Cluster authorization failed: client quotas need ${operation} on the cluster resource (an ACL for kafka-cluster).`;

/** DescribeClientQuotas: DESCRIBE_CONFIGS on the cluster; a bad filter is a top-level error. */
export function handleDescribeClientQuotas(ctx: RequestContext, req: DescribeClientQuotasRequest): object {
  if (!ctx.authz.authorize(AclOperation.DESCRIBE_CONFIGS, ResourceType.CLUSTER, CLUSTER_NAME)) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: denied('DESCRIBE_CONFIGS'), entries: null };
  }
  try {
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, entries: ctx.broker.quotas.describe(req.components, req.strict) };
  } catch (err) {
    if (!(err instanceof ClientQuotaError)) throw err;
    return { throttleTimeMs: 0, errorCode: ErrorCode[err.kafkaError], errorMessage: err.message, entries: null };
  }
}

/** AlterClientQuotas: ALTER_CONFIGS on the cluster; each entity is applied, or refused, alone. */
export function handleAlterClientQuotas(ctx: RequestContext, req: AlterClientQuotasRequest): object {
  const allowed = ctx.authz.authorize(AclOperation.ALTER_CONFIGS, ResourceType.CLUSTER, CLUSTER_NAME);
  const entries = req.entries.map(({ entity, ops }) => {
    if (!allowed) return { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: denied('ALTER_CONFIGS'), entity };
    try {
      ctx.broker.quotas.alter(entity, ops, req.validateOnly);
      if (!req.validateOnly) ctx.broker.log.info({ entity, ops, client: ctx.clientId }, 'altered client quotas');
      return { errorCode: ErrorCode.NONE, errorMessage: null, entity };
    } catch (err) {
      if (err instanceof ClientQuotaError) return { errorCode: ErrorCode[err.kafkaError], errorMessage: err.message, entity };
      ctx.broker.log.warn({ err }, 'could not save client quotas');
      return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, errorMessage: `the broker could not save the client quotas: ${(err as Error).message}`, entity };
    }
  });
  return { throttleTimeMs: 0, entries };
}
