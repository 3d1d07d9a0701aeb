/**
 * Request and response bodies of the group APIs, named after Kafka's JSON message schemas
 * (`clients/src/main/resources/common/message/*.json`) in lowerCamelCase. The broker passes the
 * decoded body in and encodes what comes back; fields a version lacks arrive as their schema
 * default and are ignored by the encoder on the way out.
 */

export interface ClientInfo {
  clientId: string;
  clientHost: string;
}

// ---- JoinGroup (api key 11) ----

export interface JoinGroupRequestProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  /** -1 (absent before v1) means "use sessionTimeoutMs". */
  rebalanceTimeoutMs?: number;
  memberId: string;
  groupInstanceId?: string | null;
  protocolType: string;
  protocols: JoinGroupRequestProtocol[];
  reason?: string | null;
}

export interface JoinGroupResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  generationId: number;
  /** v7+; null when unknown. */
  protocolType: string | null;
  /** Nullable from v7; older versions get ''. */
  protocolName: string | null;
  leader: string;
  /** v9+: the (static) leader must not recompute the assignment. */
  skipAssignment: boolean;
  memberId: string;
  members: JoinGroupResponseMember[];
}

// ---- SyncGroup (api key 14) ----

export interface SyncGroupRequestAssignment {
  memberId: string;
  assignment: Buffer;
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
  /** v5+; null when not sent. */
  protocolType?: string | null;
  protocolName?: string | null;
  assignments: SyncGroupRequestAssignment[];
}

export interface SyncGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

// ---- Heartbeat (api key 12) ----

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
}

export interface HeartbeatResponse {
  throttleTimeMs: number;
  errorCode: number;
}

// ---- LeaveGroup (api key 13) ----

export interface LeaveGroupMemberIdentity {
  memberId: string;
  groupInstanceId?: string | null;
  reason?: string | null;
}

export interface LeaveGroupRequest {
  groupId: string;
  /** v0-v2. */
  memberId?: string;
  /** v3+. */
  members?: LeaveGroupMemberIdentity[];
}

export interface LeaveGroupMemberResponse {
  memberId: string;
  groupInstanceId: string | null;
  errorCode: number;
}

export interface LeaveGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  members: LeaveGroupMemberResponse[];
}

// ---- OffsetCommit (api key 8) ----

export interface OffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch?: number;
  /** v1 only. */
  commitTimestamp?: bigint | number;
  committedMetadata: string | null;
}

export interface OffsetCommitRequestTopic {
  name: string;
  partitions: OffsetCommitRequestPartition[];
}

export interface OffsetCommitRequest {
  groupId: string;
  /** Name in recent schemas (KIP-848). */
  generationIdOrMemberEpoch?: number;
  /** Name in older schemas; accepted as an alias. */
  generationId?: number;
  memberId?: string;
  groupInstanceId?: string | null;
  /** v2-v4; ignored (retention is a broker setting). */
  retentionTimeMs?: bigint | number;
  topics: OffsetCommitRequestTopic[];
}

export interface OffsetCommitResponsePartition {
  partitionIndex: number;
  errorCode: number;
}

export interface OffsetCommitResponseTopic {
  name: string;
  partitions: OffsetCommitResponsePartition[];
}

export interface OffsetCommitResponse {
  throttleTimeMs: number;
  topics: OffsetCommitResponseTopic[];
}

// ---- OffsetFetch (api key 9) ----

export interface OffsetFetchRequestTopic {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchRequestGroup {
  groupId: string;
  memberId?: string | null;
  memberEpoch?: number;
  /** null = every committed partition of the group. */
  topics: OffsetFetchRequestTopic[] | null;
}

export interface OffsetFetchRequest {
  /** v0-v7. */
  groupId?: string;
  /** v0-v7; null (v2+) = all. */
  topics?: OffsetFetchRequestTopic[] | null;
  /** v8+. */
  groups?: OffsetFetchRequestGroup[];
  /** v7+. */
  requireStable?: boolean;
}

export interface OffsetFetchResponsePartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponseTopic {
  name: string;
  partitions: OffsetFetchResponsePartition[];
}

export interface OffsetFetchResponseGroup {
  groupId: string;
  topics: OffsetFetchResponseTopic[];
  errorCode: number;
}

export interface OffsetFetchResponse {
  throttleTimeMs: number;
  /** v0-v7. */
  topics: OffsetFetchResponseTopic[];
  /** v2-v7. */
  errorCode: number;
  /** v8+. */
  groups: OffsetFetchResponseGroup[];
}

// ---- ListGroups (api key 16) ----

export interface ListGroupsRequest {
  /** v4+; empty = all states. */
  statesFilter?: string[];
  /** v5+; empty = all types. */
  typesFilter?: string[];
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: string;
  groupType: string;
}

export interface ListGroupsResponse {
  throttleTimeMs: number;
  errorCode: number;
  groups: ListedGroup[];
}

// ---- DescribeGroups (api key 15) ----

export interface DescribeGroupsRequest {
  groups: string[];
  includeAuthorizedOperations?: boolean;
}

export interface DescribedGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribedGroupMember[];
  authorizedOperations: number;
}

export interface DescribeGroupsResponse {
  throttleTimeMs: number;
  groups: DescribedGroup[];
}

// ---- DeleteGroups (api key 42) ----

export interface DeleteGroupsRequest {
  groupsNames: string[];
}

export interface DeletableGroupResult {
  groupId: string;
  errorCode: number;
}

export interface DeleteGroupsResponse {
  throttleTimeMs: number;
  results: DeletableGroupResult[];
}
