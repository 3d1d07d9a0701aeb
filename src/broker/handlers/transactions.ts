import type { RequestContext } from '../broker-context.ts';
import type { InitProducerIdRequest } from '../../protocol/messages/init-producer-id.ts';
import type { AddPartitionsToTxnRequest } from '../../protocol/messages/add-partitions-to-txn.ts';
import type { AddOffsetsToTxnRequest } from '../../protocol/messages/add-offsets-to-txn.ts';
import type { EndTxnRequest } from '../../protocol/messages/end-txn.ts';
import type { TxnOffsetCommitRequest } from '../../protocol/messages/txn-offset-commit.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { AclOperation, CLUSTER_NAME, ResourceType } from '../security/acl/acl-types.ts';

// The transactional APIs (KIP-98) over the TransactionCoordinator. PRODUCER_FENCED exists only
// from these versions on (KIP-588); older clients get INVALID_PRODUCER_EPOCH instead.
const FENCED_FROM = { initProducerId: 4, addPartitions: 2, addOffsets: 2, endTxn: 2, txnOffsetCommit: 3 } as const;

function fenced(version: number, from: number): number {
  return version >= from ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH;
}

const txnIdAllowed = (ctx: RequestContext, id: string | null): boolean => id !== null && ctx.authz.authorize(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, id);

/**
 * InitProducerId: WRITE on the transactional id; an idempotent producer (no id) needs
 * IDEMPOTENT_WRITE on the cluster or WRITE on some topic (every modern client is idempotent).
 */
export function handleInitProducerId(ctx: RequestContext, req: InitProducerIdRequest): object {
  const denied = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 });
  if (req.transactionalId !== null && !txnIdAllowed(ctx, req.transactionalId)) return denied(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  if (req.transactionalId === null && !ctx.authz.authorize(AclOperation.IDEMPOTENT_WRITE, ResourceType.CLUSTER, CLUSTER_NAME, { log: false }) && !ctx.authz.authorizeByResourceType(AclOperation.WRITE, ResourceType.TOPIC)) {
    return denied(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  }
  const out = ctx.broker.txns.initProducerId(
    req.transactionalId,
    req.transactionTimeoutMs,
    ctx.apiVersion >= 3 ? req.producerId : -1n,
    ctx.apiVersion >= 3 ? req.producerEpoch : -1,
    fenced(ctx.apiVersion, FENCED_FROM.initProducerId),
  );
  return { throttleTimeMs: 0, ...out };
}

export function handleAddPartitionsToTxn(ctx: RequestContext, req: AddPartitionsToTxnRequest): object {
  const code = fenced(ctx.apiVersion, FENCED_FROM.addPartitions);
  if (ctx.apiVersion <= 3) {
    const denied = addPartitionsDenied(ctx, req);
    if (denied) return { throttleTimeMs: 0, resultsByTopicV3AndBelow: denied };
    const results = ctx.broker.txns.addPartitions(req.v3AndBelowTransactionalId, req.v3AndBelowProducerId, req.v3AndBelowProducerEpoch, req.v3AndBelowTopics, code);
    return { throttleTimeMs: 0, resultsByTopicV3AndBelow: results };
  }
  // v4+ batches transactions (sent by brokers, with verifyOnly); answer each.
  if (!ctx.authz.authorize(AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER, CLUSTER_NAME)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, resultsByTransaction: [] };
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    resultsByTransaction: req.transactions.map((t) => ({
      transactionalId: t.transactionalId,
      topicResults: ctx.broker.txns.addPartitions(t.transactionalId, t.producerId, t.producerEpoch, t.topics, code),
    })),
  };
}

/**
 * AddPartitionsToTxn v0-3: WRITE on the transactional id (else every partition
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED); WRITE on each topic (denied topics
 * TOPIC_AUTHORIZATION_FAILED, the others OPERATION_NOT_ATTEMPTED). Null when allowed.
 */
function addPartitionsDenied(ctx: RequestContext, req: AddPartitionsToTxnRequest): object[] | null {
  const topics = req.v3AndBelowTopics;
  const answer = (code: (topic: string) => number) => topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: code(t.name) })) }));
  if (!txnIdAllowed(ctx, req.v3AndBelowTransactionalId)) return answer(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  const writable = ctx.authz.filter(AclOperation.WRITE, ResourceType.TOPIC, topics.map((t) => t.name));
  if (topics.every((t) => writable.has(t.name))) return null;
  return answer((topic) => (writable.has(topic) ? ErrorCode.OPERATION_NOT_ATTEMPTED : ErrorCode.TOPIC_AUTHORIZATION_FAILED));
}

export function handleAddOffsetsToTxn(ctx: RequestContext, req: AddOffsetsToTxnRequest): object {
  if (!txnIdAllowed(ctx, req.transactionalId)) return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
  if (!ctx.authz.authorize(AclOperation.READ, ResourceType.GROUP, req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
  const errorCode = ctx.broker.txns.addOffsets(req.transactionalId, req.producerId, req.producerEpoch, req.groupId, fenced(ctx.apiVersion, FENCED_FROM.addOffsets));
  return { throttleTimeMs: 0, errorCode };
}

export function handleEndTxn(ctx: RequestContext, req: EndTxnRequest): object | Promise<object> {
  if (!txnIdAllowed(ctx, req.transactionalId)) return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, producerId: -1n, producerEpoch: -1 };
  const { errorCode, written } = ctx.broker.txns.endTxn(req.transactionalId, req.producerId, req.producerEpoch, req.committed, fenced(ctx.apiVersion, FENCED_FROM.endTxn));
  const body = { throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 };
  const durable = written.length > 0 ? ctx.broker.flusher.afterAppend(written) : null;
  return durable ? durable.then(() => body) : body;
}

export function handleTxnOffsetCommit(ctx: RequestContext, req: TxnOffsetCommitRequest): object {
  const every = (code: number) => (t: TxnOffsetCommitRequest['topics'][number]) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) });
  if (!txnIdAllowed(ctx, req.transactionalId)) return { throttleTimeMs: 0, topics: req.topics.map(every(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)) };
  if (!ctx.authz.authorize(AclOperation.READ, ResourceType.GROUP, req.groupId)) return { throttleTimeMs: 0, topics: req.topics.map(every(ErrorCode.GROUP_AUTHORIZATION_FAILED)) };
  const readable = ctx.authz.filter(AclOperation.READ, ResourceType.TOPIC, req.topics.map((t) => t.name));
  if (req.topics.some((t) => !readable.has(t.name))) {
    const allowed = req.topics.filter((t) => readable.has(t.name));
    const answer = allowed.length > 0 ? (handleTxnOffsetCommit(ctx, { ...req, topics: allowed }) as { topics: object[] }) : { throttleTimeMs: 0, topics: [] };
    return { ...answer, topics: [...answer.topics, ...req.topics.filter((t) => !readable.has(t.name)).map(every(ErrorCode.TOPIC_AUTHORIZATION_FAILED))] };
  }
  const v = ctx.broker.txns.validate(req.transactionalId, req.producerId, req.producerEpoch, fenced(ctx.apiVersion, FENCED_FROM.txnOffsetCommit));
  const errorCode = v.ok ? (v.txn.groups.includes(req.groupId) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE) : v.errorCode;
  if (errorCode !== ErrorCode.NONE) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
    };
  }
  return ctx.broker.groups.transactions.commit(req as never, ctx.apiVersion);
}
