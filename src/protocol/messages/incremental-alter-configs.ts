// IncrementalAlterConfigs (api key 44): request and response schemas, versions 0-1.
// Facts from Kafka's IncrementalAlterConfigsRequest.json and IncrementalAlterConfigsResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const incrementalAlterConfigsRequestSchema = message('IncrementalAlterConfigsRequest', '0-1', '1+', [
  array('resources', '0+', [
    field('resourceType', 'int8', '0+'),
    field('resourceName', 'string', '0+'),
    array('configs', '0+', [
      field('name', 'string', '0+'),
      field('configOperation', 'int8', '0+'),
      field('value', 'string', '0+', { nullable: '0+' }),
    ]),
  ]),
  field('validateOnly', 'bool', '0+'),
]);

/** IncrementalAlterConfigsRequest body, all versions (fields absent from a version decode to their default). */
export interface IncrementalAlterConfigsRequest {
  resources: Array<{
    resourceType: number;
    resourceName: string;
    configs: Array<{
      name: string;
      configOperation: number;
      value: string | null;
    }>;
  }>;
  validateOnly: boolean;
}

export const incrementalAlterConfigsResponseSchema = message('IncrementalAlterConfigsResponse', '0-1', '1+', [
  field('throttleTimeMs', 'int32', '0+'),
  array('responses', '0+', [
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+' }),
    field('resourceType', 'int8', '0+'),
    field('resourceName', 'string', '0+'),
  ]),
]);

/** IncrementalAlterConfigsResponse body, all versions (fields absent from a version decode to their default). */
export interface IncrementalAlterConfigsResponse {
  throttleTimeMs: number;
  responses: Array<{
    errorCode: number;
    errorMessage: string | null;
    resourceType: number;
    resourceName: string;
  }>;
}

export const incrementalAlterConfigsApi = defineApi(44, 'IncrementalAlterConfigs', incrementalAlterConfigsRequestSchema, incrementalAlterConfigsResponseSchema);
