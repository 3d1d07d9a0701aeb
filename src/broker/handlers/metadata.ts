import type { RequestContext } from '../broker-context.ts';
import type { MetadataRequest } from '../../protocol/messages/metadata.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { ZERO_UUID } from '../../protocol/primitives/uuid.ts';
import type { Topic } from '../log/log-manager.ts';
import { topicErrorCode } from './topic-errors.ts';

/** Metadata: this single broker leads every partition. Unknown topics may be auto-created. */
export function handleMetadata(ctx: RequestContext, req: MetadataRequest): object {
  const { broker } = ctx;
  // v0: an empty list means all topics; v1+: null means all, empty means none.
  const all = req.topics === null || (ctx.apiVersion === 0 && req.topics.length === 0);
  const allowAutoCreate = broker.autoCreateTopics && (ctx.apiVersion < 4 || req.allowAutoTopicCreation);
  const topics: object[] = [];
  if (all) {
    for (const t of broker.logs.topics) topics.push(describeTopic(t));
  } else {
    for (const wanted of req.topics!) {
      const byId = wanted.name === null && wanted.topicId !== ZERO_UUID;
      let topic = byId ? broker.logs.topicById(wanted.topicId) : broker.logs.topic(wanted.name ?? '');
      if (!topic && !byId && allowAutoCreate && wanted.name) {
        try {
          topic = broker.logs.createTopic(wanted.name, broker.defaultPartitions);
          broker.log.info({ topic: wanted.name, partitions: broker.defaultPartitions }, 'auto-created topic');
        } catch (err) {
          topics.push({ errorCode: topicErrorCode(err).errorCode, name: wanted.name, topicId: ZERO_UUID, partitions: [] });
          continue;
        }
      }
      if (topic) topics.push(describeTopic(topic));
      else {
        topics.push({
          errorCode: byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          name: wanted.name,
          topicId: wanted.topicId,
          partitions: [],
        });
      }
    }
  }
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: broker.nodeId, host: broker.host, port: broker.port, rack: null }],
    clusterId: broker.clusterId,
    controllerId: broker.nodeId,
    topics,
  };

  function describeTopic(t: Topic): object {
    const replicas = [broker.nodeId];
    return {
      errorCode: ErrorCode.NONE,
      name: t.name,
      topicId: t.id,
      isInternal: false,
      partitions: t.partitions.map((_, partitionIndex) => ({
        errorCode: ErrorCode.NONE,
        partitionIndex,
        leaderId: broker.nodeId,
        leaderEpoch: 0,
        replicaNodes: replicas,
        isrNodes: replicas,
        offlineReplicas: [],
      })),
    };
  }
}
