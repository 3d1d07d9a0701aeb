import type { RequestContext } from '../broker-context.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { AclOperation, CLUSTER_NAME, ResourceType } from '../security/acl/acl-types.ts';

/** DescribeCluster: one broker, which is also the controller. */
export function handleDescribeCluster(ctx: RequestContext, req: { includeClusterAuthorizedOperations: boolean }): object {
  const { nodeId, clusterId } = ctx.broker;
  const { host, port } = ctx.listener.advertised;
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    endpointType: 1,
    clusterId,
    controllerId: nodeId,
    brokers: [{ brokerId: nodeId, host, port, rack: null, isFenced: false }],
    clusterAuthorizedOperations: req.includeClusterAuthorizedOperations
      ? ctx.authz.authorize(AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME)
        ? ctx.authz.authorizedOperations(ResourceType.CLUSTER, CLUSTER_NAME)
        : 0
      : -2147483648,
  };
}
