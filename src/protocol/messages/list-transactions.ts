// ListTransactions (api key 66): request and response schemas, versions 0-1 (v1: KIP-994).
// Facts from Kafka's ListTransactionsRequest.json and ListTransactionsResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const listTransactionsRequestSchema = message('ListTransactionsRequest', '0-1', '0+', [
  field('stateFilters', '[]string', '0+'),
  field('producerIdFilters', '[]int64', '0+'),
  field('durationFilter', 'int64', '1+', { default: -1n }),
]);

/** ListTransactionsRequest body, all versions (fields absent from a version decode to their default). */
export interface ListTransactionsRequest {
  /** States to list (empty: all). */
  stateFilters: string[];
  /** Producer ids to list (empty: all). */
  producerIdFilters: bigint[];
  /** v1+: only transactions running longer than this many ms (-1: no filter). */
  durationFilter: bigint;
}

export const listTransactionsResponseSchema = message('ListTransactionsResponse', '0-1', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('unknownStateFilters', '[]string', '0+'),
  array('transactionStates', '0+', [
    field('transactionalId', 'string', '0+'),
    field('producerId', 'int64', '0+'),
    field('transactionState', 'string', '0+'),
  ]),
]);

/** ListTransactionsResponse body. */
export interface ListTransactionsResponse {
  throttleTimeMs: number;
  errorCode: number;
  unknownStateFilters: string[];
  transactionStates: Array<{ transactionalId: string; producerId: bigint; transactionState: string }>;
}

export const listTransactionsApi = defineApi(66, 'ListTransactions', listTransactionsRequestSchema, listTransactionsResponseSchema);
