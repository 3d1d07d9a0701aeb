// DeleteGroups (api key 42): request and response schemas, versions 0-2.
// Facts from Kafka's DeleteGroupsRequest.json and DeleteGroupsResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const deleteGroupsRequestSchema = message('DeleteGroupsRequest', '0-2', '2+', [
  field('groupsNames', '[]string', '0+'),
]);

/** DeleteGroupsRequest body, all versions (fields absent from a version decode to their default). */
export interface DeleteGroupsRequest {
  groupsNames: string[];
}

export const deleteGroupsResponseSchema = message('DeleteGroupsResponse', '0-2', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  array('results', '0+', [
    field('groupId', 'string', '0+'),
    field('errorCode', 'int16', '0+'),
  ]),
]);

/** DeleteGroupsResponse body, all versions (fields absent from a version decode to their default). */
export interface DeleteGroupsResponse {
  throttleTimeMs: number;
  results: Array<{
    groupId: string;
    errorCode: number;
  }>;
}

export const deleteGroupsApi = defineApi(42, 'DeleteGroups', deleteGroupsRequestSchema, deleteGroupsResponseSchema);
