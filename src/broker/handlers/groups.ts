import type { RequestContext } from '../broker-context.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { AclOperation, CLUSTER_NAME, ResourceType } from '../security/acl/acl-types.ts';

// The classic group protocol: bodies go straight to the I/O-free GroupCoordinator, which
// answers in the shape of the requested version. Authorization happens here first (READ on the
// group for membership and commits, DESCRIBE to look, DELETE to delete; READ / DESCRIBE on each
// topic named), as KafkaApis does; denied parts never reach the coordinator.

const GROUP_DENIED = ErrorCode.GROUP_AUTHORIZATION_FAILED;
const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
const NOT_REQUESTED = -2147483648;

const groupAllowed = (ctx: RequestContext, operation: number, groupId: string): boolean => ctx.authz.authorize(operation, ResourceType.GROUP, groupId);

export function handleJoinGroup(ctx: RequestContext, req: any): object | Promise<object> {
  if (!groupAllowed(ctx, AclOperation.READ, req.groupId)) {
    return { throttleTimeMs: 0, errorCode: GROUP_DENIED, generationId: -1, protocolType: null, protocolName: ctx.apiVersion >= 7 ? null : '', leader: '', skipAssignment: false, memberId: req.memberId ?? '', members: [] };
  }
  return ctx.broker.groups.joinGroup(req, ctx.apiVersion, { clientId: ctx.clientId ?? '', clientHost: ctx.clientHost });
}

export function handleSyncGroup(ctx: RequestContext, req: any): object | Promise<object> {
  if (!groupAllowed(ctx, AclOperation.READ, req.groupId)) return { throttleTimeMs: 0, errorCode: GROUP_DENIED, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
  return ctx.broker.groups.syncGroup(req, ctx.apiVersion);
}

export function handleHeartbeat(ctx: RequestContext, req: any): object {
  if (!groupAllowed(ctx, AclOperation.READ, req.groupId)) return { throttleTimeMs: 0, errorCode: GROUP_DENIED };
  return ctx.broker.groups.heartbeat(req, ctx.apiVersion);
}

export function handleLeaveGroup(ctx: RequestContext, req: any): object {
  if (!groupAllowed(ctx, AclOperation.READ, req.groupId)) return { throttleTimeMs: 0, errorCode: GROUP_DENIED, members: [] };
  return ctx.broker.groups.leaveGroup(req, ctx.apiVersion);
}

type TopicPartitions = { name: string; partitions: Array<{ partitionIndex: number; errorCode?: number }> };

/** Splits a request's topics into those allowed and the answers of the denied ones. */
function splitTopics<T extends { name: string }>(ctx: RequestContext, operation: number, topics: T[], deny: (t: T) => object): { allowed: T[]; denied: object[] } {
  const ok = ctx.authz.filter(operation, ResourceType.TOPIC, topics.map((t) => t.name));
  return { allowed: topics.filter((t) => ok.has(t.name)), denied: topics.filter((t) => !ok.has(t.name)).map(deny) };
}

export function handleOffsetCommit(ctx: RequestContext, req: any): object {
  const every = (code: number) => (t: { name: string; partitions: Array<{ partitionIndex: number }> }) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) });
  if (!groupAllowed(ctx, AclOperation.READ, req.groupId)) return { throttleTimeMs: 0, topics: req.topics.map(every(GROUP_DENIED)) };
  const { allowed, denied } = splitTopics(ctx, AclOperation.READ, req.topics, every(TOPIC_DENIED));
  if (denied.length === 0) return ctx.broker.groups.offsetCommit(req, ctx.apiVersion);
  const answer = allowed.length > 0 ? (ctx.broker.groups.offsetCommit({ ...req, topics: allowed }, ctx.apiVersion) as { topics: TopicPartitions[] }) : { throttleTimeMs: 0, topics: [] };
  return { ...answer, topics: [...answer.topics, ...denied] };
}

/** One group's part of an OffsetFetch: DESCRIBE on the group, DESCRIBE on each topic. */
function fetchGroupOffsets(ctx: RequestContext, req: any, groupId: string, topics: Array<{ name: string; partitionIndexes: number[] }> | null): { errorCode: number; topics: TopicPartitions[] } {
  if (!groupAllowed(ctx, AclOperation.DESCRIBE, groupId)) return { errorCode: GROUP_DENIED, topics: [] };
  const deniedPartition = (p: number) => ({ partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: TOPIC_DENIED });
  const v8 = ctx.apiVersion >= 8;
  const ask = (wanted: typeof topics) => {
    const r = ctx.broker.groups.offsetFetch(v8 ? { ...req, groups: [{ ...req.groups.find((g: { groupId: string }) => g.groupId === groupId), topics: wanted }] } : { ...req, topics: wanted }, ctx.apiVersion) as any;
    return v8 ? { errorCode: r.groups[0].errorCode as number, topics: r.groups[0].topics as TopicPartitions[] } : { errorCode: (r.errorCode ?? ErrorCode.NONE) as number, topics: r.topics as TopicPartitions[] };
  };
  if (topics === null) {
    // All topics: those the principal may not DESCRIBE are left out.
    const all = ask(null);
    const ok = ctx.authz.filter(AclOperation.DESCRIBE, ResourceType.TOPIC, all.topics.map((t) => t.name));
    return { errorCode: all.errorCode, topics: all.topics.filter((t) => ok.has(t.name)) };
  }
  const { allowed, denied } = splitTopics(ctx, AclOperation.DESCRIBE, topics, (t) => ({ name: t.name, partitions: t.partitionIndexes.map(deniedPartition) }));
  const answer = allowed.length > 0 || denied.length === 0 ? ask(allowed) : { errorCode: ErrorCode.NONE, topics: [] };
  return { errorCode: answer.errorCode, topics: [...answer.topics, ...(denied as TopicPartitions[])] };
}

export function handleOffsetFetch(ctx: RequestContext, req: any): object {
  if (!ctx.authz.enabled) return ctx.broker.groups.offsetFetch(req, ctx.apiVersion);
  if (ctx.apiVersion >= 8) {
    return { throttleTimeMs: 0, groups: req.groups.map((g: { groupId: string; topics: Array<{ name: string; partitionIndexes: number[] }> | null }) => ({ groupId: g.groupId, ...fetchGroupOffsets(ctx, req, g.groupId, g.topics) })) };
  }
  const r = fetchGroupOffsets(ctx, req, req.groupId, req.topics);
  return { throttleTimeMs: 0, errorCode: r.errorCode, topics: r.topics };
}

export function handleListGroups(ctx: RequestContext, req: any): object {
  const answer = ctx.broker.groups.listGroups(req, ctx.apiVersion) as { groups: Array<{ groupId: string }> };
  if (ctx.authz.authorize(AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME, { log: false })) return answer;
  return { ...answer, groups: answer.groups.filter((g) => ctx.authz.authorize(AclOperation.DESCRIBE, ResourceType.GROUP, g.groupId, { log: false })) };
}

export function handleDescribeGroups(ctx: RequestContext, req: any): object {
  const answer = ctx.broker.groups.describeGroups(req, ctx.apiVersion) as { groups: Array<{ groupId: string; authorizedOperations?: number }> };
  const withOps = ctx.apiVersion >= 3 && req.includeAuthorizedOperations === true;
  return {
    ...answer,
    groups: answer.groups.map((g) =>
      groupAllowed(ctx, AclOperation.DESCRIBE, g.groupId)
        ? { ...g, authorizedOperations: withOps ? ctx.authz.authorizedOperations(ResourceType.GROUP, g.groupId) : NOT_REQUESTED }
        : { errorCode: GROUP_DENIED, groupId: g.groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: NOT_REQUESTED },
    ),
  };
}

export function handleDeleteGroups(ctx: RequestContext, req: any): object {
  const ok = ctx.authz.filter(AclOperation.DELETE, ResourceType.GROUP, req.groupsNames as string[]);
  const allowed = (req.groupsNames as string[]).filter((g) => ok.has(g));
  const answer = (allowed.length > 0 ? ctx.broker.groups.deleteGroups({ ...req, groupsNames: allowed }, ctx.apiVersion) : { throttleTimeMs: 0, results: [] }) as { results: Array<{ groupId: string; errorCode: number }> };
  const denied = (req.groupsNames as string[]).filter((g) => !ok.has(g)).map((groupId) => ({ groupId, errorCode: GROUP_DENIED }));
  return { ...answer, results: [...answer.results, ...denied] };
}

export function handleOffsetDelete(ctx: RequestContext, req: any): object {
  if (!groupAllowed(ctx, AclOperation.DELETE, req.groupId)) return { errorCode: GROUP_DENIED, throttleTimeMs: 0, topics: [] };
  const every = (t: { name: string; partitions: Array<{ partitionIndex: number }> }) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: TOPIC_DENIED })) });
  const { allowed, denied } = splitTopics(ctx, AclOperation.READ, req.topics, every);
  if (denied.length === 0) return ctx.broker.groups.offsetDelete(req);
  const answer = (allowed.length > 0 ? ctx.broker.groups.offsetDelete({ ...req, topics: allowed }) : { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics: [] }) as { topics: object[] };
  return { ...answer, topics: [...answer.topics, ...denied] };
}
