// DescribeGroups (api key 15): request and response schemas, versions 0-5.
// Facts from Kafka's DescribeGroupsRequest.json and DescribeGroupsResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const describeGroupsRequestSchema = message('DescribeGroupsRequest', '0-5', '5+', [
  field('groups', '[]string', '0+'),
  field('includeAuthorizedOperations', 'bool', '3+'),
]);

/** DescribeGroupsRequest body, all versions (fields absent from a version decode to their default). */
export interface DescribeGroupsRequest {
  groups: string[];
  /** v3+ */
  includeAuthorizedOperations: boolean;
}

export const describeGroupsResponseSchema = message('DescribeGroupsResponse', '0-5', '5+', [
  field('throttleTimeMs', 'int32', '1+'),
  array('groups', '0+', [
    field('errorCode', 'int16', '0+'),
    field('groupId', 'string', '0+'),
    field('groupState', 'string', '0+'),
    field('protocolType', 'string', '0+'),
    field('protocolData', 'string', '0+'),
    array('members', '0+', [
      field('memberId', 'string', '0+'),
      field('groupInstanceId', 'string', '4+', { nullable: '4+', default: null }),
      field('clientId', 'string', '0+'),
      field('clientHost', 'string', '0+'),
      field('memberMetadata', 'bytes', '0+'),
      field('memberAssignment', 'bytes', '0+'),
    ]),
    field('authorizedOperations', 'int32', '3+', { default: -2147483648 }),
  ]),
]);

/** DescribeGroupsResponse body, all versions (fields absent from a version decode to their default). */
export interface DescribeGroupsResponse {
  /** v1+ */
  throttleTimeMs: number;
  groups: Array<{
    errorCode: number;
    groupId: string;
    groupState: string;
    protocolType: string;
    protocolData: string;
    members: Array<{
      memberId: string;
      /** v4+ */
      groupInstanceId: string | null;
      clientId: string;
      clientHost: string;
      memberMetadata: Buffer;
      memberAssignment: Buffer;
    }>;
    /** v3+ */
    authorizedOperations: number;
  }>;
}

export const describeGroupsApi = defineApi(15, 'DescribeGroups', describeGroupsRequestSchema, describeGroupsResponseSchema);
