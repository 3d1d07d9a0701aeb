// SyncGroup (api key 14): request and response schemas, versions 0-5.
// Facts from Kafka's SyncGroupRequest.json and SyncGroupResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const syncGroupRequestSchema = message('SyncGroupRequest', '0-5', '4+', [
  field('groupId', 'string', '0+'),
  field('generationId', 'int32', '0+'),
  field('memberId', 'string', '0+'),
  field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
  field('protocolType', 'string', '5+', { nullable: '5+', default: null }),
  field('protocolName', 'string', '5+', { nullable: '5+', default: null }),
  array('assignments', '0+', [
    field('memberId', 'string', '0+'),
    field('assignment', 'bytes', '0+'),
  ]),
]);

/** SyncGroupRequest body, all versions (fields absent from a version decode to their default). */
export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** v3+ */
  groupInstanceId: string | null;
  /** v5+ */
  protocolType: string | null;
  /** v5+ */
  protocolName: string | null;
  assignments: Array<{
    memberId: string;
    assignment: Buffer;
  }>;
}

export const syncGroupResponseSchema = message('SyncGroupResponse', '0-5', '4+', [
  field('throttleTimeMs', 'int32', '1+'),
  field('errorCode', 'int16', '0+'),
  field('protocolType', 'string', '5+', { nullable: '5+', default: null }),
  field('protocolName', 'string', '5+', { nullable: '5+', default: null }),
  field('assignment', 'bytes', '0+'),
]);

/** SyncGroupResponse body, all versions (fields absent from a version decode to their default). */
export interface SyncGroupResponse {
  /** v1+ */
  throttleTimeMs: number;
  errorCode: number;
  /** v5+ */
  protocolType: string | null;
  /** v5+ */
  protocolName: string | null;
  assignment: Buffer;
}

export const syncGroupApi = defineApi(14, 'SyncGroup', syncGroupRequestSchema, syncGroupResponseSchema);
