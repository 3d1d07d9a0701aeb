// ListPartitionReassignments (api key 46): request and response schemas, version 0.
// Facts from Kafka's ListPartitionReassignmentsRequest.json and ...Response.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const listPartitionReassignmentsRequestSchema = message('ListPartitionReassignmentsRequest', '0', '0+', [
  field('timeoutMs', 'int32', '0+', { default: 60000 }),
  array('topics', '0+', [
    field('name', 'string', '0+'),
    field('partitionIndexes', '[]int32', '0+'),
  ], { nullable: '0+', default: null }),
]);

/** ListPartitionReassignmentsRequest body. */
export interface ListPartitionReassignmentsRequest {
  timeoutMs: number;
  /** null: every ongoing reassignment. */
  topics: Array<{
    name: string;
    partitionIndexes: number[];
  }> | null;
}

export const listPartitionReassignmentsResponseSchema = message('ListPartitionReassignmentsResponse', '0', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  array('topics', '0+', [
    field('name', 'string', '0+'),
    array('partitions', '0+', [
      field('partitionIndex', 'int32', '0+'),
      field('replicas', '[]int32', '0+'),
      field('addingReplicas', '[]int32', '0+'),
      field('removingReplicas', '[]int32', '0+'),
    ]),
  ]),
]);

/** ListPartitionReassignmentsResponse body. */
export interface ListPartitionReassignmentsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  topics: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
      replicas: number[];
      addingReplicas: number[];
      removingReplicas: number[];
    }>;
  }>;
}

export const listPartitionReassignmentsApi = defineApi(46, 'ListPartitionReassignments', listPartitionReassignmentsRequestSchema, listPartitionReassignmentsResponseSchema);
