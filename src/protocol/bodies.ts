import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from './messages/add-offsets-to-txn.ts';
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from './messages/add-partitions-to-txn.ts';
import type { AlterConfigsRequest, AlterConfigsResponse } from './messages/alter-configs.ts';
import type { ApiVersionsRequest, ApiVersionsResponse } from './messages/api-versions.ts';
import type { CreatePartitionsRequest, CreatePartitionsResponse } from './messages/create-partitions.ts';
import type { CreateTopicsRequest, CreateTopicsResponse } from './messages/create-topics.ts';
import type { DeleteGroupsRequest, DeleteGroupsResponse } from './messages/delete-groups.ts';
import type { DeleteRecordsRequest, DeleteRecordsResponse } from './messages/delete-records.ts';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from './messages/delete-topics.ts';
import type { DescribeClusterRequest, DescribeClusterResponse } from './messages/describe-cluster.ts';
import type { DescribeConfigsRequest, DescribeConfigsResponse } from './messages/describe-configs.ts';
import type { DescribeGroupsRequest, DescribeGroupsResponse } from './messages/describe-groups.ts';
import type { EndTxnRequest, EndTxnResponse } from './messages/end-txn.ts';
import type { FetchRequest, FetchResponse } from './messages/fetch.ts';
import type { FindCoordinatorRequest, FindCoordinatorResponse } from './messages/find-coordinator.ts';
import type { HeartbeatRequest, HeartbeatResponse } from './messages/heartbeat.ts';
import type { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from './messages/incremental-alter-configs.ts';
import type { InitProducerIdRequest, InitProducerIdResponse } from './messages/init-producer-id.ts';
import type { JoinGroupRequest, JoinGroupResponse } from './messages/join-group.ts';
import type { LeaveGroupRequest, LeaveGroupResponse } from './messages/leave-group.ts';
import type { ListGroupsRequest, ListGroupsResponse } from './messages/list-groups.ts';
import type { ListOffsetsRequest, ListOffsetsResponse } from './messages/list-offsets.ts';
import type { MetadataRequest, MetadataResponse } from './messages/metadata.ts';
import type { OffsetCommitRequest, OffsetCommitResponse } from './messages/offset-commit.ts';
import type { OffsetFetchRequest, OffsetFetchResponse } from './messages/offset-fetch.ts';
import type { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from './messages/offset-for-leader-epoch.ts';
import type { ProduceRequest, ProduceResponse } from './messages/produce.ts';
import type { SyncGroupRequest, SyncGroupResponse } from './messages/sync-group.ts';
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from './messages/txn-offset-commit.ts';

/** Request body type by api key, e.g. `RequestBodies[typeof ApiKey.Produce]`. */
export interface RequestBodies {
  0: ProduceRequest;
  1: FetchRequest;
  2: ListOffsetsRequest;
  3: MetadataRequest;
  8: OffsetCommitRequest;
  9: OffsetFetchRequest;
  10: FindCoordinatorRequest;
  11: JoinGroupRequest;
  12: HeartbeatRequest;
  13: LeaveGroupRequest;
  14: SyncGroupRequest;
  15: DescribeGroupsRequest;
  16: ListGroupsRequest;
  18: ApiVersionsRequest;
  19: CreateTopicsRequest;
  20: DeleteTopicsRequest;
  21: DeleteRecordsRequest;
  22: InitProducerIdRequest;
  23: OffsetForLeaderEpochRequest;
  24: AddPartitionsToTxnRequest;
  25: AddOffsetsToTxnRequest;
  26: EndTxnRequest;
  28: TxnOffsetCommitRequest;
  32: DescribeConfigsRequest;
  33: AlterConfigsRequest;
  37: CreatePartitionsRequest;
  42: DeleteGroupsRequest;
  44: IncrementalAlterConfigsRequest;
  60: DescribeClusterRequest;
}

/** Response body type by api key. */
export interface ResponseBodies {
  0: ProduceResponse;
  1: FetchResponse;
  2: ListOffsetsResponse;
  3: MetadataResponse;
  8: OffsetCommitResponse;
  9: OffsetFetchResponse;
  10: FindCoordinatorResponse;
  11: JoinGroupResponse;
  12: HeartbeatResponse;
  13: LeaveGroupResponse;
  14: SyncGroupResponse;
  15: DescribeGroupsResponse;
  16: ListGroupsResponse;
  18: ApiVersionsResponse;
  19: CreateTopicsResponse;
  20: DeleteTopicsResponse;
  21: DeleteRecordsResponse;
  22: InitProducerIdResponse;
  23: OffsetForLeaderEpochResponse;
  24: AddPartitionsToTxnResponse;
  25: AddOffsetsToTxnResponse;
  26: EndTxnResponse;
  28: TxnOffsetCommitResponse;
  32: DescribeConfigsResponse;
  33: AlterConfigsResponse;
  37: CreatePartitionsResponse;
  42: DeleteGroupsResponse;
  44: IncrementalAlterConfigsResponse;
  60: DescribeClusterResponse;
}

export type AnyRequestBody = RequestBodies[keyof RequestBodies];
export type AnyResponseBody = ResponseBodies[keyof ResponseBodies];
