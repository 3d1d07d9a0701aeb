// ListOffsets (api key 2): request and response schemas, versions 0-10.
// Facts from Kafka's ListOffsetsRequest.json and ListOffsetsResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const listOffsetsRequestSchema = message('ListOffsetsRequest', '0-10', '6+', [
  field('replicaId', 'int32', '0+'),
  field('isolationLevel', 'int8', '2+'),
  array('topics', '0+', [
    field('name', 'string', '0+'),
    array('partitions', '0+', [
      field('partitionIndex', 'int32', '0+'),
      field('currentLeaderEpoch', 'int32', '4+', { default: -1 }),
      field('timestamp', 'int64', '0+'),
      field('maxNumOffsets', 'int32', '0', { default: 1 }),
    ]),
  ]),
  field('timeoutMs', 'int32', '10+'),
]);

/** ListOffsetsRequest body, all versions (fields absent from a version decode to their default). */
export interface ListOffsetsRequest {
  replicaId: number;
  /** v2+ */
  isolationLevel: number;
  topics: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
      /** v4+ */
      currentLeaderEpoch: number;
      timestamp: bigint;
      /** v0 */
      maxNumOffsets: number;
    }>;
  }>;
  /** v10+ */
  timeoutMs: number;
}

export const listOffsetsResponseSchema = message('ListOffsetsResponse', '0-10', '6+', [
  field('throttleTimeMs', 'int32', '2+'),
  array('topics', '0+', [
    field('name', 'string', '0+'),
    array('partitions', '0+', [
      field('partitionIndex', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
      field('oldStyleOffsets', '[]int64', '0'),
      field('timestamp', 'int64', '1+', { default: -1n }),
      field('offset', 'int64', '1+', { default: -1n }),
      field('leaderEpoch', 'int32', '4+', { default: -1 }),
    ]),
  ]),
]);

/** ListOffsetsResponse body, all versions (fields absent from a version decode to their default). */
export interface ListOffsetsResponse {
  /** v2+ */
  throttleTimeMs: number;
  topics: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
      errorCode: number;
      /** v0 */
      oldStyleOffsets: bigint[];
      /** v1+ */
      timestamp: bigint;
      /** v1+ */
      offset: bigint;
      /** v4+ */
      leaderEpoch: number;
    }>;
  }>;
}

export const listOffsetsApi = defineApi(2, 'ListOffsets', listOffsetsRequestSchema, listOffsetsResponseSchema);
