import type { RequestContext } from '../broker-context.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { DescribeTransactionsRequest } from '../../protocol/messages/describe-transactions.ts';
import type { ListTransactionsRequest } from '../../protocol/messages/list-transactions.ts';
import { AclOperation, ResourceType } from '../security/acl/acl-types.ts';
import { splitPartitionKey, type TxnMetadata, type TxnStatus } from '../txn/txn-metadata.ts';

// ListTransactions and DescribeTransactions (KIP-664, what `kafka-transactions.sh` and the Java
// admin's listTransactions/describeTransactions use), from the transaction coordinator's state.

/** Kafka's transaction state names; Dead and PrepareEpochFence never last here but are known. */
const STATE_NAMES: ReadonlySet<string> = new Set<TxnStatus | 'Dead' | 'PrepareEpochFence'>(['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence']);

/** When the transaction began, or -1 when none has begun since the last InitProducerId. */
const startTime = (t: Readonly<TxnMetadata>): number => (t.status === 'Empty' || t.startedAt === 0 ? -1 : t.startedAt);

/** ListTransactions: the ids the principal may DESCRIBE, filtered by state, producer id and age. */
export function handleListTransactions(ctx: RequestContext, req: ListTransactionsRequest): object {
  const states = new Set(req.stateFilters.filter((s) => STATE_NAMES.has(s)));
  const unknownStateFilters = req.stateFilters.filter((s) => !STATE_NAMES.has(s));
  const producerIds = new Set(req.producerIdFilters.map(Number));
  const minAgeMs = ctx.apiVersion >= 1 ? Number(req.durationFilter) : -1;
  const now = ctx.broker.clock.now();
  const transactionStates = [];
  for (const t of ctx.broker.txns.all()) {
    if (t.producerEpoch < 0) continue; // InitProducerId has not completed: nothing to list yet
    if (producerIds.size > 0 && !producerIds.has(t.producerId)) continue;
    if (req.stateFilters.length > 0 && !states.has(t.status)) continue;
    if (minAgeMs >= 0 && now - startTime(t) <= minAgeMs) continue;
    if (!ctx.authz.authorize(AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, t.transactionalId, { log: false })) continue;
    transactionStates.push({ transactionalId: t.transactionalId, producerId: BigInt(t.producerId), transactionState: t.status });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates };
}

/** DescribeTransactions: state, timeout, start, producer and partitions of each id. */
export function handleDescribeTransactions(ctx: RequestContext, req: DescribeTransactionsRequest): object {
  const none = { transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] };
  return {
    throttleTimeMs: 0,
    transactionStates: req.transactionalIds.map((transactionalId) => {
      if (!ctx.authz.authorize(AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, transactionalId)) return { ...none, transactionalId, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
      if (transactionalId === '') return { ...none, transactionalId, errorCode: ErrorCode.INVALID_REQUEST };
      const t = ctx.broker.txns.describe(transactionalId);
      if (t === undefined || t.producerEpoch < 0) return { ...none, transactionalId, errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND };
      const topics = new Map<string, number[]>();
      for (const key of t.partitions) {
        const [topic, partition] = splitPartitionKey(key);
        topics.set(topic, [...(topics.get(topic) ?? []), partition]);
      }
      return {
        errorCode: ErrorCode.NONE,
        transactionalId,
        transactionState: t.status,
        transactionTimeoutMs: t.timeoutMs,
        transactionStartTimeMs: BigInt(startTime(t)),
        producerId: BigInt(t.producerId),
        producerEpoch: t.producerEpoch,
        topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
      };
    }),
  };
}
