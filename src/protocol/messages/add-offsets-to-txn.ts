// AddOffsetsToTxn (api key 25): request and response schemas, versions 0-4.
// Facts from Kafka's AddOffsetsToTxnRequest.json and AddOffsetsToTxnResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { field, message } from '../schema/dsl.ts';

export const addOffsetsToTxnRequestSchema = message('AddOffsetsToTxnRequest', '0-4', '3+', [
  field('transactionalId', 'string', '0+'),
  field('producerId', 'int64', '0+'),
  field('producerEpoch', 'int16', '0+'),
  field('groupId', 'string', '0+'),
]);

/** AddOffsetsToTxnRequest body, all versions (fields absent from a version decode to their default). */
export interface AddOffsetsToTxnRequest {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  groupId: string;
}

export const addOffsetsToTxnResponseSchema = message('AddOffsetsToTxnResponse', '0-4', '3+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
]);

/** AddOffsetsToTxnResponse body, all versions (fields absent from a version decode to their default). */
export interface AddOffsetsToTxnResponse {
  throttleTimeMs: number;
  errorCode: number;
}

export const addOffsetsToTxnApi = defineApi(25, 'AddOffsetsToTxn', addOffsetsToTxnRequestSchema, addOffsetsToTxnResponseSchema);
