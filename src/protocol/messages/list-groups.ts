// ListGroups (api key 16): request and response schemas, versions 0-5.
// Facts from Kafka's ListGroupsRequest.json and ListGroupsResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const listGroupsRequestSchema = message('ListGroupsRequest', '0-5', '3+', [
  field('statesFilter', '[]string', '4+'),
  field('typesFilter', '[]string', '5+'),
]);

/** ListGroupsRequest body, all versions (fields absent from a version decode to their default). */
export interface ListGroupsRequest {
  /** v4+ */
  statesFilter: string[];
  /** v5+ */
  typesFilter: string[];
}

export const listGroupsResponseSchema = message('ListGroupsResponse', '0-5', '3+', [
  field('throttleTimeMs', 'int32', '1+'),
  field('errorCode', 'int16', '0+'),
  array('groups', '0+', [
    field('groupId', 'string', '0+'),
    field('protocolType', 'string', '0+'),
    field('groupState', 'string', '4+'),
    field('groupType', 'string', '5+'),
  ]),
]);

/** ListGroupsResponse body, all versions (fields absent from a version decode to their default). */
export interface ListGroupsResponse {
  /** v1+ */
  throttleTimeMs: number;
  errorCode: number;
  groups: Array<{
    groupId: string;
    protocolType: string;
    /** v4+ */
    groupState: string;
    /** v5+ */
    groupType: string;
  }>;
}

export const listGroupsApi = defineApi(16, 'ListGroups', listGroupsRequestSchema, listGroupsResponseSchema);
