// CreateAcls (api key 30): request and response schemas, versions 0-3.
// Facts from Kafka's CreateAclsRequest.json and CreateAclsResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const createAclsRequestSchema = message('CreateAclsRequest', '0-3', '2+', [
  array('creations', '0+', [
    field('resourceType', 'int8', '0+'),
    field('resourceName', 'string', '0+'),
    field('resourcePatternType', 'int8', '1+', { default: 3 }),
    field('principal', 'string', '0+'),
    field('host', 'string', '0+'),
    field('operation', 'int8', '0+'),
    field('permissionType', 'int8', '0+'),
  ]),
]);

/** CreateAclsRequest body, all versions. Codes: see `src/broker/security/acl/acl-types.ts`. */
export interface CreateAclsRequest {
  creations: Array<{
    resourceType: number;
    resourceName: string;
    /** v1+ (v0: LITERAL, 3) */
    resourcePatternType: number;
    principal: string;
    host: string;
    operation: number;
    permissionType: number;
  }>;
}

export const createAclsResponseSchema = message('CreateAclsResponse', '0-3', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  array('results', '0+', [
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  ]),
]);

/** CreateAclsResponse body, all versions: one result per creation, in request order. */
export interface CreateAclsResponse {
  throttleTimeMs: number;
  results: Array<{
    errorCode: number;
    errorMessage: string | null;
  }>;
}

export const createAclsApi = defineApi(30, 'CreateAcls', createAclsRequestSchema, createAclsResponseSchema);
