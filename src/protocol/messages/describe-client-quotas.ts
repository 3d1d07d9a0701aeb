// DescribeClientQuotas (api key 48): request and response schemas, versions 0-1.
// Facts from Kafka's DescribeClientQuotasRequest.json and ...Response.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const describeClientQuotasRequestSchema = message('DescribeClientQuotasRequest', '0-1', '1+', [
  array('components', '0+', [
    field('entityType', 'string', '0+'),
    field('matchType', 'int8', '0+'),
    field('match', 'string', '0+', { nullable: '0+', default: null }),
  ]),
  field('strict', 'bool', '0+'),
]);

/** DescribeClientQuotasRequest body. */
export interface DescribeClientQuotasRequest {
  /** Filter: matchType 0 exact name, 1 the default (null) name, 2 any name of that type. */
  components: Array<{
    entityType: string;
    matchType: number;
    match: string | null;
  }>;
  /** Leave out entities with entity types the filter does not name. */
  strict: boolean;
}

export const describeClientQuotasResponseSchema = message('DescribeClientQuotasResponse', '0-1', '1+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  array('entries', '0+', [
    array('entity', '0+', [
      field('entityType', 'string', '0+'),
      field('entityName', 'string', '0+', { nullable: '0+', default: null }),
    ]),
    array('values', '0+', [
      field('key', 'string', '0+'),
      field('value', 'float64', '0+'),
    ]),
  ], { nullable: '0+' }),
]);

/** DescribeClientQuotasResponse body. */
export interface DescribeClientQuotasResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  entries: Array<{
    entity: Array<{ entityType: string; entityName: string | null }>;
    values: Array<{ key: string; value: number }>;
  }> | null;
}

export const describeClientQuotasApi = defineApi(48, 'DescribeClientQuotas', describeClientQuotasRequestSchema, describeClientQuotasResponseSchema);
