import { compileMessage, type CompiledMessage } from './schema/compile.ts';
import type { ApiSchema } from './schema/api.ts';
import { addOffsetsToTxnApi } from './messages/add-offsets-to-txn.ts';
import { addPartitionsToTxnApi } from './messages/add-partitions-to-txn.ts';
import { alterConfigsApi } from './messages/alter-configs.ts';
import { alterUserScramCredentialsApi } from './messages/alter-user-scram-credentials.ts';
import { apiVersionsApi } from './messages/api-versions.ts';
import { createAclsApi } from './messages/create-acls.ts';
import { createPartitionsApi } from './messages/create-partitions.ts';
import { createTopicsApi } from './messages/create-topics.ts';
import { deleteAclsApi } from './messages/delete-acls.ts';
import { deleteGroupsApi } from './messages/delete-groups.ts';
import { deleteRecordsApi } from './messages/delete-records.ts';
import { deleteTopicsApi } from './messages/delete-topics.ts';
import { describeAclsApi } from './messages/describe-acls.ts';
import { describeClusterApi } from './messages/describe-cluster.ts';
import { describeConfigsApi } from './messages/describe-configs.ts';
import { describeGroupsApi } from './messages/describe-groups.ts';
import { describeLogDirsApi } from './messages/describe-log-dirs.ts';
import { electLeadersApi } from './messages/elect-leaders.ts';
import { alterPartitionReassignmentsApi } from './messages/alter-partition-reassignments.ts';
import { listPartitionReassignmentsApi } from './messages/list-partition-reassignments.ts';
import { describeClientQuotasApi } from './messages/describe-client-quotas.ts';
import { alterClientQuotasApi } from './messages/alter-client-quotas.ts';
import { describeTransactionsApi } from './messages/describe-transactions.ts';
import { listTransactionsApi } from './messages/list-transactions.ts';
import { describeUserScramCredentialsApi } from './messages/describe-user-scram-credentials.ts';
import { endTxnApi } from './messages/end-txn.ts';
import { fetchApi } from './messages/fetch.ts';
import { findCoordinatorApi } from './messages/find-coordinator.ts';
import { heartbeatApi } from './messages/heartbeat.ts';
import { incrementalAlterConfigsApi } from './messages/incremental-alter-configs.ts';
import { initProducerIdApi } from './messages/init-producer-id.ts';
import { joinGroupApi } from './messages/join-group.ts';
import { leaveGroupApi } from './messages/leave-group.ts';
import { listGroupsApi } from './messages/list-groups.ts';
import { listOffsetsApi } from './messages/list-offsets.ts';
import { metadataApi } from './messages/metadata.ts';
import { offsetCommitApi } from './messages/offset-commit.ts';
import { offsetDeleteApi } from './messages/offset-delete.ts';
import { offsetFetchApi } from './messages/offset-fetch.ts';
import { offsetForLeaderEpochApi } from './messages/offset-for-leader-epoch.ts';
import { produceApi } from './messages/produce.ts';
import { saslAuthenticateApi } from './messages/sasl-authenticate.ts';
import { saslHandshakeApi } from './messages/sasl-handshake.ts';
import { syncGroupApi } from './messages/sync-group.ts';
import { txnOffsetCommitApi } from './messages/txn-offset-commit.ts';

/** Kafka api keys of the APIs this codec implements. */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  OffsetForLeaderEpoch: 23,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  TxnOffsetCommit: 28,
  DescribeAcls: 29,
  CreateAcls: 30,
  DeleteAcls: 31,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  DescribeLogDirs: 35,
  SaslAuthenticate: 36,
  CreatePartitions: 37,
  DeleteGroups: 42,
  ElectLeaders: 43,
  AlterPartitionReassignments: 45,
  ListPartitionReassignments: 46,
  OffsetDelete: 47,
  DescribeClientQuotas: 48,
  AlterClientQuotas: 49,
  IncrementalAlterConfigs: 44,
  DescribeUserScramCredentials: 50,
  AlterUserScramCredentials: 51,
  DescribeCluster: 60,
  DescribeTransactions: 65,
  ListTransactions: 66,
} as const;

export type ApiKeyName = keyof typeof ApiKey;

/** One supported API: version range, flexibility and compiled codecs. */
export interface ApiEntry {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First version whose request uses the flexible encoding (header v2), or null. */
  readonly flexibleFrom: number | null;
  readonly request: CompiledMessage;
  readonly response: CompiledMessage;
}

const SCHEMAS: readonly ApiSchema[] = [produceApi, fetchApi, listOffsetsApi, metadataApi, offsetCommitApi, offsetFetchApi, findCoordinatorApi, joinGroupApi, heartbeatApi, leaveGroupApi, syncGroupApi, describeGroupsApi, listGroupsApi, apiVersionsApi, createTopicsApi, deleteTopicsApi, deleteRecordsApi, initProducerIdApi, offsetForLeaderEpochApi, addPartitionsToTxnApi, addOffsetsToTxnApi, endTxnApi, txnOffsetCommitApi, describeConfigsApi, alterConfigsApi, createPartitionsApi, deleteGroupsApi, incrementalAlterConfigsApi, offsetDeleteApi, describeClusterApi, describeLogDirsApi, electLeadersApi, alterPartitionReassignmentsApi, listPartitionReassignmentsApi, describeClientQuotasApi, alterClientQuotasApi, describeTransactionsApi, listTransactionsApi];

/**
 * Security APIs (SASL, ACLs, SCRAM credentials). The codec knows them; the broker advertises an
 * API only once it has a handler for it (see `src/broker/handlers/api-versions.ts`).
 */
const SECURITY_SCHEMAS: readonly ApiSchema[] = [saslHandshakeApi, saslAuthenticateApi, describeAclsApi, createAclsApi, deleteAclsApi, describeUserScramCredentialsApi, alterUserScramCredentialsApi];

function entry(api: ApiSchema): ApiEntry {
  const request = compileMessage(api.request);
  const response = compileMessage(api.response);
  return {
    apiKey: api.apiKey,
    name: api.name,
    minVersion: request.minVersion,
    maxVersion: request.maxVersion,
    flexibleFrom: request.flexibleFrom,
    request,
    response,
  };
}

/** Supported APIs indexed by api key (sparse); compiled once, when this module loads. */
export const API_TABLE: readonly (ApiEntry | undefined)[] = (() => {
  const table: ApiEntry[] = [];
  for (const api of [...SCHEMAS, ...SECURITY_SCHEMAS]) table[api.apiKey] = entry(api);
  return table;
})();

/** The entry of an api key, or undefined when we do not implement it. */
export function getApi(apiKey: number): ApiEntry | undefined {
  return API_TABLE[apiKey];
}

/** Whether we implement this api key at this version. */
export function isSupported(apiKey: number, apiVersion: number): boolean {
  const api = API_TABLE[apiKey];
  return api !== undefined && apiVersion >= api.minVersion && apiVersion <= api.maxVersion;
}

/** The `apiKeys` array of an ApiVersions response: every API with the range we support. */
export function supportedApiVersions(): { apiKey: number; minVersion: number; maxVersion: number }[] {
  const out: { apiKey: number; minVersion: number; maxVersion: number }[] = [];
  for (const api of API_TABLE) {
    if (api !== undefined) out.push({ apiKey: api.apiKey, minVersion: api.minVersion, maxVersion: api.maxVersion });
  }
  return out;
}
