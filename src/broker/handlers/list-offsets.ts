import type { RequestContext } from '../broker-context.ts';
import type { ListOffsetsRequest } from '../../protocol/messages/list-offsets.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { LEADER_EPOCH, leaderEpochError } from './leader-epoch.ts';
import { AclOperation, ResourceType } from '../security/acl/acl-types.ts';

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;
const LATEST_TIERED = -5;

/** ListOffsets: earliest, latest, max timestamp (KIP-734) or the first offset at a time. */
export function handleListOffsets(ctx: RequestContext, req: ListOffsetsRequest): object {
  const { broker } = ctx;
  const described = ctx.authz.filter(AclOperation.DESCRIBE, ResourceType.TOPIC, req.topics.map((t) => t.name));
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        if (!described.has(t.name)) {
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, timestamp: -1n, offset: -1n, leaderEpoch: -1, oldStyleOffsets: [] };
        }
        const log = broker.logs.partition(t.name, p.partitionIndex);
        if (!log) {
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: -1n, offset: -1n, leaderEpoch: -1, oldStyleOffsets: [] };
        }
        const epochError = ctx.apiVersion >= 4 ? leaderEpochError(p.currentLeaderEpoch) : null;
        if (epochError !== null) return { partitionIndex: p.partitionIndex, errorCode: epochError, timestamp: -1n, offset: -1n, leaderEpoch: -1, oldStyleOffsets: [] };
        const ts = Number(p.timestamp);
        let found: { offset: number; timestamp: number } | null;
        // read_committed (isolation 1) sees the log up to the last stable offset: as in Kafka, a
        // time lookup whose first match lies at or above it has no offset yet.
        const lastFetchable = ctx.apiVersion >= 2 && req.isolationLevel === 1 ? log.lastStableOffset : log.logEndOffset;
        if (ts === LATEST) found = { offset: lastFetchable, timestamp: -1 };
        else if (ts === EARLIEST || ts === EARLIEST_LOCAL) found = { offset: log.logStartOffset, timestamp: -1 };
        else if (ts === LATEST_TIERED) found = { offset: -1, timestamp: -1 };
        else {
          found = ts === MAX_TIMESTAMP ? log.maxTimestamp() : log.offsetForTimestamp(ts);
          if (found && found.offset >= lastFetchable) found = null;
        }
        const offset = found ? found.offset : ctx.apiVersion === 0 ? log.logEndOffset : -1;
        return {
          partitionIndex: p.partitionIndex,
          errorCode: ErrorCode.NONE,
          oldStyleOffsets: [BigInt(offset)],
          timestamp: BigInt(found ? found.timestamp : -1),
          offset: BigInt(offset),
          leaderEpoch: LEADER_EPOCH,
        };
      }),
    })),
  };
}
