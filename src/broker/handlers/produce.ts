import type { RequestContext } from '../broker-context.ts';
import type { ProduceRequest } from '../../protocol/messages/produce.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { ATTRIBUTES, isControl, isTransactional, PRODUCER_EPOCH, PRODUCER_ID, validateBatches, type BatchSpan } from '../../protocol/records/index.ts';
import type { BrokerContext } from '../broker-context.ts';
import { partitionKey } from '../txn/txn-metadata.ts';
import { ProducerStateError, type PartitionLog, type AppendResult } from '../log/partition-log.ts';
import { keylessRecordProblem } from '../log/cleaner/require-keys.ts';

interface PartitionResult {
  index: number;
  errorCode: number;
  baseOffset: bigint;
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  errorMessage: string | null;
}

/**
 * Produce: validates each partition's batches (framing, magic 2, CRC-32C), assigns offsets and
 * appends them. A partition's data is accepted or rejected whole. acks=0 gets no response;
 * acks=1 and acks=all are the same on a single node and wait for the flush policy.
 */
export function handleProduce(ctx: RequestContext, req: ProduceRequest): object | null | Promise<object | null> {
  const { broker } = ctx;
  const written = new Set<PartitionLog>();
  const responses = req.topicData.map((topicData) => {
    const topic = broker.logs.topic(topicData.name);
    return {
      name: topicData.name,
      partitionResponses: topicData.partitionData.map((pd): PartitionResult => {
        const log = topic?.partitions[pd.index];
        if (!log) return failed(pd.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic-partition ${topicData.name}-${pd.index}`);
        if (req.acks !== 0 && req.acks !== 1 && req.acks !== -1) {
          return failed(pd.index, ErrorCode.INVALID_REQUIRED_ACKS, `acks must be 0, 1 or -1, got ${req.acks}`);
        }
        const records = pd.records;
        if (!records || records.length === 0) return failed(pd.index, ErrorCode.CORRUPT_MESSAGE, 'empty record set');
        if (records.length > log.config.maxMessageBytes + 12 * 1024) {
          return failed(pd.index, ErrorCode.MESSAGE_TOO_LARGE, `record set of ${records.length} bytes exceeds max.message.bytes`);
        }
        const spans = validateBatches(records);
        if (!Array.isArray(spans)) {
          const code =
            spans.kind === 'unsupported-magic'
              ? ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT
              : spans.kind === 'invalid-record'
                ? ErrorCode.INVALID_RECORD
                : ErrorCode.CORRUPT_MESSAGE;
          const why = spans.kind === 'unsupported-magic' ? `message format v${spans.magic} (only v2 is stored)` : spans.reason;
          broker.log.warn({ topic: topicData.name, partition: pd.index, client: ctx.clientId, why }, 'rejected produce');
          return failed(pd.index, code, why);
        }
        for (const span of spans) {
          if (span.size > log.config.maxMessageBytes) {
            return failed(pd.index, ErrorCode.MESSAGE_TOO_LARGE, `batch of ${span.size} bytes exceeds max.message.bytes`);
          }
        }
        const txnProblem = transactionProblem(broker, req.transactionalId, topicData.name, pd.index, records, spans);
        if (txnProblem) {
          broker.log.warn({ topic: topicData.name, partition: pd.index, client: ctx.clientId, why: txnProblem.why }, 'rejected produce');
          return failed(pd.index, txnProblem.code, txnProblem.why);
        }
        if (log.config.compact) {
          let problem: string | null;
          try {
            problem = keylessRecordProblem(records, spans, `${topicData.name}-${pd.index}`);
          } catch (err) {
            return failed(pd.index, ErrorCode.CORRUPT_MESSAGE, `records do not decode: ${(err as Error).message}`);
          }
          if (problem) return failed(pd.index, ErrorCode.INVALID_RECORD, problem);
        }
        let result: AppendResult;
        try {
          result = log.append(records, spans);
        } catch (err) {
          if (!(err instanceof ProducerStateError)) throw err;
          return failed(pd.index, err.errorCode, err.message);
        }
        if (!result.duplicate) written.add(log);
        return {
          index: pd.index,
          errorCode: ErrorCode.NONE,
          baseOffset: BigInt(result.baseOffset),
          logAppendTimeMs: BigInt(result.logAppendTime),
          logStartOffset: BigInt(log.logStartOffset),
          errorMessage: null,
        };
      }),
    };
  });
  const durable = written.size > 0 ? broker.flusher.afterAppend(written) : null;
  if (req.acks === 0) return null;
  const body = { responses, throttleTimeMs: 0 };
  return durable ? durable.then(() => body) : body;
}

function failed(index: number, errorCode: number, errorMessage: string): PartitionResult {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, errorMessage };
}

/**
 * Control batches are the broker's own (markers), and transactional data is accepted only inside
 * an ongoing transaction that holds this partition (KIP-890's verification): nothing would ever
 * end a transaction the coordinator does not know, so its first offset would hold the last
 * stable offset, and every read_committed reader of the partition, back forever.
 */
function transactionProblem(
  broker: BrokerContext,
  transactionalId: string | null,
  topic: string,
  partition: number,
  records: Buffer,
  spans: BatchSpan[],
): { code: number; why: string } | null {
  for (const span of spans) {
    const attributes = records.readInt16BE(span.pos + ATTRIBUTES);
    if (isControl(attributes)) return { code: ErrorCode.INVALID_RECORD, why: 'control batches are written by the broker, not by clients' };
    if (!isTransactional(attributes)) continue;
    const producerId = records.readBigInt64BE(span.pos + PRODUCER_ID);
    const epoch = records.readInt16BE(span.pos + PRODUCER_EPOCH);
    const outside = `transactional batch of producer ${producerId} (epoch ${epoch}) outside an ongoing transaction of "${transactionalId}" that holds ${topic}-${partition}`;
    if (transactionalId === null) return { code: ErrorCode.INVALID_TXN_STATE, why: outside };
    // Unknown or remapped producer ids and fenced epochs get the coordinator's own answers.
    const v = broker.txns.validate(transactionalId, producerId, epoch, ErrorCode.INVALID_PRODUCER_EPOCH);
    if (!v.ok) return { code: v.errorCode, why: outside };
    if (v.txn.status !== 'Ongoing' || !v.txn.partitions.includes(partitionKey(topic, partition))) return { code: ErrorCode.INVALID_TXN_STATE, why: outside };
  }
  return null;
}
