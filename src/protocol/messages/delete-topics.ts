// DeleteTopics (api key 20): request and response schemas, versions 0-6.
// Facts from Kafka's DeleteTopicsRequest.json and DeleteTopicsResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const deleteTopicsRequestSchema = message('DeleteTopicsRequest', '0-6', '4+', [
  array('topics', '6+', [
    field('name', 'string', '6+', { nullable: '6+', default: null }),
    field('topicId', 'uuid', '6+'),
  ]),
  field('topicNames', '[]string', '0-5'),
  field('timeoutMs', 'int32', '0+'),
]);

/** DeleteTopicsRequest body, all versions (fields absent from a version decode to their default). */
export interface DeleteTopicsRequest {
  /** v6+ */
  topics: Array<{
    name: string | null;
    topicId: string;
  }>;
  /** v0-5 */
  topicNames: string[];
  timeoutMs: number;
}

export const deleteTopicsResponseSchema = message('DeleteTopicsResponse', '0-6', '4+', [
  field('throttleTimeMs', 'int32', '1+'),
  array('responses', '0+', [
    field('name', 'string', '0+', { nullable: '6+' }),
    field('topicId', 'uuid', '6+'),
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '5+', { nullable: '5+', default: null }),
  ]),
]);

/** DeleteTopicsResponse body, all versions (fields absent from a version decode to their default). */
export interface DeleteTopicsResponse {
  /** v1+ */
  throttleTimeMs: number;
  responses: Array<{
    name: string | null;
    /** v6+ */
    topicId: string;
    errorCode: number;
    /** v5+ */
    errorMessage: string | null;
  }>;
}

export const deleteTopicsApi = defineApi(20, 'DeleteTopics', deleteTopicsRequestSchema, deleteTopicsResponseSchema);
