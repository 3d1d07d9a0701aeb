import type { RequestContext } from '../broker-context.ts';
import type { CreatePartitionsRequest } from '../../protocol/messages/create-partitions.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { MAX_PARTITIONS_PER_REQUEST } from '../log/log-manager.ts';
import { topicErrorCode } from './topic-errors.ts';
import { assignmentProblem } from './replica-assignments.ts';

/**
 * CreatePartitions: grows topics, each judged on its own, with one registry write. Manual
 * assignments must give one replica list per new partition naming this broker only
 * (INVALID_REPLICA_ASSIGNMENT otherwise, as Kafka). More than 10,000 new partitions in one
 * request are refused whole with POLICY_VIOLATION.
 */
export function handleCreatePartitions(ctx: RequestContext, req: CreatePartitionsRequest): object {
  const { broker } = ctx;
  const result = (name: string, errorCode: number, errorMessage: string | null) => ({ name, errorCode, errorMessage });
  const added = req.topics.reduce((n, t) => n + Math.max(0, t.count - (broker.logs.topic(t.name)?.partitions.length ?? t.count)), 0);
  if (added > MAX_PARTITIONS_PER_REQUEST) {
    broker.warnings.warn(
      'partitions per request',
      `refused a CreatePartitions request adding ${added} partitions: Kafka allows at most ${MAX_PARTITIONS_PER_REQUEST} new partitions per request; grow in several steps`,
      { client: ctx.clientId },
    );
    return { throttleTimeMs: 0, results: req.topics.map((t) => result(t.name, ErrorCode.POLICY_VIOLATION, 'Excessively large number of partitions per request.')) };
  }
  const counts = new Map<string, number>();
  for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const errors = new Map<number, { errorCode: number; errorMessage: string }>();
  const changes: Array<{ index: number; name: string; total: number }> = [];
  req.topics.forEach((t, index) => {
    if ((counts.get(t.name) ?? 0) > 1) return errors.set(index, { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `topic "${t.name}" appears more than once in the request` });
    const topic = broker.logs.topic(t.name);
    if (topic && t.assignments !== null) {
      const newPartitions = t.count - topic.partitions.length;
      if (t.assignments.length !== newPartitions) {
        return errors.set(index, {
          errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          errorMessage: `attempted to add ${newPartitions} additional partitions, but ${t.assignments.length} assignments were given`,
        });
      }
      const problem = assignmentProblem(t.assignments, 1, broker.nodeId);
      if (problem) return errors.set(index, { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: problem });
    }
    changes.push({ index, name: t.name, total: t.count });
  });
  broker.logs.growTopics(changes, req.validateOnly).forEach((err, i) => {
    if (err) {
      if (err.kafkaError === 'POLICY_VIOLATION' || err.kafkaError === 'KAFKA_STORAGE_ERROR') broker.warnings.warn(err.kafkaError === 'POLICY_VIOLATION' ? 'sluice.max.partitions' : 'disk full', err.message);
      errors.set(changes[i]!.index, topicErrorCode(err));
    }
  });
  const grown = changes.filter((c) => !errors.has(c.index));
  if (grown.length > 0 && !req.validateOnly) broker.log.info({ topics: grown.length, first: grown[0]!.name }, 'added partitions');
  return {
    throttleTimeMs: 0,
    results: req.topics.map((t, i) => {
      const e = errors.get(i);
      return e ? result(t.name, e.errorCode, e.errorMessage) : result(t.name, ErrorCode.NONE, null);
    }),
  };
}
