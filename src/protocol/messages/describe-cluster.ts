// DescribeCluster (api key 60): request and response schemas, versions 0-1.
// Facts from Kafka's DescribeClusterRequest.json and DescribeClusterResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const describeClusterRequestSchema = message('DescribeClusterRequest', '0-1', '0+', [
  field('includeClusterAuthorizedOperations', 'bool', '0+'),
  field('endpointType', 'int8', '1+', { default: 1 }),
]);

/** DescribeClusterRequest body, all versions (fields absent from a version decode to their default). */
export interface DescribeClusterRequest {
  includeClusterAuthorizedOperations: boolean;
  /** v1+ */
  endpointType: number;
}

export const describeClusterResponseSchema = message('DescribeClusterResponse', '0-1', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  field('endpointType', 'int8', '1+', { default: 1 }),
  field('clusterId', 'string', '0+'),
  field('controllerId', 'int32', '0+', { default: -1 }),
  array('brokers', '0+', [
    field('brokerId', 'int32', '0+'),
    field('host', 'string', '0+'),
    field('port', 'int32', '0+'),
    field('rack', 'string', '0+', { nullable: '0+', default: null }),
  ]),
  field('clusterAuthorizedOperations', 'int32', '0+', { default: -2147483648 }),
]);

/** DescribeClusterResponse body, all versions (fields absent from a version decode to their default). */
export interface DescribeClusterResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  /** v1+ */
  endpointType: number;
  clusterId: string;
  controllerId: number;
  brokers: Array<{
    brokerId: number;
    host: string;
    port: number;
    rack: string | null;
  }>;
  clusterAuthorizedOperations: number;
}

export const describeClusterApi = defineApi(60, 'DescribeCluster', describeClusterRequestSchema, describeClusterResponseSchema);
