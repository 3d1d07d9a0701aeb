import type { RequestContext } from '../broker-context.ts';
import type { InitProducerIdRequest } from '../../protocol/messages/init-producer-id.ts';
import type { AddPartitionsToTxnRequest } from '../../protocol/messages/add-partitions-to-txn.ts';
import type { AddOffsetsToTxnRequest } from '../../protocol/messages/add-offsets-to-txn.ts';
import type { EndTxnRequest } from '../../protocol/messages/end-txn.ts';
import type { TxnOffsetCommitRequest } from '../../protocol/messages/txn-offset-commit.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

// The transactional APIs (KIP-98) over the TransactionCoordinator. PRODUCER_FENCED exists only
// from these versions on (KIP-588); older clients get INVALID_PRODUCER_EPOCH instead.
const FENCED_FROM = { initProducerId: 4, addPartitions: 2, addOffsets: 2, endTxn: 2, txnOffsetCommit: 3 } as const;

function fenced(version: number, from: number): number {
  return version >= from ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH;
}

export function handleInitProducerId(ctx: RequestContext, req: InitProducerIdRequest): object {
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
    const results = ctx.broker.txns.addPartitions(req.v3AndBelowTransactionalId, req.v3AndBelowProducerId, req.v3AndBelowProducerEpoch, req.v3AndBelowTopics, code);
    return { throttleTimeMs: 0, resultsByTopicV3AndBelow: results };
  }
  // v4+ batches transactions (sent by brokers, with verifyOnly); answer each.
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    resultsByTransaction: req.transactions.map((t) => ({
      transactionalId: t.transactionalId,
      topicResults: ctx.broker.txns.addPartitions(t.transactionalId, t.producerId, t.producerEpoch, t.topics, code),
    })),
  };
}

export function handleAddOffsetsToTxn(ctx: RequestContext, req: AddOffsetsToTxnRequest): object {
  const errorCode = ctx.broker.txns.addOffsets(req.transactionalId, req.producerId, req.producerEpoch, req.groupId, fenced(ctx.apiVersion, FENCED_FROM.addOffsets));
  return { throttleTimeMs: 0, errorCode };
}

export function handleEndTxn(ctx: RequestContext, req: EndTxnRequest): object | Promise<object> {
  const { errorCode, written } = ctx.broker.txns.endTxn(req.transactionalId, req.producerId, req.producerEpoch, req.committed, fenced(ctx.apiVersion, FENCED_FROM.endTxn));
  const body = { throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 };
  const durable = written.length > 0 ? ctx.broker.flusher.afterAppend(written) : null;
  return durable ? durable.then(() => body) : body;
}

export function handleTxnOffsetCommit(ctx: RequestContext, req: TxnOffsetCommitRequest): object {
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
