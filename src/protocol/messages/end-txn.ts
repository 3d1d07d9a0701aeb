// EndTxn (api key 26): request and response schemas, versions 0-5.
// Facts from Kafka's EndTxnRequest.json and EndTxnResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { field, message } from '../schema/dsl.ts';

export const endTxnRequestSchema = message('EndTxnRequest', '0-5', '3+', [
  field('transactionalId', 'string', '0+'),
  field('producerId', 'int64', '0+'),
  field('producerEpoch', 'int16', '0+'),
  field('committed', 'bool', '0+'),
]);

/** EndTxnRequest body, all versions (fields absent from a version decode to their default). */
export interface EndTxnRequest {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  committed: boolean;
}

export const endTxnResponseSchema = message('EndTxnResponse', '0-5', '3+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('producerId', 'int64', '5+', { default: -1n }),
  field('producerEpoch', 'int16', '5+', { default: -1 }),
]);

/** EndTxnResponse body, all versions (fields absent from a version decode to their default). */
export interface EndTxnResponse {
  throttleTimeMs: number;
  errorCode: number;
  /** v5+ */
  producerId: bigint;
  /** v5+ */
  producerEpoch: number;
}

export const endTxnApi = defineApi(26, 'EndTxn', endTxnRequestSchema, endTxnResponseSchema);
