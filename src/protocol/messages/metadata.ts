// Metadata (api key 3): request and response schemas, versions 0-12.
// Facts from Kafka's MetadataRequest.json and MetadataResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const metadataRequestSchema = message('MetadataRequest', '0-12', '9+', [
  array('topics', '0+', [
    field('topicId', 'uuid', '10+'),
    field('name', 'string', '0+', { nullable: '10+' }),
  ], { nullable: '1+' }),
  field('allowAutoTopicCreation', 'bool', '4+', { default: true }),
  field('includeClusterAuthorizedOperations', 'bool', '8-10'),
  field('includeTopicAuthorizedOperations', 'bool', '8+'),
]);

/** MetadataRequest body, all versions (fields absent from a version decode to their default). */
export interface MetadataRequest {
  topics: Array<{
    /** v10+ */
    topicId: string;
    name: string | null;
  }> | null;
  /** v4+ */
  allowAutoTopicCreation: boolean;
  /** v8-10 */
  includeClusterAuthorizedOperations: boolean;
  /** v8+ */
  includeTopicAuthorizedOperations: boolean;
}

export const metadataResponseSchema = message('MetadataResponse', '0-12', '9+', [
  field('throttleTimeMs', 'int32', '3+'),
  array('brokers', '0+', [
    field('nodeId', 'int32', '0+'),
    field('host', 'string', '0+'),
    field('port', 'int32', '0+'),
    field('rack', 'string', '1+', { nullable: '1+', default: null }),
  ]),
  field('clusterId', 'string', '2+', { nullable: '2+', default: null }),
  field('controllerId', 'int32', '1+', { default: -1 }),
  array('topics', '0+', [
    field('errorCode', 'int16', '0+'),
    field('name', 'string', '0+', { nullable: '12+' }),
    field('topicId', 'uuid', '10+'),
    field('isInternal', 'bool', '1+'),
    array('partitions', '0+', [
      field('errorCode', 'int16', '0+'),
      field('partitionIndex', 'int32', '0+'),
      field('leaderId', 'int32', '0+'),
      field('leaderEpoch', 'int32', '7+', { default: -1 }),
      field('replicaNodes', '[]int32', '0+'),
      field('isrNodes', '[]int32', '0+'),
      field('offlineReplicas', '[]int32', '5+'),
    ]),
    field('topicAuthorizedOperations', 'int32', '8+', { default: -2147483648 }),
  ]),
  field('clusterAuthorizedOperations', 'int32', '8-10', { default: -2147483648 }),
]);

/** MetadataResponse body, all versions (fields absent from a version decode to their default). */
export interface MetadataResponse {
  /** v3+ */
  throttleTimeMs: number;
  brokers: Array<{
    nodeId: number;
    host: string;
    port: number;
    /** v1+ */
    rack: string | null;
  }>;
  /** v2+ */
  clusterId: string | null;
  /** v1+ */
  controllerId: number;
  topics: Array<{
    errorCode: number;
    name: string | null;
    /** v10+ */
    topicId: string;
    /** v1+ */
    isInternal: boolean;
    partitions: Array<{
      errorCode: number;
      partitionIndex: number;
      leaderId: number;
      /** v7+ */
      leaderEpoch: number;
      replicaNodes: number[];
      isrNodes: number[];
      /** v5+ */
      offlineReplicas: number[];
    }>;
    /** v8+ */
    topicAuthorizedOperations: number;
  }>;
  /** v8-10 */
  clusterAuthorizedOperations: number;
}

export const metadataApi = defineApi(3, 'Metadata', metadataRequestSchema, metadataResponseSchema);
