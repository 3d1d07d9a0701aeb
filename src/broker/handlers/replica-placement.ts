import type { RequestContext } from '../broker-context.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { ElectLeadersRequest } from '../../protocol/messages/elect-leaders.ts';
import type { AlterPartitionReassignmentsRequest } from '../../protocol/messages/alter-partition-reassignments.ts';
import type { ListPartitionReassignmentsRequest } from '../../protocol/messages/list-partition-reassignments.ts';
import { AclOperation, CLUSTER_NAME, ResourceType } from '../security/acl/acl-types.ts';
import { assignmentProblem } from './replica-assignments.ts';

// Leader elections and partition reassignments, answered as Kafka's controller answers them for
// a cluster of one broker: every partition has one replica, this broker, which is its preferred
// and current leader. So no election is ever needed, a reassignment can only name this broker
// (and completes at once, changing nothing), and none is ever in progress.

const clusterDenied = (operation: 'ALTER' | 'DESCRIBE'): string =>
  `Cluster authorization failed: the request needs ${operation} on the cluster resource (an ACL for kafka-cluster).`;
const CLUSTER_DENIED = clusterDenied('ALTER');
const ELECTION_NOT_NEEDED = 'Leader election not needed for topic partition.';
const NO_REASSIGNMENT = 'No partition reassignment is in progress.';
const PREFERRED = 0;
const UNCLEAN = 1;

type Outcome = { errorCode: number; errorMessage: string | null };
const done: Outcome = { errorCode: ErrorCode.NONE, errorMessage: null };

/** Why `partition` of `topic` cannot be acted on (Kafka's wording), or null when it exists. */
function missing(ctx: RequestContext, topic: string, partition: number): Outcome | null {
  const t = ctx.broker.logs.topic(topic);
  if (t === undefined) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such topic as ${topic}` };
  if (partition < 0 || partition >= t.partitions.length) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such partition as ${topic}-${partition}` };
  return null;
}

/**
 * ElectLeaders: ELECTION_NOT_NEEDED for every existing partition (its only replica leads).
 * `topicPartitions: null` elects for every partition and, as Kafka, lists each topic without the
 * partitions that needed no election.
 */
export function handleElectLeaders(ctx: RequestContext, req: ElectLeadersRequest): object {
  const base = { throttleTimeMs: 0 };
  const denied = !ctx.authz.authorize(AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME);
  if (!denied && ctx.apiVersion >= 1 && req.electionType !== PREFERRED && req.electionType !== UNCLEAN) {
    return { ...base, errorCode: ErrorCode.INVALID_REQUEST, replicaElectionResults: [] };
  }
  if (req.topicPartitions === null) {
    if (denied) return { ...base, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, replicaElectionResults: [] };
    return { ...base, errorCode: ErrorCode.NONE, replicaElectionResults: [...ctx.broker.logs.topics].map((t) => ({ topic: t.name, partitionResult: [] })) };
  }
  const outcome = (topic: string, p: number): Outcome =>
    denied
      ? { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: CLUSTER_DENIED }
      : (missing(ctx, topic, p) ?? { errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: ELECTION_NOT_NEEDED });
  return {
    ...base,
    errorCode: denied ? ErrorCode.CLUSTER_AUTHORIZATION_FAILED : ErrorCode.NONE,
    replicaElectionResults: req.topicPartitions.map((t) => ({
      topic: t.topic,
      partitionResult: t.partitions.map((p) => ({ partitionId: p, ...outcome(t.topic, p) })),
    })),
  };
}

/**
 * AlterPartitionReassignments: a target of this broker alone completes at once (nothing moves);
 * any other broker, an empty or repeated list is INVALID_REPLICA_ASSIGNMENT; cancelling (null
 * replicas) is NO_REASSIGNMENT_IN_PROGRESS.
 */
export function handleAlterPartitionReassignments(ctx: RequestContext, req: AlterPartitionReassignmentsRequest): object {
  const denied = !ctx.authz.authorize(AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME);
  const outcome = (topic: string, p: number, replicas: number[] | null): Outcome => {
    if (denied) return { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: CLUSTER_DENIED };
    const absent = missing(ctx, topic, p);
    if (absent) return absent;
    if (replicas === null) return { errorCode: ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, errorMessage: NO_REASSIGNMENT };
    // The current replica count is 1, so a valid target (this broker alone) never changes it and
    // `allowReplicationFactorChange: false` (v1) has nothing to refuse.
    const problem = assignmentProblem([{ brokerIds: replicas }], 0, ctx.broker.nodeId);
    return problem === null ? done : { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: problem };
  };
  return {
    throttleTimeMs: 0,
    allowReplicationFactorChange: req.allowReplicationFactorChange,
    ...(denied ? { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: CLUSTER_DENIED } : done),
    responses: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, ...outcome(t.name, p.partitionIndex, p.replicas) })),
    })),
  };
}

/** ListPartitionReassignments: DESCRIBE on the cluster; no reassignment is ever in progress. */
export function handleListPartitionReassignments(ctx: RequestContext, req: ListPartitionReassignmentsRequest): object {
  if (!ctx.authz.authorize(AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME)) {
    const topics = (req.topics ?? []).map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, replicas: [], addingReplicas: [], removingReplicas: [] })),
    }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: clusterDenied('DESCRIBE'), topics };
  }
  return { throttleTimeMs: 0, ...done, topics: [] };
}
