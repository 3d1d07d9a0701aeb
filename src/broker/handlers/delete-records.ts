import type { RequestContext } from '../broker-context.ts';
import type { DeleteRecordsRequest } from '../../protocol/messages/delete-records.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { AclOperation, ResourceType } from '../security/acl/acl-types.ts';

/** DeleteRecords: moves log start offsets forward (offset -1 means the high watermark). */
export function handleDeleteRecords(ctx: RequestContext, req: DeleteRecordsRequest): object {
  const { logs } = ctx.broker;
  const deletable = ctx.authz.filter(AclOperation.DELETE, ResourceType.TOPIC, req.topics.map((t) => t.name));
  const body = {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        if (!deletable.has(t.name)) return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
        const log = logs.partition(t.name, p.partitionIndex);
        if (!log) return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        const target = p.offset === -1n ? log.logEndOffset : Number(p.offset);
        if (target < 0 || target > log.logEndOffset) {
          return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
        }
        log.deleteRecordsBefore(target);
        return { partitionIndex: p.partitionIndex, lowWatermark: BigInt(log.logStartOffset), errorCode: ErrorCode.NONE };
      }),
    })),
  };
  logs.saveLogStartOffsets();
  return body;
}
