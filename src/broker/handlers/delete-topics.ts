import type { RequestContext } from '../broker-context.ts';
import type { DeleteTopicsRequest } from '../../protocol/messages/delete-topics.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { ZERO_UUID } from '../../protocol/primitives/uuid.ts';
import { topicErrorCode } from './topic-errors.ts';

/** DeleteTopics: by name (all versions) or by topic id (v6+). */
export function handleDeleteTopics(ctx: RequestContext, req: DeleteTopicsRequest): object {
  const { broker } = ctx;
  const wanted =
    ctx.apiVersion >= 6
      ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
      : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
  return {
    throttleTimeMs: 0,
    responses: wanted.map(({ name, topicId }) => {
      const topic = name !== null ? broker.logs.topic(name) : broker.logs.topicById(topicId);
      if (!topic) {
        return {
          name,
          topicId,
          errorCode: name !== null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.UNKNOWN_TOPIC_ID,
          errorMessage: `topic ${name ?? topicId} does not exist`,
        };
      }
      try {
        broker.logs.deleteTopic(topic.name);
        broker.log.info({ topic: topic.name }, 'deleted topic');
        return { name: topic.name, topicId: topic.id, errorCode: ErrorCode.NONE, errorMessage: null };
      } catch (err) {
        return { name: topic.name, topicId: topic.id, ...topicErrorCode(err) };
      }
    }),
  };
}
