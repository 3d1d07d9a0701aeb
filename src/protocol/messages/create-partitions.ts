// CreatePartitions (api key 37): request and response schemas, versions 0-3.
// Facts from Kafka's CreatePartitionsRequest.json and CreatePartitionsResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const createPartitionsRequestSchema = message('CreatePartitionsRequest', '0-3', '2+', [
  array('topics', '0+', [
    field('name', 'string', '0+'),
    field('count', 'int32', '0+'),
    array('assignments', '0+', [
      field('brokerIds', '[]int32', '0+'),
    ], { nullable: '0+' }),
  ]),
  field('timeoutMs', 'int32', '0+'),
  field('validateOnly', 'bool', '0+'),
]);

/** CreatePartitionsRequest body, all versions (fields absent from a version decode to their default). */
export interface CreatePartitionsRequest {
  topics: Array<{
    name: string;
    count: number;
    assignments: Array<{
      brokerIds: number[];
    }> | null;
  }>;
  timeoutMs: number;
  validateOnly: boolean;
}

export const createPartitionsResponseSchema = message('CreatePartitionsResponse', '0-3', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  array('results', '0+', [
    field('name', 'string', '0+'),
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  ]),
]);

/** CreatePartitionsResponse body, all versions (fields absent from a version decode to their default). */
export interface CreatePartitionsResponse {
  throttleTimeMs: number;
  results: Array<{
    name: string;
    errorCode: number;
    errorMessage: string | null;
  }>;
}

export const createPartitionsApi = defineApi(37, 'CreatePartitions', createPartitionsRequestSchema, createPartitionsResponseSchema);
