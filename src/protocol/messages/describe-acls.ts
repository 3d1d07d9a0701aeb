// DescribeAcls (api key 29): request and response schemas, versions 0-3.
// Facts from Kafka's DescribeAclsRequest.json and DescribeAclsResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

/** The fields of an ACL filter, the same in DescribeAcls and in each filter of DeleteAcls. */
export const aclFilterFields = [
  field('resourceTypeFilter', 'int8', '0+'),
  field('resourceNameFilter', 'string', '0+', { nullable: '0+', default: null }),
  field('patternTypeFilter', 'int8', '1+', { default: 3 }),
  field('principalFilter', 'string', '0+', { nullable: '0+', default: null }),
  field('hostFilter', 'string', '0+', { nullable: '0+', default: null }),
  field('operation', 'int8', '0+'),
  field('permissionType', 'int8', '0+'),
];

export const describeAclsRequestSchema = message('DescribeAclsRequest', '0-3', '2+', aclFilterFields);

/** DescribeAclsRequest body, all versions: one filter (null strings match anything). */
export interface DescribeAclsRequest {
  resourceTypeFilter: number;
  resourceNameFilter: string | null;
  /** v1+ (v0: LITERAL, 3) */
  patternTypeFilter: number;
  principalFilter: string | null;
  hostFilter: string | null;
  operation: number;
  permissionType: number;
}

export const describeAclsResponseSchema = message('DescribeAclsResponse', '0-3', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  array('resources', '0+', [
    field('resourceType', 'int8', '0+'),
    field('resourceName', 'string', '0+'),
    field('patternType', 'int8', '1+', { default: 3 }),
    array('acls', '0+', [
      field('principal', 'string', '0+'),
      field('host', 'string', '0+'),
      field('operation', 'int8', '0+'),
      field('permissionType', 'int8', '0+'),
    ]),
  ]),
]);

/** DescribeAclsResponse body, all versions: matching ACLs grouped by resource pattern. */
export interface DescribeAclsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  resources: Array<{
    resourceType: number;
    resourceName: string;
    /** v1+ */
    patternType: number;
    acls: Array<{
      principal: string;
      host: string;
      operation: number;
      permissionType: number;
    }>;
  }>;
}

export const describeAclsApi = defineApi(29, 'DescribeAcls', describeAclsRequestSchema, describeAclsResponseSchema);
