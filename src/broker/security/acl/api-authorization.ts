import { ApiKey } from '../../../protocol/api-keys.ts';
import type { ErrorCodeName } from '../../../protocol/error-codes.ts';
import type { AclOperationName, ResourceTypeName } from './acl-types.ts';

/** One authorization check a request makes. */
export interface AclCheck {
  readonly operation: AclOperationName;
  readonly resource: ResourceTypeName;
  /** Which resource names are checked, e.g. 'each topic', 'the group id', 'kafka-cluster'. */
  readonly on: string;
  /** When the check applies (omitted: always). */
  readonly when?: string;
  /** What a denial answers. */
  readonly denied: ErrorCodeName | 'left out' | 'none';
  /** Where the error goes, e.g. 'per partition', 'whole request'. */
  readonly scope?: string;
  /** This check is an alternative to the previous one: either allows. */
  readonly orPrevious?: boolean;
  /** Kafka makes this check without an audit-log entry on denial. */
  readonly silent?: boolean;
}

/** What one API key requires, as Kafka's KafkaApis checks it. */
export interface ApiAuthorization {
  readonly apiKey: number;
  readonly api: string;
  readonly checks: readonly AclCheck[];
  readonly note?: string;
}

const topics = (operation: AclOperationName, extra: Partial<AclCheck> = {}): AclCheck => ({
  operation,
  resource: 'TOPIC',
  on: 'each topic',
  denied: 'TOPIC_AUTHORIZATION_FAILED',
  scope: 'per partition',
  ...extra,
});
const group = (operation: AclOperationName, extra: Partial<AclCheck> = {}): AclCheck => ({
  operation,
  resource: 'GROUP',
  on: 'the group id',
  denied: 'GROUP_AUTHORIZATION_FAILED',
  scope: 'whole request',
  ...extra,
});
const txnId = (extra: Partial<AclCheck> = {}): AclCheck => ({
  operation: 'WRITE',
  resource: 'TRANSACTIONAL_ID',
  on: 'the transactional id',
  denied: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  scope: 'whole request',
  ...extra,
});
const cluster = (operation: AclOperationName, extra: Partial<AclCheck> = {}): AclCheck => ({
  operation,
  resource: 'CLUSTER',
  on: 'kafka-cluster',
  denied: 'CLUSTER_AUTHORIZATION_FAILED',
  scope: 'whole request',
  ...extra,
});
const configs = (operation: AclOperationName): AclCheck[] => [
  { operation, resource: 'TOPIC', on: 'each TOPIC resource', denied: 'TOPIC_AUTHORIZATION_FAILED', scope: 'per resource' },
  { operation, resource: 'CLUSTER', on: 'kafka-cluster, for each BROKER or BROKER_LOGGER resource', denied: 'CLUSTER_AUTHORIZATION_FAILED', scope: 'per resource' },
  { operation, resource: 'GROUP', on: 'each GROUP resource', denied: 'GROUP_AUTHORIZATION_FAILED', scope: 'per resource' },
];

/**
 * Per API key, what a request must be authorized for, checked against Kafka's KafkaApis,
 * AuthHelper, AclApis and ConfigHelper (apache/kafka 3.9 line). `docs/security.md` renders this
 * table; a test keeps it covering every API the broker advertises.
 */
export const API_AUTHORIZATION: readonly ApiAuthorization[] = [
  {
    apiKey: ApiKey.Produce,
    api: 'Produce',
    checks: [txnId({ when: 'the records are transactional (checked first)' }), topics('WRITE')],
    note: 'Idempotent producers need nothing more here: InitProducerId checked them.',
  },
  {
    apiKey: ApiKey.Fetch,
    api: 'Fetch',
    checks: [
      topics('READ', { when: 'a consumer (replica id < 0)' }),
      cluster('CLUSTER_ACTION', { when: 'a follower (replica id >= 0)', denied: 'TOPIC_AUTHORIZATION_FAILED', scope: 'every partition' }),
    ],
  },
  { apiKey: ApiKey.ListOffsets, api: 'ListOffsets', checks: [topics('DESCRIBE')] },
  {
    apiKey: ApiKey.Metadata,
    api: 'Metadata',
    checks: [
      topics('DESCRIBE', { on: 'each topic asked for', scope: 'per topic' }),
      topics('DESCRIBE', { on: 'every topic, when all topics are asked for', denied: 'left out', scope: 'per topic', silent: true }),
      cluster('CREATE', { when: 'auto-creating missing topics', denied: 'none', silent: true }),
      topics('CREATE', { on: 'each missing topic', orPrevious: true, scope: 'per topic' }),
      cluster('DESCRIBE', { when: 'v8-v10 with includeClusterAuthorizedOperations', denied: 'none', scope: 'clusterAuthorizedOperations = 0' }),
    ],
    note: 'Topics a principal may not DESCRIBE are left out of an all-topics answer, so their existence is not disclosed.',
  },
  { apiKey: ApiKey.OffsetCommit, api: 'OffsetCommit', checks: [group('READ', { scope: 'every partition' }), topics('READ')] },
  {
    apiKey: ApiKey.OffsetFetch,
    api: 'OffsetFetch',
    checks: [
      group('DESCRIBE', { on: 'each group id', scope: 'per group (v8+), whole request before' }),
      topics('DESCRIBE', { on: 'each topic asked for' }),
      topics('DESCRIBE', { on: 'each topic with offsets, when all are asked for', denied: 'left out', scope: 'per topic' }),
    ],
  },
  {
    apiKey: ApiKey.FindCoordinator,
    api: 'FindCoordinator',
    checks: [
      group('DESCRIBE', { on: 'each key', when: 'key type GROUP', scope: 'per key (v4+), whole request before' }),
      { operation: 'DESCRIBE', resource: 'TRANSACTIONAL_ID', on: 'each key', when: 'key type TRANSACTION', denied: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', scope: 'per key (v4+), whole request before' },
    ],
  },
  { apiKey: ApiKey.JoinGroup, api: 'JoinGroup', checks: [group('READ')] },
  { apiKey: ApiKey.Heartbeat, api: 'Heartbeat', checks: [group('READ')] },
  { apiKey: ApiKey.LeaveGroup, api: 'LeaveGroup', checks: [group('READ')] },
  { apiKey: ApiKey.SyncGroup, api: 'SyncGroup', checks: [group('READ')] },
  {
    apiKey: ApiKey.DescribeGroups,
    api: 'DescribeGroups',
    checks: [group('DESCRIBE', { on: 'each group id', scope: 'per group' })],
    note: 'v3+ with includeAuthorizedOperations: the group\'s authorized-operations bit field.',
  },
  {
    apiKey: ApiKey.ListGroups,
    api: 'ListGroups',
    checks: [cluster('DESCRIBE', { denied: 'none', silent: true, scope: 'lists every group' }), group('DESCRIBE', { on: 'each group', orPrevious: true, denied: 'left out', scope: 'per group', silent: true })],
  },
  { apiKey: ApiKey.SaslHandshake, api: 'SaslHandshake', checks: [], note: 'Authentication; served before it (ILLEGAL_SASL_STATE on listeners without SASL).' },
  { apiKey: ApiKey.ApiVersions, api: 'ApiVersions', checks: [], note: 'Served before authentication.' },
  {
    apiKey: ApiKey.CreateTopics,
    api: 'CreateTopics',
    checks: [
      cluster('CREATE', { denied: 'none', silent: true, scope: 'allows every topic' }),
      topics('CREATE', { orPrevious: true, scope: 'per topic' }),
      topics('DESCRIBE_CONFIGS', { scope: 'topicConfigErrorCode, configs not returned', silent: true }),
    ],
  },
  {
    apiKey: ApiKey.DeleteTopics,
    api: 'DeleteTopics',
    checks: [topics('DELETE', { scope: 'per topic' }), topics('DESCRIBE', { when: 'named by topic id', scope: 'per topic, name not returned' })],
  },
  { apiKey: ApiKey.DeleteRecords, api: 'DeleteRecords', checks: [topics('DELETE')] },
  {
    apiKey: ApiKey.InitProducerId,
    api: 'InitProducerId',
    checks: [
      txnId({ when: 'a transactional id is given' }),
      cluster('IDEMPOTENT_WRITE', { when: 'no transactional id (idempotent producer)', silent: true }),
      { operation: 'WRITE', resource: 'TOPIC', on: 'any topic (authorizeByResourceType)', when: 'no transactional id (idempotent producer)', orPrevious: true, denied: 'CLUSTER_AUTHORIZATION_FAILED', scope: 'whole request' },
    ],
  },
  {
    apiKey: ApiKey.OffsetForLeaderEpoch,
    api: 'OffsetForLeaderEpoch',
    checks: [cluster('CLUSTER_ACTION', { denied: 'none', silent: true, scope: 'allows every topic' }), topics('DESCRIBE', { orPrevious: true })],
  },
  {
    apiKey: ApiKey.AddPartitionsToTxn,
    api: 'AddPartitionsToTxn',
    checks: [
      txnId({ when: 'v0-v3 (clients)', scope: 'per transaction' }),
      topics('WRITE', { when: 'v0-v3 (clients)', scope: 'per partition; the others get OPERATION_NOT_ATTEMPTED' }),
      cluster('CLUSTER_ACTION', { when: 'v4+ (broker to broker)' }),
    ],
  },
  { apiKey: ApiKey.AddOffsetsToTxn, api: 'AddOffsetsToTxn', checks: [txnId(), group('READ')] },
  { apiKey: ApiKey.EndTxn, api: 'EndTxn', checks: [txnId()] },
  { apiKey: ApiKey.TxnOffsetCommit, api: 'TxnOffsetCommit', checks: [txnId({ scope: 'every partition' }), group('READ', { scope: 'every partition' }), topics('READ')] },
  {
    apiKey: ApiKey.DescribeAcls,
    api: 'DescribeAcls',
    checks: [cluster('DESCRIBE')],
    note: 'Without an authorizer: SECURITY_DISABLED.',
  },
  { apiKey: ApiKey.CreateAcls, api: 'CreateAcls', checks: [cluster('ALTER', { scope: 'every creation' })], note: 'Without an authorizer: SECURITY_DISABLED.' },
  { apiKey: ApiKey.DeleteAcls, api: 'DeleteAcls', checks: [cluster('ALTER', { scope: 'every filter' })], note: 'Without an authorizer: SECURITY_DISABLED.' },
  { apiKey: ApiKey.DescribeConfigs, api: 'DescribeConfigs', checks: configs('DESCRIBE_CONFIGS') },
  { apiKey: ApiKey.AlterConfigs, api: 'AlterConfigs', checks: configs('ALTER_CONFIGS').slice(0, 2) },
  {
    apiKey: ApiKey.DescribeLogDirs,
    api: 'DescribeLogDirs',
    checks: [cluster('DESCRIBE')],
    note: 'Denied: v3+ answers CLUSTER_AUTHORIZATION_FAILED at the top, older versions an empty result list.',
  },
  { apiKey: ApiKey.SaslAuthenticate, api: 'SaslAuthenticate', checks: [], note: 'Authentication; served before it.' },
  { apiKey: ApiKey.CreatePartitions, api: 'CreatePartitions', checks: [topics('ALTER', { scope: 'per topic' })] },
  {
    apiKey: ApiKey.ElectLeaders,
    api: 'ElectLeaders',
    checks: [cluster('ALTER', { scope: 'whole request and every partition named' })],
  },
  { apiKey: ApiKey.AlterPartitionReassignments, api: 'AlterPartitionReassignments', checks: [cluster('ALTER', { scope: 'whole request and every partition' })] },
  { apiKey: ApiKey.ListPartitionReassignments, api: 'ListPartitionReassignments', checks: [cluster('DESCRIBE')] },
  { apiKey: ApiKey.DeleteGroups, api: 'DeleteGroups', checks: [group('DELETE', { on: 'each group id', scope: 'per group' })] },
  { apiKey: ApiKey.IncrementalAlterConfigs, api: 'IncrementalAlterConfigs', checks: configs('ALTER_CONFIGS') },
  { apiKey: 47, api: 'OffsetDelete', checks: [group('DELETE'), topics('READ')] },
  { apiKey: ApiKey.DescribeClientQuotas, api: 'DescribeClientQuotas', checks: [cluster('DESCRIBE_CONFIGS')] },
  { apiKey: ApiKey.AlterClientQuotas, api: 'AlterClientQuotas', checks: [cluster('ALTER_CONFIGS', { scope: 'every entry' })] },
  { apiKey: ApiKey.DescribeTransactions, api: 'DescribeTransactions', checks: [{ operation: 'DESCRIBE', resource: 'TRANSACTIONAL_ID', on: 'each transactional id', denied: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', scope: 'per transactional id' }] },
  { apiKey: ApiKey.ListTransactions, api: 'ListTransactions', checks: [{ operation: 'DESCRIBE', resource: 'TRANSACTIONAL_ID', on: 'each transactional id', denied: 'left out', silent: true }] },
  { apiKey: ApiKey.DescribeUserScramCredentials, api: 'DescribeUserScramCredentials', checks: [cluster('DESCRIBE')] },
  { apiKey: ApiKey.AlterUserScramCredentials, api: 'AlterUserScramCredentials', checks: [cluster('ALTER', { scope: 'every user' })] },
  {
    apiKey: ApiKey.DescribeCluster,
    api: 'DescribeCluster',
    checks: [cluster('DESCRIBE', { when: 'includeClusterAuthorizedOperations', denied: 'none', scope: 'clusterAuthorizedOperations = 0' })],
    note: 'Otherwise open to every authenticated principal.',
  },
];

/** The row of an api key, or undefined. */
export function apiAuthorization(apiKey: number): ApiAuthorization | undefined {
  return API_AUTHORIZATION.find((row) => row.apiKey === apiKey);
}

/** The table as Markdown, as `docs/security.md` shows it: one line per check (alternatives joined by "or"). */
export function renderAuthorizationTable(): string {
  const lines = ['| Key | API | Must be allowed | When denied |', '| ---: | --- | --- | --- |'];
  for (const row of API_AUTHORIZATION) {
    const groups: AclCheck[][] = [];
    for (const c of row.checks) {
      if (c.orPrevious && groups.length > 0) groups.at(-1)!.push(c);
      else groups.push([c]);
    }
    const must = groups.map((g) => g.map((c) => `${c.operation} on ${c.resource} ${c.on}${c.when === undefined ? '' : `, if ${c.when}`}`).join(', or '));
    const denied = groups.map((g) => {
      const last = g.at(-1)!;
      return last.denied === 'none' ? '—' : `${last.denied}${last.scope === undefined ? '' : ` (${last.scope})`}`;
    });
    if (row.note !== undefined) must.push(`*${row.note}*`);
    lines.push(`| ${row.apiKey} | ${row.api} | ${must.length === 0 ? 'nothing' : must.join('<br>')} | ${denied.length === 0 ? '—' : denied.join('<br>')} |`);
  }
  return lines.join('\n');
}
