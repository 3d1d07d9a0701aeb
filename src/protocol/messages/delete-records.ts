// DeleteRecords (api key 21): request and response schemas, versions 0-2.
// Facts from Kafka's DeleteRecordsRequest.json and DeleteRecordsResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const deleteRecordsRequestSchema = message('DeleteRecordsRequest', '0-2', '2+', [
  array('topics', '0+', [
    field('name', 'string', '0+'),
    array('partitions', '0+', [
      field('partitionIndex', 'int32', '0+'),
      field('offset', 'int64', '0+'),
    ]),
  ]),
  field('timeoutMs', 'int32', '0+'),
]);

/** DeleteRecordsRequest body, all versions (fields absent from a version decode to their default). */
export interface DeleteRecordsRequest {
  topics: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
      offset: bigint;
    }>;
  }>;
  timeoutMs: number;
}

export const deleteRecordsResponseSchema = message('DeleteRecordsResponse', '0-2', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  array('topics', '0+', [
    field('name', 'string', '0+'),
    array('partitions', '0+', [
      field('partitionIndex', 'int32', '0+'),
      field('lowWatermark', 'int64', '0+'),
      field('errorCode', 'int16', '0+'),
    ]),
  ]),
]);

/** DeleteRecordsResponse body, all versions (fields absent from a version decode to their default). */
export interface DeleteRecordsResponse {
  throttleTimeMs: number;
  topics: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
      lowWatermark: bigint;
      errorCode: number;
    }>;
  }>;
}

export const deleteRecordsApi = defineApi(21, 'DeleteRecords', deleteRecordsRequestSchema, deleteRecordsResponseSchema);
