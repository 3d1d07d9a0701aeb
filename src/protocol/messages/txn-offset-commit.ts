// TxnOffsetCommit (api key 28): request and response schemas, versions 0-4.
// Facts from Kafka's TxnOffsetCommitRequest.json and TxnOffsetCommitResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const txnOffsetCommitRequestSchema = message('TxnOffsetCommitRequest', '0-4', '3+', [
  field('transactionalId', 'string', '0+'),
  field('groupId', 'string', '0+'),
  field('producerId', 'int64', '0+'),
  field('producerEpoch', 'int16', '0+'),
  field('generationId', 'int32', '3+', { default: -1 }),
  field('memberId', 'string', '3+'),
  field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
  array('topics', '0+', [
    field('name', 'string', '0+'),
    array('partitions', '0+', [
      field('partitionIndex', 'int32', '0+'),
      field('committedOffset', 'int64', '0+'),
      field('committedLeaderEpoch', 'int32', '2+', { default: -1 }),
      field('committedMetadata', 'string', '0+', { nullable: '0+' }),
    ]),
  ]),
]);

/** TxnOffsetCommitRequest body, all versions (fields absent from a version decode to their default). */
export interface TxnOffsetCommitRequest {
  transactionalId: string;
  groupId: string;
  producerId: bigint;
  producerEpoch: number;
  /** v3+ */
  generationId: number;
  /** v3+ */
  memberId: string;
  /** v3+ */
  groupInstanceId: string | null;
  topics: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
      committedOffset: bigint;
      /** v2+ */
      committedLeaderEpoch: number;
      committedMetadata: string | null;
    }>;
  }>;
}

export const txnOffsetCommitResponseSchema = message('TxnOffsetCommitResponse', '0-4', '3+', [
  field('throttleTimeMs', 'int32', '0+'),
  array('topics', '0+', [
    field('name', 'string', '0+'),
    array('partitions', '0+', [
      field('partitionIndex', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
    ]),
  ]),
]);

/** TxnOffsetCommitResponse body, all versions (fields absent from a version decode to their default). */
export interface TxnOffsetCommitResponse {
  throttleTimeMs: number;
  topics: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
      errorCode: number;
    }>;
  }>;
}

export const txnOffsetCommitApi = defineApi(28, 'TxnOffsetCommit', txnOffsetCommitRequestSchema, txnOffsetCommitResponseSchema);
