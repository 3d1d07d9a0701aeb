// Fetch (api key 1): request and response schemas, versions 0-17.
// Facts from Kafka's FetchRequest.json and FetchResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message, struct } from '../schema/dsl.ts';

export const fetchRequestSchema = message('FetchRequest', '0-17', '12+', [
  field('clusterId', 'string', '12+', { nullable: '12+', tag: 0, default: null }),
  field('replicaId', 'int32', '0-14', { default: -1 }),
  struct('replicaState', '15+', [
    field('replicaId', 'int32', '15+', { default: -1 }),
    field('replicaEpoch', 'int64', '15+', { default: -1n }),
  ], { tag: 1 }),
  field('maxWaitMs', 'int32', '0+'),
  field('minBytes', 'int32', '0+'),
  field('maxBytes', 'int32', '3+', { default: 2147483647 }),
  field('isolationLevel', 'int8', '4+'),
  field('sessionId', 'int32', '7+'),
  field('sessionEpoch', 'int32', '7+', { default: -1 }),
  array('topics', '0+', [
    field('topic', 'string', '0-12'),
    field('topicId', 'uuid', '13+'),
    array('partitions', '0+', [
      field('partition', 'int32', '0+'),
      field('currentLeaderEpoch', 'int32', '9+', { default: -1 }),
      field('fetchOffset', 'int64', '0+'),
      field('lastFetchedEpoch', 'int32', '12+', { default: -1 }),
      field('logStartOffset', 'int64', '5+', { default: -1n }),
      field('partitionMaxBytes', 'int32', '0+'),
      field('replicaDirectoryId', 'uuid', '17+', { tag: 0 }),
    ]),
  ]),
  array('forgottenTopicsData', '7+', [
    field('topic', 'string', '7-12'),
    field('topicId', 'uuid', '13+'),
    field('partitions', '[]int32', '7+'),
  ]),
  field('rackId', 'string', '11+'),
]);

/** FetchRequest body, all versions (fields absent from a version decode to their default). */
export interface FetchRequest {
  /** v12+, tag 0 */
  clusterId: string | null;
  /** v0-14 */
  replicaId: number;
  /** v15+, tag 1 */
  replicaState: {
    replicaId: number;
    replicaEpoch: bigint;
  };
  maxWaitMs: number;
  minBytes: number;
  /** v3+ */
  maxBytes: number;
  /** v4+ */
  isolationLevel: number;
  /** v7+ */
  sessionId: number;
  /** v7+ */
  sessionEpoch: number;
  topics: Array<{
    /** v0-12 */
    topic: string;
    /** v13+ */
    topicId: string;
    partitions: Array<{
      partition: number;
      /** v9+ */
      currentLeaderEpoch: number;
      fetchOffset: bigint;
      /** v12+ */
      lastFetchedEpoch: number;
      /** v5+ */
      logStartOffset: bigint;
      partitionMaxBytes: number;
      /** v17+, tag 0 */
      replicaDirectoryId: string;
    }>;
  }>;
  /** v7+ */
  forgottenTopicsData: Array<{
    /** v7-12 */
    topic: string;
    /** v13+ */
    topicId: string;
    partitions: number[];
  }>;
  /** v11+ */
  rackId: string;
}

export const fetchResponseSchema = message('FetchResponse', '0-17', '12+', [
  field('throttleTimeMs', 'int32', '1+'),
  field('errorCode', 'int16', '7+'),
  field('sessionId', 'int32', '7+'),
  array('responses', '0+', [
    field('topic', 'string', '0-12'),
    field('topicId', 'uuid', '13+'),
    array('partitions', '0+', [
      field('partitionIndex', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
      field('highWatermark', 'int64', '0+'),
      field('lastStableOffset', 'int64', '4+', { default: -1n }),
      field('logStartOffset', 'int64', '5+', { default: -1n }),
      struct('divergingEpoch', '12+', [
        field('epoch', 'int32', '12+', { default: -1 }),
        field('endOffset', 'int64', '12+', { default: -1n }),
      ], { tag: 0 }),
      struct('currentLeader', '12+', [
        field('leaderId', 'int32', '12+', { default: -1 }),
        field('leaderEpoch', 'int32', '12+', { default: -1 }),
      ], { tag: 1 }),
      struct('snapshotId', '12+', [
        field('endOffset', 'int64', '0+', { default: -1n }),
        field('epoch', 'int32', '0+', { default: -1 }),
      ], { tag: 2 }),
      array('abortedTransactions', '4+', [
        field('producerId', 'int64', '4+'),
        field('firstOffset', 'int64', '4+'),
      ], { nullable: '4+' }),
      field('preferredReadReplica', 'int32', '11+', { default: -1 }),
      field('records', 'records', '0+', { nullable: '0+' }),
    ]),
  ]),
  array('nodeEndpoints', '16+', [
    field('nodeId', 'int32', '16+'),
    field('host', 'string', '16+'),
    field('port', 'int32', '16+'),
    field('rack', 'string', '16+', { nullable: '16+', default: null }),
  ], { tag: 0 }),
]);

/** FetchResponse body, all versions (fields absent from a version decode to their default). */
export interface FetchResponse {
  /** v1+ */
  throttleTimeMs: number;
  /** v7+ */
  errorCode: number;
  /** v7+ */
  sessionId: number;
  responses: Array<{
    /** v0-12 */
    topic: string;
    /** v13+ */
    topicId: string;
    partitions: Array<{
      partitionIndex: number;
      errorCode: number;
      highWatermark: bigint;
      /** v4+ */
      lastStableOffset: bigint;
      /** v5+ */
      logStartOffset: bigint;
      /** v12+, tag 0 */
      divergingEpoch: {
        epoch: number;
        endOffset: bigint;
      };
      /** v12+, tag 1 */
      currentLeader: {
        leaderId: number;
        leaderEpoch: number;
      };
      /** v12+, tag 2 */
      snapshotId: {
        /** v0+ */
        endOffset: bigint;
        /** v0+ */
        epoch: number;
      };
      /** v4+ */
      abortedTransactions: Array<{
        producerId: bigint;
        firstOffset: bigint;
      }> | null;
      /** v11+ */
      preferredReadReplica: number;
      records: Buffer | Buffer[] | null;
    }>;
  }>;
  /** v16+, tag 0 */
  nodeEndpoints: Array<{
    nodeId: number;
    host: string;
    port: number;
    rack: string | null;
  }>;
}

export const fetchApi = defineApi(1, 'Fetch', fetchRequestSchema, fetchResponseSchema);
