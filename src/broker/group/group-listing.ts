import * as E from './error-codes.ts';
import type { ClassicGroup } from './group.ts';
import type { DescribedGroup, DescribeGroupsRequest, ListedGroup, ListGroupsRequest } from './messages.ts';

/** The only group type this coordinator runs (ListGroups v5 GroupType). */
const GROUP_TYPE = 'classic';
/** DescribeGroups AuthorizedOperations when the client did not ask for them. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;
/**
 * Without an authorizer every operation a group supports is allowed: READ (3), DELETE (6) and
 * DESCRIBE (8) as bits of Kafka's AclOperation codes.
 */
const ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

/** ListGroups: every live group, optionally filtered by state (v4) and type (v5), case-insensitively. */
export function listGroups(groups: Iterable<ClassicGroup>, req: ListGroupsRequest): ListedGroup[] {
  const states = new Set((req.statesFilter ?? []).map((s) => s.toLowerCase()));
  const types = new Set((req.typesFilter ?? []).map((s) => s.toLowerCase()));
  if (types.size > 0 && !types.has(GROUP_TYPE)) return [];
  const out: ListedGroup[] = [];
  for (const g of groups) {
    if (g.is('Dead')) continue;
    if (states.size > 0 && !states.has(g.state.toLowerCase())) continue;
    out.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state, groupType: GROUP_TYPE });
  }
  return out;
}

/**
 * DescribeGroups: unknown groups are reported Dead without error, as Kafka does. Member metadata
 * and assignments are only shown once the group is Stable (before, they are in flux).
 */
export function describeGroups(groups: Map<string, ClassicGroup>, req: DescribeGroupsRequest, closed: boolean): DescribedGroup[] {
  const authorizedOperations = req.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED;
  return req.groups.map((groupId) => {
    const base: DescribedGroup = {
      errorCode: E.NONE,
      groupId,
      groupState: 'Dead',
      protocolType: '',
      protocolData: '',
      members: [],
      authorizedOperations,
    };
    if (closed) return { ...base, errorCode: E.COORDINATOR_NOT_AVAILABLE, groupState: '' };
    const g = groups.get(groupId);
    if (g === undefined) return base;
    const stable = g.is('Stable');
    const empty = Buffer.alloc(0);
    return {
      ...base,
      groupState: g.state,
      protocolType: g.protocolType ?? '',
      protocolData: stable ? (g.protocolName ?? '') : '',
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? m.metadata(g.protocolName) : empty,
        memberAssignment: stable ? m.assignment : empty,
      })),
    };
  });
}
