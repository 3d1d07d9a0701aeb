// AlterClientQuotas (api key 49): request and response schemas, versions 0-1.
// Facts from Kafka's AlterClientQuotasRequest.json and ...Response.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

const entity = array('entity', '0+', [
  field('entityType', 'string', '0+'),
  field('entityName', 'string', '0+', { nullable: '0+', default: null }),
]);

export const alterClientQuotasRequestSchema = message('AlterClientQuotasRequest', '0-1', '1+', [
  array('entries', '0+', [
    entity,
    array('ops', '0+', [
      field('key', 'string', '0+'),
      field('value', 'float64', '0+'),
      field('remove', 'bool', '0+'),
    ]),
  ]),
  field('validateOnly', 'bool', '0+'),
]);

/** One quota entity: its components (user, client-id or ip; a null name is the default). */
export type ClientQuotaEntity = Array<{ entityType: string; entityName: string | null }>;

/** AlterClientQuotasRequest body. */
export interface AlterClientQuotasRequest {
  entries: Array<{
    entity: ClientQuotaEntity;
    ops: Array<{ key: string; value: number; remove: boolean }>;
  }>;
  validateOnly: boolean;
}

export const alterClientQuotasResponseSchema = message('AlterClientQuotasResponse', '0-1', '1+', [
  field('throttleTimeMs', 'int32', '0+'),
  array('entries', '0+', [
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
    entity,
  ]),
]);

/** AlterClientQuotasResponse body. */
export interface AlterClientQuotasResponse {
  throttleTimeMs: number;
  entries: Array<{
    errorCode: number;
    errorMessage: string | null;
    entity: ClientQuotaEntity;
  }>;
}

export const alterClientQuotasApi = defineApi(49, 'AlterClientQuotas', alterClientQuotasRequestSchema, alterClientQuotasResponseSchema);
