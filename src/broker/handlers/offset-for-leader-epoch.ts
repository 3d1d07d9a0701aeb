import type { RequestContext } from '../broker-context.ts';
import type { OffsetForLeaderEpochRequest } from '../../protocol/messages/offset-for-leader-epoch.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { LEADER_EPOCH, leaderEpochError } from './leader-epoch.ts';
import { AclOperation, CLUSTER_NAME, ResourceType } from '../security/acl/acl-types.ts';

/**
 * OffsetForLeaderEpoch: the single broker has led every partition since epoch 0, so the end
 * offset of epoch 0 is the log end (clients use this to validate positions after a leader
 * change). As in Kafka's epoch cache, a newer epoch or -1 has no end offset (-1, -1), and an epoch
 * below -1 precedes epoch 0, which starts at the log start.
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
        const epochError = ctx.apiVersion >= 2 ? leaderEpochError(p.currentLeaderEpoch) : null;
        if (epochError !== null) return { errorCode: epochError, partition: p.partition, leaderEpoch: -1, endOffset: -1n };
        // Epoch 0 ends at the log end; an epoch the partition never had (newer, or -1) has no end.
        if (p.leaderEpoch !== LEADER_EPOCH) {
          return p.leaderEpoch < -1
            ? { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: p.leaderEpoch, endOffset: BigInt(log.logStartOffset) }
            : { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: -1, endOffset: -1n };
        }
        return { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: LEADER_EPOCH, endOffset: BigInt(log.logEndOffset) };
      }),
    })),
  };
}
