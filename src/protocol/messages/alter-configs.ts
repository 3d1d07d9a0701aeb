// AlterConfigs (api key 33): request and response schemas, versions 0-2.
// Facts from Kafka's AlterConfigsRequest.json and AlterConfigsResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const alterConfigsRequestSchema = message('AlterConfigsRequest', '0-2', '2+', [
  array('resources', '0+', [
    field('resourceType', 'int8', '0+'),
    field('resourceName', 'string', '0+'),
    array('configs', '0+', [
      field('name', 'string', '0+'),
      field('value', 'string', '0+', { nullable: '0+' }),
    ]),
  ]),
  field('validateOnly', 'bool', '0+'),
]);

/** AlterConfigsRequest body, all versions (fields absent from a version decode to their default). */
export interface AlterConfigsRequest {
  resources: Array<{
    resourceType: number;
    resourceName: string;
    configs: Array<{
      name: string;
      value: string | null;
    }>;
  }>;
  validateOnly: boolean;
}

export const alterConfigsResponseSchema = message('AlterConfigsResponse', '0-2', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  array('responses', '0+', [
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+' }),
    field('resourceType', 'int8', '0+'),
    field('resourceName', 'string', '0+'),
  ]),
]);

/** AlterConfigsResponse body, all versions (fields absent from a version decode to their default). */
export interface AlterConfigsResponse {
  throttleTimeMs: number;
  responses: Array<{
    errorCode: number;
    errorMessage: string | null;
    resourceType: number;
    resourceName: string;
  }>;
}

export const alterConfigsApi = defineApi(33, 'AlterConfigs', alterConfigsRequestSchema, alterConfigsResponseSchema);
