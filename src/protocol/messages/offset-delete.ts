// OffsetDelete (api key 47): request and response schemas, version 0.
// Facts from Kafka's OffsetDeleteRequest.json and OffsetDeleteResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const offsetDeleteRequestSchema = message('OffsetDeleteRequest', '0', 'none', [
  field('groupId', 'string', '0+'),
  array('topics', '0+', [
    field('name', 'string', '0+'),
    array('partitions', '0+', [
      field('partitionIndex', 'int32', '0+'),
    ]),
  ]),
]);

/** OffsetDeleteRequest body. */
export interface OffsetDeleteRequest {
  groupId: string;
  topics: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
    }>;
  }>;
}

export const offsetDeleteResponseSchema = message('OffsetDeleteResponse', '0', 'none', [
  field('errorCode', 'int16', '0+'),
  field('throttleTimeMs', 'int32', '0+'),
  array('topics', '0+', [
    field('name', 'string', '0+'),
    array('partitions', '0+', [
      field('partitionIndex', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
    ]),
  ]),
]);

/** OffsetDeleteResponse body. */
export interface OffsetDeleteResponse {
  errorCode: number;
  throttleTimeMs: number;
  topics: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
      errorCode: number;
    }>;
  }>;
}

export const offsetDeleteApi = defineApi(47, 'OffsetDelete', offsetDeleteRequestSchema, offsetDeleteResponseSchema);
