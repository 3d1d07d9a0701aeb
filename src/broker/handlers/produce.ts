import type { RequestContext } from '../broker-context.ts';
import type { ProduceRequest } from '../../protocol/messages/produce.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { ATTRIBUTES, BASE_TIMESTAMP, isControl, isTransactional, MAX_TIMESTAMP, PRODUCER_EPOCH, PRODUCER_ID, validateBatches, type BatchSpan } from '../../protocol/records/index.ts';
import type { BrokerContext } from '../broker-context.ts';
import { partitionKey } from '../txn/txn-metadata.ts';
import { ProducerStateError, type PartitionLog, type AppendResult } from '../log/partition-log.ts';
import { keylessRecordProblem } from '../log/cleaner/require-keys.ts';
import { isStorageFailure } from '../log/file-io.ts';
import type { TopicConfig } from '../log/topic-config.ts';
import { AclOperation, ResourceType } from '../security/acl/acl-types.ts';

interface PartitionResult {
  index: number;
  errorCode: number;
  baseOffset: bigint;
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  errorMessage: string | null;
}

/** From Produce v3 (record batches v2), a partition's data is exactly one batch, as Kafka checks. */
const FIRST_SINGLE_BATCH_VERSION = 3;

/**
 * Produce: validates each partition's batches (framing, magic 2, CRC-32C), assigns offsets and
 * appends them. A partition's data is accepted or rejected whole. acks=0 gets no response;
 * acks=1 and acks=all are the same on a single node and wait for the flush policy. A write the
 * disk refuses (full) is answered KAFKA_STORAGE_ERROR, a retriable error: the connection stays,
 * nothing is acknowledged, and the same request succeeds once space is back.
 */
export function handleProduce(ctx: RequestContext, req: ProduceRequest): object | null | Promise<object | null> {
  const { broker } = ctx;
  const written = new Set<PartitionLog>();
  // Transactional records need WRITE on their transactional id first: denied, every partition
  // gets TRANSACTIONAL_ID_AUTHORIZATION_FAILED. Then WRITE per topic, before existence.
  if (ctx.authz.enabled && hasTransactionalRecords(req) && (req.transactionalId === null || !ctx.authz.authorize(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId))) {
    if (req.acks === 0) return null;
    const denied = 'Transactional Id authorization failed.';
    return { responses: req.topicData.map((t) => ({ name: t.name, partitionResponses: t.partitionData.map((pd) => failed(pd.index, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, denied)) })), throttleTimeMs: 0 };
  }
  const writable = ctx.authz.filter(AclOperation.WRITE, ResourceType.TOPIC, req.topicData.map((t) => t.name));
  const responses = req.topicData.map((topicData) => {
    const topic = broker.logs.topic(topicData.name);
    const allowed = writable.has(topicData.name);
    return {
      name: topicData.name,
      partitionResponses: topicData.partitionData.map((pd): PartitionResult => {
        if (!allowed) return failed(pd.index, ErrorCode.TOPIC_AUTHORIZATION_FAILED, `not authorized to write to topic ${topicData.name}`);
        const log = topic?.partitions[pd.index];
        if (!log) return failed(pd.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic-partition ${topicData.name}-${pd.index}`);
        if (req.acks !== 0 && req.acks !== 1 && req.acks !== -1) {
          return failed(pd.index, ErrorCode.INVALID_REQUIRED_ACKS, `acks must be 0, 1 or -1, got ${req.acks}`);
        }
        const records = pd.records;
        if (!records || records.length === 0) {
          return ctx.apiVersion >= FIRST_SINGLE_BATCH_VERSION
            ? failed(pd.index, ErrorCode.INVALID_RECORD, `Produce requests with version ${ctx.apiVersion} must have at least one record batch per partition`)
            : failed(pd.index, ErrorCode.CORRUPT_MESSAGE, 'empty record set');
        }
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
        if (spans.length > 1 && ctx.apiVersion >= FIRST_SINGLE_BATCH_VERSION) {
          return failed(pd.index, ErrorCode.INVALID_RECORD, `Produce requests with version ${ctx.apiVersion} are only allowed to contain exactly one record batch per partition`);
        }
        for (const span of spans) {
          if (span.size > log.config.maxMessageBytes) {
            return failed(pd.index, ErrorCode.MESSAGE_TOO_LARGE, `batch of ${span.size} bytes exceeds max.message.bytes`);
          }
        }
        if (req.acks === -1 && log.config.minInsyncReplicas > 1) {
          return failed(pd.index, ErrorCode.NOT_ENOUGH_REPLICAS, `min.insync.replicas is ${log.config.minInsyncReplicas} but this single broker is the only replica`);
        }
        const late = timestampProblem(log.config, records, spans, broker.clock.now());
        if (late) return failed(pd.index, ErrorCode.INVALID_TIMESTAMP, late);
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
          if (err instanceof ProducerStateError) return failed(pd.index, err.errorCode, err.message);
          if (!isStorageFailure(err)) throw err;
          broker.warnings.warn('disk full', `a write to the log failed (${err.code}): produce is answered KAFKA_STORAGE_ERROR until space is freed; delete topics or records, or lower retention`, { dir: log.dir });
          return failed(pd.index, ErrorCode.KAFKA_STORAGE_ERROR, `the broker could not write to its disk: ${err.message}`);
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

/**
 * CreateTime topics refuse batches whose first timestamp is older than message.timestamp.before.max.ms
 * or whose largest is further ahead than message.timestamp.after.max.ms (KIP-937).
 */
function timestampProblem(config: TopicConfig, records: Buffer, spans: BatchSpan[], now: number): string | null {
  const { timestampBeforeMaxMs: before, timestampAfterMaxMs: after } = config;
  // Long.MAX_VALUE (saturated) means no limit.
  if (config.logAppendTime || (before >= Number.MAX_SAFE_INTEGER && after >= Number.MAX_SAFE_INTEGER)) return null;
  for (const span of spans) {
    const first = Number(records.readBigInt64BE(span.pos + BASE_TIMESTAMP));
    const max = Number(records.readBigInt64BE(span.pos + MAX_TIMESTAMP));
    if (before < Number.MAX_SAFE_INTEGER && first >= 0 && now - first > before) return `timestamp ${first} is more than message.timestamp.before.max.ms (${before}) before the broker's time ${now}`;
    if (after < Number.MAX_SAFE_INTEGER && max >= 0 && max - now > after) return `timestamp ${max} is more than message.timestamp.after.max.ms (${after}) after the broker's time ${now}`;
  }
  return null;
}

/** Whether any partition's first batch has the transactional bit (Kafka looks at the same). */
function hasTransactionalRecords(req: ProduceRequest): boolean {
  return req.topicData.some((t) => t.partitionData.some((pd) => pd.records !== null && pd.records.length >= ATTRIBUTES + 2 && isTransactional(pd.records.readInt16BE(ATTRIBUTES))));
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
