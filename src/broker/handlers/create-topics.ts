import type { RequestContext } from '../broker-context.ts';
import type { CreateTopicsRequest } from '../../protocol/messages/create-topics.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { ZERO_UUID } from '../../protocol/primitives/uuid.ts';
import { topicErrorCode } from './topic-errors.ts';
import { MAX_PARTITIONS_PER_REQUEST, TopicError, type TopicSpec } from '../log/log-manager.ts';
import { assignmentProblem } from './replica-assignments.ts';
import { describeTopicConfigs } from '../config/describe-topic.ts';

type CreatableTopic = CreateTopicsRequest['topics'][number];

/** Partitions a topic of the request asks for (what Kafka's controller counts against its limit). */
function requestedPartitions(t: CreatableTopic, defaultPartitions: number): number {
  if (t.assignments.length > 0) return t.assignments.length;
  if (t.numPartitions === -1) return defaultPartitions;
  return Math.max(0, t.numPartitions);
}

/**
 * CreateTopics: replication factor 1 (or -1, the default) on a single broker; manual replica
 * assignments naming this broker. A request adding more than 10,000 partitions in total is
 * refused whole with POLICY_VIOLATION, as Kafka's controller does. The registry is written once.
 */
export function handleCreateTopics(ctx: RequestContext, req: CreateTopicsRequest): object {
  const { broker } = ctx;
  const fail = (t: CreatableTopic, errorCode: number, errorMessage: string) => ({
    name: t.name,
    topicId: ZERO_UUID,
    errorCode,
    errorMessage,
    numPartitions: -1,
    replicationFactor: -1,
    configs: null,
  });
  const total = req.topics.reduce((n, t) => n + requestedPartitions(t, broker.settings.number('num.partitions')), 0);
  if (total > MAX_PARTITIONS_PER_REQUEST) {
    broker.warnings.warn(
      'partitions per request',
      `refused a CreateTopics request for ${total} partitions: Kafka allows at most ${MAX_PARTITIONS_PER_REQUEST} new partitions per request; split it into several requests`,
      { client: ctx.clientId },
    );
    return { throttleTimeMs: 0, topics: req.topics.map((t) => fail(t, ErrorCode.POLICY_VIOLATION, 'Excessively large number of partitions per request.')) };
  }
  const seen = new Map<string, number>();
  for (const t of req.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);

  // Validate each topic; collect the valid ones so they are created (and saved) together.
  const verdicts = req.topics.map((t): { spec: TopicSpec } | { error: { code: number; message: string } } => {
    const error = (code: number, message: string) => ({ error: { code, message } });
    if ((seen.get(t.name) ?? 0) > 1) return error(ErrorCode.INVALID_REQUEST, `topic "${t.name}" appears more than once in the request`);
    let partitions = t.numPartitions === -1 ? broker.settings.number('num.partitions') : t.numPartitions;
    if (t.assignments.length > 0) {
      if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
        return error(ErrorCode.INVALID_REQUEST, 'both numPartitions or replicationFactor and replica assignments were set; use one or the other');
      }
      const problem = assignmentProblem(t.assignments, 0, broker.nodeId);
      if (problem) return error(ErrorCode.INVALID_REPLICA_ASSIGNMENT, problem);
      partitions = t.assignments.length;
    } else if (t.replicationFactor !== -1 && t.replicationFactor !== 1) {
      const why = t.replicationFactor < 1 ? 'must be larger than 0, or -1 for the default' : 'is larger than the 1 available broker';
      return error(ErrorCode.INVALID_REPLICATION_FACTOR, `replication factor ${t.replicationFactor} ${why}`);
    }
    const configs: Record<string, string> = {};
    for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
    return { spec: { name: t.name, partitions, configs } };
  });

  const specs = verdicts.flatMap((v) => ('spec' in v ? [v.spec] : []));
  const outcomes = new Map<string, TopicError | { id: string | null }>();
  if (req.validateOnly) {
    let reserved = 0;
    for (const s of specs) {
      try {
        broker.logs.validateCreate(s.name, s.partitions, s.configs, reserved);
        reserved += s.partitions;
        outcomes.set(s.name, { id: null });
      } catch (err) {
        outcomes.set(s.name, err as TopicError);
      }
    }
  } else {
    broker.logs.createTopics(specs).forEach((r, i) => outcomes.set(specs[i]!.name, r instanceof TopicError ? r : { id: r.id }));
    const created = specs.filter((s) => !(outcomes.get(s.name) instanceof TopicError));
    if (created.length > 0) broker.log.info({ topics: created.length, partitions: created.reduce((n, s) => n + s.partitions, 0), first: created[0]!.name }, 'created topics');
  }

  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t, i) => {
      const verdict = verdicts[i]!;
      if ('error' in verdict) return fail(t, verdict.error.code, verdict.error.message);
      const outcome = outcomes.get(t.name)!;
      if (outcome instanceof TopicError) {
        if (outcome.kafkaError === 'POLICY_VIOLATION' || outcome.kafkaError === 'KAFKA_STORAGE_ERROR') {
          broker.warnings.warn(outcome.kafkaError === 'POLICY_VIOLATION' ? 'sluice.max.partitions' : 'disk full', outcome.message);
        }
        const { errorCode, errorMessage } = topicErrorCode(outcome);
        return fail(t, errorCode, errorMessage);
      }
      const topic = broker.logs.topic(t.name);
      const spec = verdict.spec;
      return {
        name: t.name,
        topicId: outcome.id ?? ZERO_UUID,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        numPartitions: spec.partitions,
        replicationFactor: 1,
        configs: describeTopicConfigs(broker.settings, topic?.config.overrides ?? spec.configs, false, false).map((c) => ({
          name: c.name,
          value: c.value,
          readOnly: c.readOnly,
          configSource: c.configSource,
          isSensitive: c.isSensitive,
        })),
      };
    }),
  };
}
