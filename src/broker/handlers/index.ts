import type { Handler } from '../broker-context.ts';
import { ApiKey } from '../../protocol/api-keys.ts';
import { handleApiVersions } from './api-versions.ts';
import { handleMetadata } from './metadata.ts';
import { handleProduce } from './produce.ts';
import { handleFetch } from './fetch.ts';
import { handleListOffsets } from './list-offsets.ts';
import { handleCreateTopics } from './create-topics.ts';
import { handleDeleteTopics } from './delete-topics.ts';
import { handleCreatePartitions } from './create-partitions.ts';
import { handleDeleteRecords } from './delete-records.ts';
import { handleOffsetForLeaderEpoch } from './offset-for-leader-epoch.ts';
import { handleFindCoordinator } from './find-coordinator.ts';
import { handleDescribeCluster } from './describe-cluster.ts';
import { handleDescribeLogDirs } from './describe-log-dirs.ts';
import { handleAlterConfigs, handleDescribeConfigs, handleIncrementalAlterConfigs } from './configs.ts';
import * as groups from './groups.ts';
import * as txn from './transactions.ts';
import * as security from './security.ts';
import { handleAlterClientQuotas, handleDescribeClientQuotas } from './client-quotas.ts';
import { handleDescribeTransactions, handleListTransactions } from './transaction-listing.ts';
import { handleAlterPartitionReassignments, handleElectLeaders, handleListPartitionReassignments } from './replica-placement.ts';

/** One handler per api key; an api key missing here is answered by closing the connection. */
export const HANDLERS: ReadonlyMap<number, Handler> = new Map<number, Handler>([
  [ApiKey.ApiVersions, handleApiVersions],
  [ApiKey.Metadata, handleMetadata],
  [ApiKey.Produce, handleProduce],
  [ApiKey.Fetch, handleFetch],
  [ApiKey.ListOffsets, handleListOffsets],
  [ApiKey.CreateTopics, handleCreateTopics],
  [ApiKey.DeleteTopics, handleDeleteTopics],
  [ApiKey.CreatePartitions, handleCreatePartitions],
  [ApiKey.DeleteRecords, handleDeleteRecords],
  [ApiKey.OffsetForLeaderEpoch, handleOffsetForLeaderEpoch],
  [ApiKey.FindCoordinator, handleFindCoordinator],
  [ApiKey.DescribeCluster, handleDescribeCluster],
  [ApiKey.DescribeLogDirs, handleDescribeLogDirs],
  [ApiKey.DescribeConfigs, handleDescribeConfigs],
  [ApiKey.AlterConfigs, handleAlterConfigs],
  [ApiKey.IncrementalAlterConfigs, handleIncrementalAlterConfigs],
  [ApiKey.JoinGroup, groups.handleJoinGroup],
  [ApiKey.SyncGroup, groups.handleSyncGroup],
  [ApiKey.Heartbeat, groups.handleHeartbeat],
  [ApiKey.LeaveGroup, groups.handleLeaveGroup],
  [ApiKey.OffsetCommit, groups.handleOffsetCommit],
  [ApiKey.OffsetFetch, groups.handleOffsetFetch],
  [ApiKey.ListGroups, groups.handleListGroups],
  [ApiKey.DescribeGroups, groups.handleDescribeGroups],
  [ApiKey.DeleteGroups, groups.handleDeleteGroups],
  [ApiKey.OffsetDelete, groups.handleOffsetDelete],
  [ApiKey.InitProducerId, txn.handleInitProducerId],
  [ApiKey.AddPartitionsToTxn, txn.handleAddPartitionsToTxn],
  [ApiKey.AddOffsetsToTxn, txn.handleAddOffsetsToTxn],
  [ApiKey.EndTxn, txn.handleEndTxn],
  [ApiKey.TxnOffsetCommit, txn.handleTxnOffsetCommit],
  [ApiKey.ElectLeaders, handleElectLeaders],
  [ApiKey.AlterPartitionReassignments, handleAlterPartitionReassignments],
  [ApiKey.ListPartitionReassignments, handleListPartitionReassignments],
  [ApiKey.DescribeClientQuotas, handleDescribeClientQuotas],
  [ApiKey.AlterClientQuotas, handleAlterClientQuotas],
  [ApiKey.DescribeTransactions, handleDescribeTransactions],
  [ApiKey.ListTransactions, handleListTransactions],
  [ApiKey.SaslHandshake, security.handleSaslHandshake],
  [ApiKey.SaslAuthenticate, security.handleSaslAuthenticate],
  [ApiKey.DescribeAcls, security.handleDescribeAcls],
  [ApiKey.CreateAcls, security.handleCreateAcls],
  [ApiKey.DeleteAcls, security.handleDeleteAcls],
  [ApiKey.DescribeUserScramCredentials, security.handleDescribeUserScramCredentials],
  [ApiKey.AlterUserScramCredentials, security.handleAlterUserScramCredentials],
]);
