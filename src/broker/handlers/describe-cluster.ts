import type { RequestContext } from '../broker-context.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

/** DescribeCluster: one broker, which is also the controller. */
export function handleDescribeCluster(ctx: RequestContext): object {
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
    clusterAuthorizedOperations: -2147483648,
  };
}
