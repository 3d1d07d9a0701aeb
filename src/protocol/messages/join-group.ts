// JoinGroup (api key 11): request and response schemas, versions 0-9.
// Facts from Kafka's JoinGroupRequest.json and JoinGroupResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const joinGroupRequestSchema = message('JoinGroupRequest', '0-9', '6+', [
  field('groupId', 'string', '0+'),
  field('sessionTimeoutMs', 'int32', '0+'),
  field('rebalanceTimeoutMs', 'int32', '1+', { default: -1 }),
  field('memberId', 'string', '0+'),
  field('groupInstanceId', 'string', '5+', { nullable: '5+', default: null }),
  field('protocolType', 'string', '0+'),
  array('protocols', '0+', [
    field('name', 'string', '0+'),
    field('metadata', 'bytes', '0+'),
  ]),
  field('reason', 'string', '8+', { nullable: '8+', default: null }),
]);

/** JoinGroupRequest body, all versions (fields absent from a version decode to their default). */
export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  /** v1+ */
  rebalanceTimeoutMs: number;
  memberId: string;
  /** v5+ */
  groupInstanceId: string | null;
  protocolType: string;
  protocols: Array<{
    name: string;
    metadata: Buffer;
  }>;
  /** v8+ */
  reason: string | null;
}

export const joinGroupResponseSchema = message('JoinGroupResponse', '0-9', '6+', [
  field('throttleTimeMs', 'int32', '2+'),
  field('errorCode', 'int16', '0+'),
  field('generationId', 'int32', '0+', { default: -1 }),
  field('protocolType', 'string', '7+', { nullable: '7+', default: null }),
  field('protocolName', 'string', '0+', { nullable: '7+' }),
  field('leader', 'string', '0+'),
  field('skipAssignment', 'bool', '9+'),
  field('memberId', 'string', '0+'),
  array('members', '0+', [
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '5+', { nullable: '5+', default: null }),
    field('metadata', 'bytes', '0+'),
  ]),
]);

/** JoinGroupResponse body, all versions (fields absent from a version decode to their default). */
export interface JoinGroupResponse {
  /** v2+ */
  throttleTimeMs: number;
  errorCode: number;
  generationId: number;
  /** v7+ */
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  /** v9+ */
  skipAssignment: boolean;
  memberId: string;
  members: Array<{
    memberId: string;
    /** v5+ */
    groupInstanceId: string | null;
    metadata: Buffer;
  }>;
}

export const joinGroupApi = defineApi(11, 'JoinGroup', joinGroupRequestSchema, joinGroupResponseSchema);
