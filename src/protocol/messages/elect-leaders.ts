// ElectLeaders (api key 43): request and response schemas, versions 0-2.
// Facts from Kafka's ElectLeadersRequest.json and ElectLeadersResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const electLeadersRequestSchema = message('ElectLeadersRequest', '0-2', '2+', [
  field('electionType', 'int8', '1+'),
  array('topicPartitions', '0+', [
    field('topic', 'string', '0+'),
    field('partitions', '[]int32', '0+'),
  ], { nullable: '0+' }),
  field('timeoutMs', 'int32', '0+', { default: 60000 }),
]);

/** ElectLeadersRequest body, all versions (fields absent from a version decode to their default). */
export interface ElectLeadersRequest {
  /** v1+: 0 preferred replica, 1 unclean (first live replica). v0 is always preferred. */
  electionType: number;
  /** null: every partition of the cluster. */
  topicPartitions: Array<{
    topic: string;
    partitions: number[];
  }> | null;
  timeoutMs: number;
}

export const electLeadersResponseSchema = message('ElectLeadersResponse', '0-2', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '1+'),
  array('replicaElectionResults', '0+', [
    field('topic', 'string', '0+'),
    array('partitionResult', '0+', [
      field('partitionId', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
    ]),
  ]),
]);

/** ElectLeadersResponse body, all versions (fields absent from a version decode to their default). */
export interface ElectLeadersResponse {
  throttleTimeMs: number;
  /** v1+ */
  errorCode: number;
  replicaElectionResults: Array<{
    topic: string;
    partitionResult: Array<{
      partitionId: number;
      errorCode: number;
      errorMessage: string | null;
    }>;
  }>;
}

export const electLeadersApi = defineApi(43, 'ElectLeaders', electLeadersRequestSchema, electLeadersResponseSchema);
