// DeleteAcls (api key 31): request and response schemas, versions 0-3.
// Facts from Kafka's DeleteAclsRequest.json and DeleteAclsResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';
import { aclFilterFields, type DescribeAclsRequest } from './describe-acls.ts';

export const deleteAclsRequestSchema = message('DeleteAclsRequest', '0-3', '2+', [array('filters', '0+', aclFilterFields)]);

/** DeleteAclsRequest body, all versions: every ACL matching any filter is deleted. */
export interface DeleteAclsRequest {
  /** Each filter has DescribeAcls's fields. */
  filters: DescribeAclsRequest[];
}

export const deleteAclsResponseSchema = message('DeleteAclsResponse', '0-3', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  array('filterResults', '0+', [
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
    array('matchingAcls', '0+', [
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
      field('resourceType', 'int8', '0+'),
      field('resourceName', 'string', '0+'),
      field('patternType', 'int8', '1+', { default: 3 }),
      field('principal', 'string', '0+'),
      field('host', 'string', '0+'),
      field('operation', 'int8', '0+'),
      field('permissionType', 'int8', '0+'),
    ]),
  ]),
]);

/** DeleteAclsResponse body, all versions: one result per filter, with the ACLs it deleted. */
export interface DeleteAclsResponse {
  throttleTimeMs: number;
  filterResults: Array<{
    errorCode: number;
    errorMessage: string | null;
    matchingAcls: Array<{
      errorCode: number;
      errorMessage: string | null;
      resourceType: number;
      resourceName: string;
      /** v1+ */
      patternType: number;
      principal: string;
      host: string;
      operation: number;
      permissionType: number;
    }>;
  }>;
}

export const deleteAclsApi = defineApi(31, 'DeleteAcls', deleteAclsRequestSchema, deleteAclsResponseSchema);
