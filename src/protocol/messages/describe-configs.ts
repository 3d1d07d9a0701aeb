// DescribeConfigs (api key 32): request and response schemas, versions 0-4.
// Facts from Kafka's DescribeConfigsRequest.json and DescribeConfigsResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const describeConfigsRequestSchema = message('DescribeConfigsRequest', '0-4', '4+', [
  array('resources', '0+', [
    field('resourceType', 'int8', '0+'),
    field('resourceName', 'string', '0+'),
    field('configurationKeys', '[]string', '0+', { nullable: '0+' }),
  ]),
  field('includeSynonyms', 'bool', '1+'),
  field('includeDocumentation', 'bool', '3+'),
]);

/** DescribeConfigsRequest body, all versions (fields absent from a version decode to their default). */
export interface DescribeConfigsRequest {
  resources: Array<{
    resourceType: number;
    resourceName: string;
    configurationKeys: string[] | null;
  }>;
  /** v1+ */
  includeSynonyms: boolean;
  /** v3+ */
  includeDocumentation: boolean;
}

export const describeConfigsResponseSchema = message('DescribeConfigsResponse', '0-4', '4+', [
  field('throttleTimeMs', 'int32', '0+'),
  array('results', '0+', [
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+' }),
    field('resourceType', 'int8', '0+'),
    field('resourceName', 'string', '0+'),
    array('configs', '0+', [
      field('name', 'string', '0+'),
      field('value', 'string', '0+', { nullable: '0+' }),
      field('readOnly', 'bool', '0+'),
      field('isDefault', 'bool', '0'),
      field('configSource', 'int8', '1+', { default: -1 }),
      field('isSensitive', 'bool', '0+'),
      array('synonyms', '1+', [
        field('name', 'string', '1+'),
        field('value', 'string', '1+', { nullable: '0+' }),
        field('source', 'int8', '1+'),
      ]),
      field('configType', 'int8', '3+'),
      field('documentation', 'string', '3+', { nullable: '0+' }),
    ]),
  ]),
]);

/** DescribeConfigsResponse body, all versions (fields absent from a version decode to their default). */
export interface DescribeConfigsResponse {
  throttleTimeMs: number;
  results: Array<{
    errorCode: number;
    errorMessage: string | null;
    resourceType: number;
    resourceName: string;
    configs: Array<{
      name: string;
      value: string | null;
      readOnly: boolean;
      /** v0 */
      isDefault: boolean;
      /** v1+ */
      configSource: number;
      isSensitive: boolean;
      /** v1+ */
      synonyms: Array<{
        name: string;
        value: string | null;
        source: number;
      }>;
      /** v3+ */
      configType: number;
      /** v3+ */
      documentation: string | null;
    }>;
  }>;
}

export const describeConfigsApi = defineApi(32, 'DescribeConfigs', describeConfigsRequestSchema, describeConfigsResponseSchema);
