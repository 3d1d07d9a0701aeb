import type { RequestContext } from '../broker-context.ts';
import type { MetadataRequest } from '../../protocol/messages/metadata.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { ZERO_UUID } from '../../protocol/primitives/uuid.ts';
import { TopicError, validateTopicName, type Topic } from '../log/log-manager.ts';
import { topicErrorCode } from './topic-errors.ts';

/**
 * Metadata: this single broker leads every partition. Unknown topics may be auto-created; all
 * those a request names are created together, with one registry write.
 */
export function handleMetadata(ctx: RequestContext, req: MetadataRequest): object {
  const { broker } = ctx;
  // v0: an empty list means all topics; v1+: null means all, empty means none.
  const all = req.topics === null || (ctx.apiVersion === 0 && req.topics.length === 0);
  const allowAutoCreate = broker.settings.bool('auto.create.topics.enable') && (ctx.apiVersion < 4 || req.allowAutoTopicCreation);
  const topics: object[] = [];
  if (all) {
    for (const t of broker.logs.topics) topics.push(describeTopic(t));
  } else {
    const wanted = req.topics!;
    const created = allowAutoCreate ? autoCreate(ctx, wanted) : new Map<string, TopicError>();
    for (const w of wanted) {
      const byId = w.name === null && w.topicId !== ZERO_UUID;
      const topic = byId ? broker.logs.topicById(w.topicId) : broker.logs.topic(w.name ?? '');
      const failure = w.name !== null ? created.get(w.name) : undefined;
      if (topic) topics.push(describeTopic(topic));
      else if (failure) topics.push({ errorCode: topicErrorCode(failure).errorCode, name: w.name, topicId: ZERO_UUID, partitions: [] });
      else {
        topics.push({
          errorCode: byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          name: w.name,
          topicId: w.topicId,
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

/** Creates the unknown, validly named topics of a Metadata request; returns the failures by name. */
function autoCreate(ctx: RequestContext, wanted: NonNullable<MetadataRequest['topics']>): Map<string, TopicError> {
  const { broker } = ctx;
  const names = new Set<string>();
  for (const w of wanted) {
    if (!w.name || broker.logs.topic(w.name)) continue;
    try {
      validateTopicName(w.name);
      names.add(w.name);
    } catch {
      // answered INVALID_TOPIC_EXCEPTION below, like Kafka
    }
  }
  const failures = new Map<string, TopicError>();
  for (const w of wanted) {
    if (w.name && !names.has(w.name) && !broker.logs.topic(w.name)) {
      try {
        validateTopicName(w.name);
      } catch (err) {
        failures.set(w.name, err as TopicError);
      }
    }
  }
  if (names.size === 0) return failures;
  const partitions = broker.settings.number('num.partitions');
  const specs = [...names].map((name) => ({ name, partitions, configs: {} }));
  let createdCount = 0;
  broker.logs.createTopics(specs).forEach((r, i) => {
    if (r instanceof TopicError) {
      failures.set(specs[i]!.name, r);
      if (r.kafkaError === 'POLICY_VIOLATION' || r.kafkaError === 'KAFKA_STORAGE_ERROR') broker.warnings.warn(r.kafkaError === 'POLICY_VIOLATION' ? 'sluice.max.partitions' : 'disk full', `auto-creation refused: ${r.message}`);
    } else createdCount++;
  });
  if (createdCount > 0) broker.log.info({ topics: createdCount, partitions, first: specs[0]!.name, client: ctx.clientId }, 'auto-created topics');
  return failures;
}
