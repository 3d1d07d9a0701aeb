import type { RequestContext } from '../broker-context.ts';
import type { CreatePartitionsRequest } from '../../protocol/messages/create-partitions.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { topicErrorCode } from './topic-errors.ts';

/** CreatePartitions: grows a topic's partition count. */
export function handleCreatePartitions(ctx: RequestContext, req: CreatePartitionsRequest): object {
  return {
    throttleTimeMs: 0,
    results: req.topics.map((t) => {
      try {
        ctx.broker.logs.createPartitions(t.name, t.count, req.validateOnly);
        return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
      } catch (err) {
        return { name: t.name, ...topicErrorCode(err) };
      }
    }),
  };
}
