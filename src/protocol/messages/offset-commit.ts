// OffsetCommit (api key 8): request and response schemas, versions 0-9.
// Facts from Kafka's OffsetCommitRequest.json and OffsetCommitResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const offsetCommitRequestSchema = message('OffsetCommitRequest', '0-9', '8+', [
  field('groupId', 'string', '0+'),
  field('generationIdOrMemberEpoch', 'int32', '1+', { default: -1 }),
  field('memberId', 'string', '1+'),
  field('groupInstanceId', 'string', '7+', { nullable: '7+', default: null }),
  field('retentionTimeMs', 'int64', '2-4', { default: -1n }),
  array('topics', '0+', [
    field('name', 'string', '0+'),
    array('partitions', '0+', [
      field('partitionIndex', 'int32', '0+'),
      field('committedOffset', 'int64', '0+'),
      field('committedLeaderEpoch', 'int32', '6+', { default: -1 }),
      field('commitTimestamp', 'int64', '1', { default: -1n }),
      field('committedMetadata', 'string', '0+', { nullable: '0+' }),
    ]),
  ]),
]);

/** OffsetCommitRequest body, all versions (fields absent from a version decode to their default). */
export interface OffsetCommitRequest {
  groupId: string;
  /** v1+ */
  generationIdOrMemberEpoch: number;
  /** v1+ */
  memberId: string;
  /** v7+ */
  groupInstanceId: string | null;
  /** v2-4 */
  retentionTimeMs: bigint;
  topics: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
      committedOffset: bigint;
      /** v6+ */
      committedLeaderEpoch: number;
      /** v1 */
      commitTimestamp: bigint;
      committedMetadata: string | null;
    }>;
  }>;
}

export const offsetCommitResponseSchema = message('OffsetCommitResponse', '0-9', '8+', [
  field('throttleTimeMs', 'int32', '3+'),
  array('topics', '0+', [
    field('name', 'string', '0+'),
    array('partitions', '0+', [
      field('partitionIndex', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
    ]),
  ]),
]);

/** OffsetCommitResponse body, all versions (fields absent from a version decode to their default). */
export interface OffsetCommitResponse {
  /** v3+ */
  throttleTimeMs: number;
  topics: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
      errorCode: number;
    }>;
  }>;
}

export const offsetCommitApi = defineApi(8, 'OffsetCommit', offsetCommitRequestSchema, offsetCommitResponseSchema);
