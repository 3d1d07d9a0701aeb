import type { RequestContext } from '../broker-context.ts';
import type { MetadataRequest } from '../../protocol/messages/metadata.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { ZERO_UUID } from '../../protocol/primitives/uuid.ts';
import { TopicError, validateTopicName, type Topic } from '../log/log-manager.ts';
import { topicErrorCode } from './topic-errors.ts';
import { LEADER_EPOCH } from './leader-epoch.ts';
import { AclOperation, CLUSTER_NAME, ResourceType } from '../security/acl/acl-types.ts';

const NOT_REQUESTED = -2147483648;

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
  const { authz } = ctx;
  if (all) {
    // Topics the principal may not DESCRIBE are left out, silently: their existence is not disclosed.
    for (const t of broker.logs.topics) if (authz.authorize(AclOperation.DESCRIBE, ResourceType.TOPIC, t.name, { log: false })) topics.push(describeTopic(t));
  } else {
    const wanted = req.topics!;
    // DESCRIBE is checked before existence; a topic named by id is judged by the name behind it.
    const nameOf = (w: (typeof wanted)[number]): string | undefined => (w.name === null && w.topicId !== ZERO_UUID ? broker.logs.topicById(w.topicId)?.name : (w.name ?? undefined));
    const described = authz.filter(AclOperation.DESCRIBE, ResourceType.TOPIC, wanted.map(nameOf).filter((n): n is string => n !== undefined));
    const missing = wanted.filter((w) => w.name !== null && described.has(w.name) && !broker.logs.topic(w.name));
    const creatable = !allowAutoCreate || missing.length === 0 ? new Set<string>() : authz.authorize(AclOperation.CREATE, ResourceType.CLUSTER, CLUSTER_NAME, { log: false }) ? new Set(missing.map((w) => w.name!)) : authz.filter(AclOperation.CREATE, ResourceType.TOPIC, missing.map((w) => w.name!));
    const created = allowAutoCreate ? autoCreate(ctx, wanted.filter((w) => w.name !== null && creatable.has(w.name))) : new Map<string, TopicError>();
    for (const w of wanted) {
      const byId = w.name === null && w.topicId !== ZERO_UUID;
      const name = nameOf(w);
      if (name !== undefined && !described.has(name)) {
        topics.push({ errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name: byId ? null : w.name, topicId: byId ? w.topicId : ZERO_UUID, partitions: [] });
        continue;
      }
      if (allowAutoCreate && w.name !== null && !broker.logs.topic(w.name) && !creatable.has(w.name) && authz.enabled && isValidName(w.name)) {
        topics.push({ errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name: w.name, topicId: ZERO_UUID, partitions: [] });
        continue;
      }
      const topic = byId ? broker.logs.topicById(w.topicId) : broker.logs.topic(w.name ?? '');
      const failure = w.name !== null ? created.get(w.name) : undefined;
      if (topic) topics.push(describeTopic(topic));
      else if (failure) topics.push({ errorCode: topicErrorCode(failure).errorCode, name: w.name, topicId: ZERO_UUID, partitions: [] });
      else {
        // As Kafka, the name is validated first: an illegal one cannot be an unknown topic.
        const illegal = !byId && w.name !== null && !isValidName(w.name);
        topics.push({
          errorCode: byId ? ErrorCode.UNKNOWN_TOPIC_ID : illegal ? ErrorCode.INVALID_TOPIC_EXCEPTION : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          name: w.name,
          topicId: w.topicId,
          partitions: [],
        });
      }
    }
  }
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: broker.nodeId, host: ctx.listener.advertised.host, port: ctx.listener.advertised.port, rack: null }],
    clusterId: broker.clusterId,
    controllerId: broker.nodeId,
    topics,
    clusterAuthorizedOperations:
      ctx.apiVersion >= 8 && req.includeClusterAuthorizedOperations ? (authz.authorize(AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME) ? authz.authorizedOperations(ResourceType.CLUSTER, CLUSTER_NAME) : 0) : NOT_REQUESTED,
  };

  function describeTopic(t: Topic): object {
    const replicas = [broker.nodeId];
    return {
      errorCode: ErrorCode.NONE,
      name: t.name,
      topicId: t.id,
      isInternal: false,
      topicAuthorizedOperations: ctx.apiVersion >= 8 && req.includeTopicAuthorizedOperations ? authz.authorizedOperations(ResourceType.TOPIC, t.name) : NOT_REQUESTED,
      partitions: t.partitions.map((_, partitionIndex) => ({
        errorCode: ErrorCode.NONE,
        partitionIndex,
        leaderId: broker.nodeId,
        leaderEpoch: LEADER_EPOCH,
        replicaNodes: replicas,
        isrNodes: replicas,
        offlineReplicas: [],
      })),
    };
  }
}

function isValidName(name: string): boolean {
  try {
    validateTopicName(name);
    return true;
  } catch {
    return false;
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
