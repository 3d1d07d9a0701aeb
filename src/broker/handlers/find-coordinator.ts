import type { RequestContext } from '../broker-context.ts';
import type { FindCoordinatorRequest } from '../../protocol/messages/find-coordinator.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

/** FindCoordinator: this broker coordinates every group and transactional id. */
export function handleFindCoordinator(ctx: RequestContext, req: FindCoordinatorRequest): object {
  const { nodeId } = ctx.broker;
  const { host, port } = ctx.listener.advertised;
  if (ctx.apiVersion < 4) return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, nodeId, host, port };
  return {
    throttleTimeMs: 0,
    coordinators: req.coordinatorKeys.map((key) => ({ key, nodeId, host, port, errorCode: ErrorCode.NONE, errorMessage: null })),
  };
}
