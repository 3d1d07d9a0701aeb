// CreateTopics (api key 19): request and response schemas, versions 0-7.
// Facts from Kafka's CreateTopicsRequest.json and CreateTopicsResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const createTopicsRequestSchema = message('CreateTopicsRequest', '0-7', '5+', [
  array('topics', '0+', [
    field('name', 'string', '0+'),
    field('numPartitions', 'int32', '0+'),
    field('replicationFactor', 'int16', '0+'),
    array('assignments', '0+', [
      field('partitionIndex', 'int32', '0+'),
      field('brokerIds', '[]int32', '0+'),
    ]),
    array('configs', '0+', [
      field('name', 'string', '0+'),
      field('value', 'string', '0+', { nullable: '0+' }),
    ]),
  ]),
  field('timeoutMs', 'int32', '0+', { default: 60000 }),
  field('validateOnly', 'bool', '1+'),
]);

/** CreateTopicsRequest body, all versions (fields absent from a version decode to their default). */
export interface CreateTopicsRequest {
  topics: Array<{
    name: string;
    numPartitions: number;
    replicationFactor: number;
    assignments: Array<{
      partitionIndex: number;
      brokerIds: number[];
    }>;
    configs: Array<{
      name: string;
      value: string | null;
    }>;
  }>;
  timeoutMs: number;
  /** v1+ */
  validateOnly: boolean;
}

export const createTopicsResponseSchema = message('CreateTopicsResponse', '0-7', '5+', [
  field('throttleTimeMs', 'int32', '2+'),
  array('topics', '0+', [
    field('name', 'string', '0+'),
    field('topicId', 'uuid', '7+'),
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '1+', { nullable: '0+' }),
    field('topicConfigErrorCode', 'int16', '5+', { tag: 0 }),
    field('numPartitions', 'int32', '5+', { default: -1 }),
    field('replicationFactor', 'int16', '5+', { default: -1 }),
    array('configs', '5+', [
      field('name', 'string', '5+'),
      field('value', 'string', '5+', { nullable: '5+' }),
      field('readOnly', 'bool', '5+'),
      field('configSource', 'int8', '5+', { default: -1 }),
      field('isSensitive', 'bool', '5+'),
    ], { nullable: '5+' }),
  ]),
]);

/** CreateTopicsResponse body, all versions (fields absent from a version decode to their default). */
export interface CreateTopicsResponse {
  /** v2+ */
  throttleTimeMs: number;
  topics: Array<{
    name: string;
    /** v7+ */
    topicId: string;
    errorCode: number;
    /** v1+ */
    errorMessage: string | null;
    /** v5+, tag 0 */
    topicConfigErrorCode: number;
    /** v5+ */
    numPartitions: number;
    /** v5+ */
    replicationFactor: number;
    /** v5+ */
    configs: Array<{
      name: string;
      value: string | null;
      readOnly: boolean;
      configSource: number;
      isSensitive: boolean;
    }> | null;
  }>;
}

export const createTopicsApi = defineApi(19, 'CreateTopics', createTopicsRequestSchema, createTopicsResponseSchema);
