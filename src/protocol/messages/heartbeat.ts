// Heartbeat (api key 12): request and response schemas, versions 0-4.
// Facts from Kafka's HeartbeatRequest.json and HeartbeatResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { field, message } from '../schema/dsl.ts';

export const heartbeatRequestSchema = message('HeartbeatRequest', '0-4', '4+', [
  field('groupId', 'string', '0+'),
  field('generationId', 'int32', '0+'),
  field('memberId', 'string', '0+'),
  field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
]);

/** HeartbeatRequest body, all versions (fields absent from a version decode to their default). */
export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** v3+ */
  groupInstanceId: string | null;
}

export const heartbeatResponseSchema = message('HeartbeatResponse', '0-4', '4+', [
  field('throttleTimeMs', 'int32', '1+'),
  field('errorCode', 'int16', '0+'),
]);

/** HeartbeatResponse body, all versions (fields absent from a version decode to their default). */
export interface HeartbeatResponse {
  /** v1+ */
  throttleTimeMs: number;
  errorCode: number;
}

export const heartbeatApi = defineApi(12, 'Heartbeat', heartbeatRequestSchema, heartbeatResponseSchema);
