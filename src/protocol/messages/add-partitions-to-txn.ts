// AddPartitionsToTxn (api key 24): request and response schemas, versions 0-5.
// Facts from Kafka's AddPartitionsToTxnRequest.json and AddPartitionsToTxnResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const addPartitionsToTxnRequestSchema = message('AddPartitionsToTxnRequest', '0-5', '3+', [
  array('transactions', '4+', [
    field('transactionalId', 'string', '4+'),
    field('producerId', 'int64', '4+'),
    field('producerEpoch', 'int16', '4+'),
    field('verifyOnly', 'bool', '4+'),
    array('topics', '4+', [
      field('name', 'string', '0+'),
      field('partitions', '[]int32', '0+'),
    ]),
  ]),
  field('v3AndBelowTransactionalId', 'string', '0-3'),
  field('v3AndBelowProducerId', 'int64', '0-3'),
  field('v3AndBelowProducerEpoch', 'int16', '0-3'),
  array('v3AndBelowTopics', '0-3', [
    field('name', 'string', '0+'),
    field('partitions', '[]int32', '0+'),
  ]),
]);

/** AddPartitionsToTxnRequest body, all versions (fields absent from a version decode to their default). */
export interface AddPartitionsToTxnRequest {
  /** v4+ */
  transactions: Array<{
    transactionalId: string;
    producerId: bigint;
    producerEpoch: number;
    verifyOnly: boolean;
    topics: Array<{
      /** v0+ */
      name: string;
      /** v0+ */
      partitions: number[];
    }>;
  }>;
  /** v0-3 */
  v3AndBelowTransactionalId: string;
  /** v0-3 */
  v3AndBelowProducerId: bigint;
  /** v0-3 */
  v3AndBelowProducerEpoch: number;
  /** v0-3 */
  v3AndBelowTopics: Array<{
    /** v0+ */
    name: string;
    /** v0+ */
    partitions: number[];
  }>;
}

export const addPartitionsToTxnResponseSchema = message('AddPartitionsToTxnResponse', '0-5', '3+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '4+'),
  array('resultsByTransaction', '4+', [
    field('transactionalId', 'string', '4+'),
    array('topicResults', '4+', [
      field('name', 'string', '0+'),
      array('resultsByPartition', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('partitionErrorCode', 'int16', '0+'),
      ]),
    ]),
  ]),
  array('resultsByTopicV3AndBelow', '0-3', [
    field('name', 'string', '0+'),
    array('resultsByPartition', '0+', [
      field('partitionIndex', 'int32', '0+'),
      field('partitionErrorCode', 'int16', '0+'),
    ]),
  ]),
]);

/** AddPartitionsToTxnResponse body, all versions (fields absent from a version decode to their default). */
export interface AddPartitionsToTxnResponse {
  throttleTimeMs: number;
  /** v4+ */
  errorCode: number;
  /** v4+ */
  resultsByTransaction: Array<{
    transactionalId: string;
    topicResults: Array<{
      /** v0+ */
      name: string;
      /** v0+ */
      resultsByPartition: Array<{
        partitionIndex: number;
        partitionErrorCode: number;
      }>;
    }>;
  }>;
  /** v0-3 */
  resultsByTopicV3AndBelow: Array<{
    /** v0+ */
    name: string;
    /** v0+ */
    resultsByPartition: Array<{
      partitionIndex: number;
      partitionErrorCode: number;
    }>;
  }>;
}

export const addPartitionsToTxnApi = defineApi(24, 'AddPartitionsToTxn', addPartitionsToTxnRequestSchema, addPartitionsToTxnResponseSchema);
