// DescribeTransactions (api key 65): request and response schemas, version 0.
// Facts from Kafka's DescribeTransactionsRequest.json and ...Response.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const describeTransactionsRequestSchema = message('DescribeTransactionsRequest', '0', '0+', [
  field('transactionalIds', '[]string', '0+'),
]);

/** DescribeTransactionsRequest body. */
export interface DescribeTransactionsRequest {
  transactionalIds: string[];
}

export const describeTransactionsResponseSchema = message('DescribeTransactionsResponse', '0', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  array('transactionStates', '0+', [
    field('errorCode', 'int16', '0+'),
    field('transactionalId', 'string', '0+'),
    field('transactionState', 'string', '0+'),
    field('transactionTimeoutMs', 'int32', '0+'),
    field('transactionStartTimeMs', 'int64', '0+'),
    field('producerId', 'int64', '0+'),
    field('producerEpoch', 'int16', '0+'),
    array('topics', '0+', [
      field('topic', 'string', '0+'),
      field('partitions', '[]int32', '0+'),
    ]),
  ]),
]);

/** DescribeTransactionsResponse body. */
export interface DescribeTransactionsResponse {
  throttleTimeMs: number;
  transactionStates: Array<{
    errorCode: number;
    transactionalId: string;
    transactionState: string;
    transactionTimeoutMs: number;
    transactionStartTimeMs: bigint;
    producerId: bigint;
    producerEpoch: number;
    topics: Array<{ topic: string; partitions: number[] }>;
  }>;
}

export const describeTransactionsApi = defineApi(65, 'DescribeTransactions', describeTransactionsRequestSchema, describeTransactionsResponseSchema);
