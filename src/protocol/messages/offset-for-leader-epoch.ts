// OffsetForLeaderEpoch (api key 23): request and response schemas, versions 0-4.
// Facts from Kafka's OffsetForLeaderEpochRequest.json and OffsetForLeaderEpochResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const offsetForLeaderEpochRequestSchema = message('OffsetForLeaderEpochRequest', '0-4', '4+', [
  field('replicaId', 'int32', '3+', { default: -2 }),
  array('topics', '0+', [
    field('topic', 'string', '0+'),
    array('partitions', '0+', [
      field('partition', 'int32', '0+'),
      field('currentLeaderEpoch', 'int32', '2+', { default: -1 }),
      field('leaderEpoch', 'int32', '0+'),
    ]),
  ]),
]);

/** OffsetForLeaderEpochRequest body, all versions (fields absent from a version decode to their default). */
export interface OffsetForLeaderEpochRequest {
  /** v3+ */
  replicaId: number;
  topics: Array<{
    topic: string;
    partitions: Array<{
      partition: number;
      /** v2+ */
      currentLeaderEpoch: number;
      leaderEpoch: number;
    }>;
  }>;
}

export const offsetForLeaderEpochResponseSchema = message('OffsetForLeaderEpochResponse', '0-4', '4+', [
  field('throttleTimeMs', 'int32', '2+'),
  array('topics', '0+', [
    field('topic', 'string', '0+'),
    array('partitions', '0+', [
      field('errorCode', 'int16', '0+'),
      field('partition', 'int32', '0+'),
      field('leaderEpoch', 'int32', '1+', { default: -1 }),
      field('endOffset', 'int64', '0+', { default: -1n }),
    ]),
  ]),
]);

/** OffsetForLeaderEpochResponse body, all versions (fields absent from a version decode to their default). */
export interface OffsetForLeaderEpochResponse {
  /** v2+ */
  throttleTimeMs: number;
  topics: Array<{
    topic: string;
    partitions: Array<{
      errorCode: number;
      partition: number;
      /** v1+ */
      leaderEpoch: number;
      endOffset: bigint;
    }>;
  }>;
}

export const offsetForLeaderEpochApi = defineApi(23, 'OffsetForLeaderEpoch', offsetForLeaderEpochRequestSchema, offsetForLeaderEpochResponseSchema);
