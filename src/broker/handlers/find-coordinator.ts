import type { RequestContext } from '../broker-context.ts';
import type { FindCoordinatorRequest } from '../../protocol/messages/find-coordinator.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { AclOperation, CLUSTER_NAME, ResourceType } from '../security/acl/acl-types.ts';

/** FindCoordinator: this broker coordinates every group and transactional id. */
export function handleFindCoordinator(ctx: RequestContext, req: FindCoordinatorRequest): object {
  const { nodeId } = ctx.broker;
  const { host, port } = ctx.listener.advertised;
  // DESCRIBE on the group (key type 0) or on the transactional id (key type 1).
  const keyType = ctx.apiVersion >= 1 ? req.keyType : 0;
  // Share groups (2) are not served, and other types do not exist: Kafka answers INVALID_REQUEST.
  const invalid = keyType === 0 || keyType === 1 ? null : keyType === 2 ? 'share groups (key type 2) are not supported by this broker' : `unknown coordinator key type ${keyType} (0: group, 1: transaction)`;
  const denied = (key: string): number | null => {
    const txn = keyType === 1;
    if (ctx.authz.authorize(AclOperation.DESCRIBE, txn ? ResourceType.TRANSACTIONAL_ID : ResourceType.GROUP, key)) return null;
    return txn ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED : ErrorCode.GROUP_AUTHORIZATION_FAILED;
  };
  if (ctx.apiVersion < 4) {
    if (invalid !== null) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: invalid, nodeId: -1, host: '', port: -1 };
    const error = denied(req.key);
    if (error !== null) return { throttleTimeMs: 0, errorCode: error, errorMessage: 'Authorization failed.', nodeId: -1, host: '', port: -1 };
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, nodeId, host, port };
  }
  return {
    throttleTimeMs: 0,
    coordinators: req.coordinatorKeys.map((key) => {
      if (invalid !== null) return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: invalid };
      const error = denied(key);
      return error === null ? { key, nodeId, host, port, errorCode: ErrorCode.NONE, errorMessage: null } : { key, nodeId: -1, host: '', port: -1, errorCode: error, errorMessage: 'Authorization failed.' };
    }),
  };
}
