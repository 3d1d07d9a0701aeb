// AlterPartitionReassignments (api key 45): request and response schemas, versions 0-1 (v1: KIP-860).
// Facts from Kafka's AlterPartitionReassignmentsRequest.json and ...Response.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const alterPartitionReassignmentsRequestSchema = message('AlterPartitionReassignmentsRequest', '0-1', '0+', [
  field('timeoutMs', 'int32', '0+', { default: 60000 }),
  field('allowReplicationFactorChange', 'bool', '1+', { default: true }),
  array('topics', '0+', [
    field('name', 'string', '0+'),
    array('partitions', '0+', [
      field('partitionIndex', 'int32', '0+'),
      field('replicas', '[]int32', '0+', { nullable: '0+', default: null }),
    ]),
  ]),
]);

/** AlterPartitionReassignmentsRequest body, all versions (fields absent from a version decode to their default). */
export interface AlterPartitionReassignmentsRequest {
  timeoutMs: number;
  /** v1+: false refuses a target with another replica count (INVALID_REPLICATION_FACTOR). */
  allowReplicationFactorChange: boolean;
  topics: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
      /** The target replicas, or null to cancel a pending reassignment. */
      replicas: number[] | null;
    }>;
  }>;
}

export const alterPartitionReassignmentsResponseSchema = message('AlterPartitionReassignmentsResponse', '0-1', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('allowReplicationFactorChange', 'bool', '1+', { default: true }),
  field('errorCode', 'int16', '0+'),
  field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  array('responses', '0+', [
    field('name', 'string', '0+'),
    array('partitions', '0+', [
      field('partitionIndex', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
    ]),
  ]),
]);

/** AlterPartitionReassignmentsResponse body, all versions (fields absent from a version decode to their default). */
export interface AlterPartitionReassignmentsResponse {
  throttleTimeMs: number;
  /** v1+: the request's value. */
  allowReplicationFactorChange: boolean;
  errorCode: number;
  errorMessage: string | null;
  responses: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
      errorCode: number;
      errorMessage: string | null;
    }>;
  }>;
}

export const alterPartitionReassignmentsApi = defineApi(45, 'AlterPartitionReassignments', alterPartitionReassignmentsRequestSchema, alterPartitionReassignmentsResponseSchema);
