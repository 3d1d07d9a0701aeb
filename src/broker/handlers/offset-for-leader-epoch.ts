import type { RequestContext } from '../broker-context.ts';
import type { OffsetForLeaderEpochRequest } from '../../protocol/messages/offset-for-leader-epoch.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { AclOperation, CLUSTER_NAME, ResourceType } from '../security/acl/acl-types.ts';

/**
 * OffsetForLeaderEpoch: the single broker has led every partition since epoch 0, so the end
 * offset of any epoch up to 0 is the log end (clients use this to validate positions).
 */
export function handleOffsetForLeaderEpoch(ctx: RequestContext, req: OffsetForLeaderEpochRequest): object {
  // CLUSTER_ACTION (followers) allows every topic; else DESCRIBE on each.
  const all = ctx.authz.authorize(AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER, CLUSTER_NAME, { log: false });
  const described = all ? null : ctx.authz.filter(AclOperation.DESCRIBE, ResourceType.TOPIC, req.topics.map((t) => t.topic));
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        if (described !== null && !described.has(t.topic)) return { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, partition: p.partition, leaderEpoch: -1, endOffset: -1n };
        const log = ctx.broker.logs.partition(t.topic, p.partition);
        if (!log) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partition: p.partition, leaderEpoch: -1, endOffset: -1n };
        return { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: 0, endOffset: BigInt(log.logEndOffset) };
      }),
    })),
  };
}
