// InitProducerId (api key 22): request and response schemas, versions 0-5.
// Facts from Kafka's InitProducerIdRequest.json and InitProducerIdResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { field, message } from '../schema/dsl.ts';

export const initProducerIdRequestSchema = message('InitProducerIdRequest', '0-5', '2+', [
  field('transactionalId', 'string', '0+', { nullable: '0+' }),
  field('transactionTimeoutMs', 'int32', '0+'),
  field('producerId', 'int64', '3+', { default: -1n }),
  field('producerEpoch', 'int16', '3+', { default: -1 }),
]);

/** InitProducerIdRequest body, all versions (fields absent from a version decode to their default). */
export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
  /** v3+ */
  producerId: bigint;
  /** v3+ */
  producerEpoch: number;
}

export const initProducerIdResponseSchema = message('InitProducerIdResponse', '0-5', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('producerId', 'int64', '0+', { default: -1n }),
  field('producerEpoch', 'int16', '0+'),
]);

/** InitProducerIdResponse body, all versions (fields absent from a version decode to their default). */
export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}

export const initProducerIdApi = defineApi(22, 'InitProducerId', initProducerIdRequestSchema, initProducerIdResponseSchema);
