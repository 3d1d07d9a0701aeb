import type { RequestContext } from '../broker-context.ts';
import type { DeleteTopicsRequest } from '../../protocol/messages/delete-topics.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { ZERO_UUID } from '../../protocol/primitives/uuid.ts';
import { topicErrorCode } from './topic-errors.ts';

/**
 * DeleteTopics: by name (all versions) or by topic id (v6+). Every topic of the request is
 * deleted with one registry write; the space is freed at once, so it works on a full disk.
 */
export function handleDeleteTopics(ctx: RequestContext, req: DeleteTopicsRequest): object {
  const { broker } = ctx;
  const wanted =
    ctx.apiVersion >= 6
      ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
      : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
  const found = wanted.map(({ name, topicId }) => (name !== null ? broker.logs.topic(name) : broker.logs.topicById(topicId)));
  if (!broker.settings.bool('delete.topic.enable')) {
    return {
      throttleTimeMs: 0,
      responses: wanted.map(({ name, topicId }) => ({ name, topicId, errorCode: ErrorCode.TOPIC_DELETION_DISABLED, errorMessage: 'topic deletion is disabled (delete.topic.enable=false)' })),
    };
  }
  // Kafka refuses a topic named twice in one request (INVALID_REQUEST) and deletes the others.
  const times = new Map<string, number>();
  for (const t of found) if (t) times.set(t.name, (times.get(t.name) ?? 0) + 1);
  const names = [...times].filter(([, n]) => n === 1).map(([name]) => name);
  const outcome = new Map<string, ReturnType<typeof topicErrorCode> | null>();
  broker.logs.deleteTopics(names).forEach((err, i) => outcome.set(names[i]!, err ? topicErrorCode(err) : null));
  if (names.length > 0) broker.log.info({ topics: names.length, first: names[0] }, 'deleted topics');
  return {
    throttleTimeMs: 0,
    responses: wanted.map(({ name, topicId }, i) => {
      const topic = found[i];
      if (!topic) {
        return {
          name,
          topicId,
          errorCode: name !== null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.UNKNOWN_TOPIC_ID,
          errorMessage: `topic ${name ?? topicId} does not exist`,
        };
      }
      if (times.get(topic.name)! > 1) return { name: topic.name, topicId: topic.id, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `topic ${topic.name} is named more than once in the request` };
      const err = outcome.get(topic.name);
      return err ? { name: topic.name, topicId: topic.id, ...err } : { name: topic.name, topicId: topic.id, errorCode: ErrorCode.NONE, errorMessage: null };
    }),
  };
}
