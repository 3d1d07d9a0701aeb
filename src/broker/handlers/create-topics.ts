import type { RequestContext } from '../broker-context.ts';
import type { CreateTopicsRequest } from '../../protocol/messages/create-topics.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { ZERO_UUID } from '../../protocol/primitives/uuid.ts';
import { topicErrorCode } from './topic-errors.ts';

/** Config source codes of DescribeConfigs / CreateTopics responses. */
export const CONFIG_SOURCE = { DYNAMIC_TOPIC: 1, STATIC_BROKER: 4, DEFAULT: 5 } as const;

/** CreateTopics: replication factor must be 1 (or -1, the default) on a single broker. */
export function handleCreateTopics(ctx: RequestContext, req: CreateTopicsRequest): object {
  const { broker } = ctx;
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => {
      const partitions = t.numPartitions === -1 ? broker.defaultPartitions : t.numPartitions;
      const fail = (errorCode: number, errorMessage: string) => ({
        name: t.name,
        topicId: ZERO_UUID,
        errorCode,
        errorMessage,
        numPartitions: -1,
        replicationFactor: -1,
        configs: null,
      });
      if (t.replicationFactor !== -1 && t.replicationFactor !== 1) {
        return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `replication factor ${t.replicationFactor} is larger than the 1 available broker`);
      }
      if (t.assignments.length > 0) {
        return fail(ErrorCode.INVALID_REQUEST, 'manual replica assignments are not supported by the single-node broker');
      }
      const configs: Record<string, string> = {};
      for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
      try {
        const config = broker.logs.validateCreate(t.name, partitions, configs);
        const topic = req.validateOnly ? null : broker.logs.createTopic(t.name, partitions, configs);
        if (topic) broker.log.info({ topic: t.name, partitions }, 'created topic');
        return {
          name: t.name,
          topicId: topic?.id ?? ZERO_UUID,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          numPartitions: partitions,
          replicationFactor: 1,
          configs: config.describe().map((c) => ({
            name: c.name,
            value: c.value,
            readOnly: c.readOnly,
            configSource: c.isDefault ? CONFIG_SOURCE.DEFAULT : CONFIG_SOURCE.DYNAMIC_TOPIC,
            isSensitive: false,
          })),
        };
      } catch (err) {
        const { errorCode, errorMessage } = topicErrorCode(err);
        return fail(errorCode, errorMessage);
      }
    }),
  };
}
