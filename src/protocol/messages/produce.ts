// Produce (api key 0): request and response schemas, versions 0-11.
// Facts from Kafka's ProduceRequest.json and ProduceResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message, struct } from '../schema/dsl.ts';

export const produceRequestSchema = message('ProduceRequest', '0-11', '9+', [
  field('transactionalId', 'string', '3+', { nullable: '3+', default: null }),
  field('acks', 'int16', '0+'),
  field('timeoutMs', 'int32', '0+'),
  array('topicData', '0+', [
    field('name', 'string', '0+'),
    array('partitionData', '0+', [
      field('index', 'int32', '0+'),
      field('records', 'records', '0+', { nullable: '0+' }),
    ]),
  ]),
]);

/** ProduceRequest body, all versions (fields absent from a version decode to their default). */
export interface ProduceRequest {
  /** v3+ */
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: Array<{
    name: string;
    partitionData: Array<{
      index: number;
      records: Buffer | null;
    }>;
  }>;
}

export const produceResponseSchema = message('ProduceResponse', '0-11', '9+', [
  array('responses', '0+', [
    field('name', 'string', '0+'),
    array('partitionResponses', '0+', [
      field('index', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
      field('baseOffset', 'int64', '0+'),
      field('logAppendTimeMs', 'int64', '2+', { default: -1n }),
      field('logStartOffset', 'int64', '5+', { default: -1n }),
      array('recordErrors', '8+', [
        field('batchIndex', 'int32', '8+'),
        field('batchIndexErrorMessage', 'string', '8+', { nullable: '8+', default: null }),
      ]),
      field('errorMessage', 'string', '8+', { nullable: '8+', default: null }),
      struct('currentLeader', '10+', [
        field('leaderId', 'int32', '10+', { default: -1 }),
        field('leaderEpoch', 'int32', '10+', { default: -1 }),
      ], { tag: 0 }),
    ]),
  ]),
  field('throttleTimeMs', 'int32', '1+'),
  array('nodeEndpoints', '10+', [
    field('nodeId', 'int32', '10+'),
    field('host', 'string', '10+'),
    field('port', 'int32', '10+'),
    field('rack', 'string', '10+', { nullable: '10+', default: null }),
  ], { tag: 0 }),
]);

/** ProduceResponse body, all versions (fields absent from a version decode to their default). */
export interface ProduceResponse {
  responses: Array<{
    name: string;
    partitionResponses: Array<{
      index: number;
      errorCode: number;
      baseOffset: bigint;
      /** v2+ */
      logAppendTimeMs: bigint;
      /** v5+ */
      logStartOffset: bigint;
      /** v8+ */
      recordErrors: Array<{
        batchIndex: number;
        batchIndexErrorMessage: string | null;
      }>;
      /** v8+ */
      errorMessage: string | null;
      /** v10+, tag 0 */
      currentLeader: {
        leaderId: number;
        leaderEpoch: number;
      };
    }>;
  }>;
  /** v1+ */
  throttleTimeMs: number;
  /** v10+, tag 0 */
  nodeEndpoints: Array<{
    nodeId: number;
    host: string;
    port: number;
    rack: string | null;
  }>;
}

export const produceApi = defineApi(0, 'Produce', produceRequestSchema, produceResponseSchema);
