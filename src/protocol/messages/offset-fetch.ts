// OffsetFetch (api key 9): request and response schemas, versions 0-9.
// Facts from Kafka's OffsetFetchRequest.json and OffsetFetchResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const offsetFetchRequestSchema = message('OffsetFetchRequest', '0-9', '6+', [
  field('groupId', 'string', '0-7'),
  array('topics', '0-7', [
    field('name', 'string', '0-7'),
    field('partitionIndexes', '[]int32', '0-7'),
  ], { nullable: '2-7' }),
  array('groups', '8+', [
    field('groupId', 'string', '8+'),
    field('memberId', 'string', '9+', { nullable: '9+', default: null }),
    field('memberEpoch', 'int32', '9+', { default: -1 }),
    array('topics', '8+', [
      field('name', 'string', '8+'),
      field('partitionIndexes', '[]int32', '8+'),
    ], { nullable: '8+' }),
  ]),
  field('requireStable', 'bool', '7+'),
]);

/** OffsetFetchRequest body, all versions (fields absent from a version decode to their default). */
export interface OffsetFetchRequest {
  /** v0-7 */
  groupId: string;
  /** v0-7 */
  topics: Array<{
    name: string;
    partitionIndexes: number[];
  }> | null;
  /** v8+ */
  groups: Array<{
    groupId: string;
    /** v9+ */
    memberId: string | null;
    /** v9+ */
    memberEpoch: number;
    topics: Array<{
      name: string;
      partitionIndexes: number[];
    }> | null;
  }>;
  /** v7+ */
  requireStable: boolean;
}

export const offsetFetchResponseSchema = message('OffsetFetchResponse', '0-9', '6+', [
  field('throttleTimeMs', 'int32', '3+'),
  array('topics', '0-7', [
    field('name', 'string', '0-7'),
    array('partitions', '0-7', [
      field('partitionIndex', 'int32', '0-7'),
      field('committedOffset', 'int64', '0-7'),
      field('committedLeaderEpoch', 'int32', '5-7', { default: -1 }),
      field('metadata', 'string', '0-7', { nullable: '0-7' }),
      field('errorCode', 'int16', '0-7'),
    ]),
  ]),
  field('errorCode', 'int16', '2-7'),
  array('groups', '8+', [
    field('groupId', 'string', '8+'),
    array('topics', '8+', [
      field('name', 'string', '8+'),
      array('partitions', '8+', [
        field('partitionIndex', 'int32', '8+'),
        field('committedOffset', 'int64', '8+'),
        field('committedLeaderEpoch', 'int32', '8+', { default: -1 }),
        field('metadata', 'string', '8+', { nullable: '8+' }),
        field('errorCode', 'int16', '8+'),
      ]),
    ]),
    field('errorCode', 'int16', '8+'),
  ]),
]);

/** OffsetFetchResponse body, all versions (fields absent from a version decode to their default). */
export interface OffsetFetchResponse {
  /** v3+ */
  throttleTimeMs: number;
  /** v0-7 */
  topics: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
      committedOffset: bigint;
      /** v5-7 */
      committedLeaderEpoch: number;
      metadata: string | null;
      errorCode: number;
    }>;
  }>;
  /** v2-7 */
  errorCode: number;
  /** v8+ */
  groups: Array<{
    groupId: string;
    topics: Array<{
      name: string;
      partitions: Array<{
        partitionIndex: number;
        committedOffset: bigint;
        committedLeaderEpoch: number;
        metadata: string | null;
        errorCode: number;
      }>;
    }>;
    errorCode: number;
  }>;
}

export const offsetFetchApi = defineApi(9, 'OffsetFetch', offsetFetchRequestSchema, offsetFetchResponseSchema);
