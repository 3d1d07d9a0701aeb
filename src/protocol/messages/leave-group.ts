// LeaveGroup (api key 13): request and response schemas, versions 0-5.
// Facts from Kafka's LeaveGroupRequest.json and LeaveGroupResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const leaveGroupRequestSchema = message('LeaveGroupRequest', '0-5', '4+', [
  field('groupId', 'string', '0+'),
  field('memberId', 'string', '0-2'),
  array('members', '3+', [
    field('memberId', 'string', '3+'),
    field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
    field('reason', 'string', '5+', { nullable: '5+', default: null }),
  ]),
]);

/** LeaveGroupRequest body, all versions (fields absent from a version decode to their default). */
export interface LeaveGroupRequest {
  groupId: string;
  /** v0-2 */
  memberId: string;
  /** v3+ */
  members: Array<{
    memberId: string;
    groupInstanceId: string | null;
    /** v5+ */
    reason: string | null;
  }>;
}

export const leaveGroupResponseSchema = message('LeaveGroupResponse', '0-5', '4+', [
  field('throttleTimeMs', 'int32', '1+'),
  field('errorCode', 'int16', '0+'),
  array('members', '3+', [
    field('memberId', 'string', '3+'),
    field('groupInstanceId', 'string', '3+', { nullable: '3+' }),
    field('errorCode', 'int16', '3+'),
  ]),
]);

/** LeaveGroupResponse body, all versions (fields absent from a version decode to their default). */
export interface LeaveGroupResponse {
  /** v1+ */
  throttleTimeMs: number;
  errorCode: number;
  /** v3+ */
  members: Array<{
    memberId: string;
    groupInstanceId: string | null;
    errorCode: number;
  }>;
}

export const leaveGroupApi = defineApi(13, 'LeaveGroup', leaveGroupRequestSchema, leaveGroupResponseSchema);
