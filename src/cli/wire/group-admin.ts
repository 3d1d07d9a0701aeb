import { ApiKey } from '../../protocol/api-keys.ts';
import type { DescribeGroupsResponse } from '../../protocol/messages/describe-groups.ts';
import type { BrokerConnection } from './broker-connection.ts';
import type { ClusterClient } from './cluster-client.ts';
import { BrokerRequestError } from './wire-errors.ts';

export interface ListedGroup {
  groupId: string;
  /** Empty when the broker is older than ListGroups v4 (which added the state). */
  state: string;
  protocolType: string;
}

/** Every group the cluster knows: ListGroups asks one broker about the groups it coordinates, so every broker is asked. */
export async function listGroups(cluster: ClusterClient): Promise<ListedGroup[]> {
  const { brokers } = await cluster.metadata([]);
  const answers = await Promise.all(
    brokers.map(async (b) => {
      const response = await (await cluster.node(b.nodeId)).request(ApiKey.ListGroups, { statesFilter: [], typesFilter: [] });
      if (response.errorCode !== 0) throw new BrokerRequestError('ListGroups', response.errorCode, null, `broker ${b.nodeId}`);
      return response.groups;
    }),
  );
  const byId = new Map<string, ListedGroup>();
  for (const g of answers.flat()) byId.set(g.groupId, { groupId: g.groupId, state: g.groupState, protocolType: g.protocolType });
  return [...byId.values()];
}

/** Errors that say "ask again (maybe elsewhere) in a moment": the coordinator moved or is loading. */
const COORDINATOR_RETRIABLE = new Set([14 /* COORDINATOR_LOAD_IN_PROGRESS */, 15 /* COORDINATOR_NOT_AVAILABLE */, 16 /* NOT_COORDINATOR */]);
const ATTEMPTS = 5;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` on the connection to the group's coordinator (FindCoordinator, key type GROUP), looking
 * it up again when the answer says it moved or is still loading (a few times, with a growing pause).
 */
async function onCoordinator<T>(cluster: ClusterClient, groupId: string, fn: (coordinator: BrokerConnection) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(await findCoordinator(cluster, groupId));
    } catch (err) {
      if (!(err instanceof BrokerRequestError && COORDINATOR_RETRIABLE.has(err.errorCode)) || attempt >= ATTEMPTS) throw err;
      await pause(200 * attempt);
    }
  }
}

async function findCoordinator(cluster: ClusterClient, groupId: string): Promise<BrokerConnection> {
  const any = await cluster.any();
  // v0-3 carry one key, v4+ a list: both are filled, the codec writes what the version has.
  const response = await any.request(ApiKey.FindCoordinator, { key: groupId, keyType: 0, coordinatorKeys: [groupId] });
  const found = any.version(ApiKey.FindCoordinator) >= 4 ? response.coordinators.find((c) => c.key === groupId) : response;
  if (found === undefined) throw new BrokerRequestError('FindCoordinator', -1, 'the broker did not answer for the group', `group "${groupId}"`);
  if (found.errorCode !== 0) throw new BrokerRequestError('FindCoordinator', found.errorCode, found.errorMessage, `group "${groupId}"`);
  return cluster.broker(found.nodeId, found.host, found.port);
}

export type DescribedGroup = DescribeGroupsResponse['groups'][number];

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** -1 when the group has no offset for the partition. */
  offset: bigint;
}

/** A group as its coordinator describes it, and every offset it committed (DescribeGroups, then OffsetFetch of all topics). */
export async function describeGroup(cluster: ClusterClient, groupId: string): Promise<{ group: DescribedGroup; committed: CommittedOffset[] }> {
  return onCoordinator(cluster, groupId, async (coordinator) => {
    const { groups } = await coordinator.request(ApiKey.DescribeGroups, { groups: [groupId], includeAuthorizedOperations: false });
    const group = groups.find((g) => g.groupId === groupId);
    if (group === undefined) throw new BrokerRequestError('DescribeGroups', -1, 'the broker did not answer for the group', `group "${groupId}"`);
    if (group.errorCode !== 0) throw new BrokerRequestError('DescribeGroups', group.errorCode, null, `group "${groupId}"`);
    return { group, committed: await committedOffsets(coordinator, groupId) };
  });
}

async function committedOffsets(coordinator: BrokerConnection, groupId: string): Promise<CommittedOffset[]> {
  // topics null: every partition the group has an offset for. v0-7 name one group, v8+ a list.
  const response = await coordinator.request(ApiKey.OffsetFetch, {
    groupId,
    topics: null,
    groups: [{ groupId, memberId: null, memberEpoch: -1, topics: null }],
    requireStable: false,
  });
  const answer = coordinator.version(ApiKey.OffsetFetch) >= 8 ? response.groups.find((g) => g.groupId === groupId) : response;
  if (answer === undefined) throw new BrokerRequestError('OffsetFetch', -1, 'the broker did not answer for the group', `group "${groupId}"`);
  if (answer.errorCode !== 0) throw new BrokerRequestError('OffsetFetch', answer.errorCode, null, `group "${groupId}"`);
  return answer.topics.flatMap((t) =>
    t.partitions.map((p) => {
      if (p.errorCode !== 0) throw new BrokerRequestError('OffsetFetch', p.errorCode, null, `${t.name}-${p.partitionIndex}`);
      return { topic: t.name, partition: p.partitionIndex, offset: p.committedOffset };
    }),
  );
}
