import { randomUUID } from 'node:crypto';
import * as E from './error-codes.ts';
import type { ClassicGroup } from './group.ts';
import { Member, type Waiter } from './member.ts';
import type { ClientInfo, JoinGroupRequest, JoinGroupResponse } from './messages.ts';
import type { Rebalancer } from './rebalance.ts';
import { joinError, joinResponse } from './responses.ts';

/** JoinGroup v4+ hands a new dynamic member its id first and asks it to come back (KIP-394). */
const FIRST_VERSION_REQUIRING_MEMBER_ID = 4;
/** JoinGroup v9+ can tell a rejoining static leader to keep its assignment (KIP-814). */
const FIRST_VERSION_SKIPPING_ASSIGNMENT = 9;

/** A JoinGroup with timeouts already validated and rebalanceTimeoutMs resolved. */
export interface NormalizedJoin extends JoinGroupRequest {
  rebalanceTimeoutMs: number;
  groupInstanceId: string | null;
}

/**
 * Handles a JoinGroup against an existing (possibly just created) group. Resolves when the join
 * phase completes, or at once for errors and MEMBER_ID_REQUIRED.
 */
export function joinGroup(
  rb: Rebalancer,
  group: ClassicGroup,
  req: NormalizedJoin,
  version: number,
  client: ClientInfo,
): Promise<JoinGroupResponse> {
  return new Promise((resolve) => {
    const waiter: Waiter<JoinGroupResponse> = { version, resolve };
    if (!acceptJoiningMember(rb, group, req.memberId)) {
      resolve(joinError(version, E.GROUP_MAX_SIZE_REACHED, ''));
    } else if (req.memberId === '') {
      joinNewMember(rb, group, req, client, waiter);
    } else {
      joinExistingMember(rb, group, req, client, waiter);
    }
  });
}

function acceptJoiningMember(rb: Rebalancer, group: ClassicGroup, memberId: string): boolean {
  const max = rb.config.groupMaxSize;
  switch (group.state) {
    case 'Empty':
    case 'Dead':
      return true;
    case 'PreparingRebalance':
      return (group.members.get(memberId)?.isAwaitingJoin ?? false) || group.numAwaitingJoin() < max;
    default:
      return group.has(memberId) || group.members.size < max;
  }
}

function joinNewMember(rb: Rebalancer, group: ClassicGroup, req: NormalizedJoin, client: ClientInfo, w: Waiter<JoinGroupResponse>): void {
  if (group.is('Dead')) return w.resolve(joinError(w.version, E.COORDINATOR_NOT_AVAILABLE, ''));
  if (!group.supportsProtocols(req.protocolType, req.protocols)) {
    return w.resolve(joinError(w.version, E.INCONSISTENT_GROUP_PROTOCOL, ''));
  }
  const newMemberId = `${req.groupInstanceId ?? client.clientId}-${randomUUID()}`;
  if (req.groupInstanceId !== null) {
    const existing = group.staticMembers.get(req.groupInstanceId);
    if (existing !== undefined) return replaceStaticMember(rb, group, req, existing, newMemberId, w);
    return addMemberAndRebalance(rb, group, req, client, newMemberId, w);
  }
  if (w.version >= FIRST_VERSION_REQUIRING_MEMBER_ID) {
    // The id is only good if the member comes back with it within its session timeout.
    group.pendingJoinMembers.set(newMemberId, rb.after(req.sessionTimeoutMs));
    return w.resolve(joinError(w.version, E.MEMBER_ID_REQUIRED, newMemberId));
  }
  addMemberAndRebalance(rb, group, req, client, newMemberId, w);
}

function joinExistingMember(rb: Rebalancer, group: ClassicGroup, req: NormalizedJoin, client: ClientInfo, w: Waiter<JoinGroupResponse>): void {
  const memberId = req.memberId;
  if (group.is('Dead')) return w.resolve(joinError(w.version, E.COORDINATOR_NOT_AVAILABLE, memberId));
  if (!group.supportsProtocols(req.protocolType, req.protocols)) {
    return w.resolve(joinError(w.version, E.INCONSISTENT_GROUP_PROTOCOL, memberId));
  }
  if (req.groupInstanceId === null && group.pendingJoinMembers.has(memberId)) {
    return addMemberAndRebalance(rb, group, req, client, memberId, w);
  }
  const err = group.validateMember(memberId, req.groupInstanceId);
  if (err !== E.NONE) return w.resolve(joinError(w.version, err, memberId));

  const member = group.member(memberId);
  const current = (members: ReturnType<ClassicGroup['joinResponseMembers']>) =>
    joinResponse(w.version, {
      members,
      memberId,
      generationId: group.generationId,
      protocolName: group.protocolName,
      protocolType: group.protocolType,
      leader: group.leaderId ?? '',
    });
  switch (group.state) {
    case 'PreparingRebalance':
      return updateMemberAndRebalance(rb, group, member, req, w);
    case 'CompletingRebalance':
      // Same metadata: it probably missed its JoinGroup answer; repeat it.
      if (member.matches(req.protocols)) {
        return w.resolve(current(group.isLeader(memberId) ? group.joinResponseMembers() : []));
      }
      return updateMemberAndRebalance(rb, group, member, req, w);
    case 'Stable':
      // A rejoining leader forces a rebalance: it may know of changes (new partitions) that
      // do not show in the metadata. Followers only do when their metadata changed.
      if (group.isLeader(memberId) || !member.matches(req.protocols)) {
        return updateMemberAndRebalance(rb, group, member, req, w);
      }
      return w.resolve(current([]));
    default:
      return w.resolve(joinError(w.version, E.UNKNOWN_MEMBER_ID, memberId));
  }
}

function addMemberAndRebalance(
  rb: Rebalancer,
  group: ClassicGroup,
  req: NormalizedJoin,
  client: ClientInfo,
  memberId: string,
  w: Waiter<JoinGroupResponse>,
): void {
  const member = new Member({
    memberId,
    groupInstanceId: req.groupInstanceId,
    clientId: client.clientId,
    clientHost: client.clientHost,
    rebalanceTimeoutMs: req.rebalanceTimeoutMs,
    sessionTimeoutMs: req.sessionTimeoutMs,
    protocolType: req.protocolType,
    protocols: req.protocols,
  });
  member.isNew = true;
  member.joinWaiter = w;
  if (group.is('PreparingRebalance') && group.previousState === 'Empty') group.newMemberAdded = true;
  group.add(member);
  // It cannot heartbeat before its first answer, and a client that gave up would leave a
  // defunct member behind: bound the wait.
  rb.resetHeartbeat(member, rb.config.newMemberJoinTimeoutMs);
  rb.maybePrepareRebalanceOrCompleteJoin(group);
}

function updateMemberAndRebalance(rb: Rebalancer, group: ClassicGroup, member: Member, req: NormalizedJoin, w: Waiter<JoinGroupResponse>): void {
  parkJoin(rb, member, w);
  group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs);
  rb.maybePrepareRebalanceOrCompleteJoin(group);
}

/** A second JoinGroup replaces the first; the first is answered so no request hangs forever. */
function parkJoin(rb: Rebalancer, member: Member, w: Waiter<JoinGroupResponse>): void {
  rb.completeJoin(member, { errorCode: E.REBALANCE_IN_PROGRESS, memberId: member.memberId });
  member.joinWaiter = w;
}

/**
 * A static member came back without its member id (a restarted process with the same
 * group.instance.id): it takes over the old member id's place, assignment and leadership. The
 * old id is fenced. No rebalance unless its protocols change the group's selected protocol, as in
 * Kafka: a restarted process's metadata differs anyway (a new pid, cooperative-sticky's owned
 * partitions and generation), and the leader sees the new metadata at the next rebalance.
 */
function replaceStaticMember(
  rb: Rebalancer,
  group: ClassicGroup,
  req: NormalizedJoin,
  oldMemberId: string,
  newMemberId: string,
  w: Waiter<JoinGroupResponse>,
): void {
  const instanceId = req.groupInstanceId!;
  const member = group.member(oldMemberId);
  const oldLeader = group.leaderId;
  // Whoever still uses the old id is a zombie: fence its parked requests.
  rb.completeJoin(member, { errorCode: E.FENCED_INSTANCE_ID, memberId: oldMemberId });
  rb.failSync(member, E.FENCED_INSTANCE_ID);
  const old = { protocols: member.protocols, rebalanceTimeoutMs: member.rebalanceTimeoutMs, sessionTimeoutMs: member.sessionTimeoutMs };
  group.rekeyStaticMember(instanceId, oldMemberId, newMemberId);
  // The new id belongs to a known member: its parked join keeps it alive like any rejoin.
  member.isNew = false;
  rb.resetHeartbeat(member);
  group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs);
  member.joinWaiter = w;

  if (group.is('Stable')) {
    if (group.protocolName !== group.selectProtocol()) return rb.maybePrepareRebalanceOrCompleteJoin(group);
    if (!rb.config.persist(group)) {
      // Could not record the new id: undo, the client will retry.
      member.joinWaiter = null;
      group.updateMember(member, old.protocols, old.rebalanceTimeoutMs, old.sessionTimeoutMs);
      group.rekeyStaticMember(instanceId, newMemberId, oldMemberId);
      return w.resolve(joinError(w.version, E.COORDINATOR_NOT_AVAILABLE, ''));
    }
    if (w.version >= FIRST_VERSION_SKIPPING_ASSIGNMENT) {
      const isLeader = group.isLeader(newMemberId);
      return rb.completeJoin(member, {
        members: isLeader ? group.joinResponseMembers() : [],
        memberId: newMemberId,
        generationId: group.generationId,
        protocolName: group.protocolName,
        protocolType: group.protocolType,
        leader: group.leaderId ?? '',
        skipAssignment: isLeader,
      });
    }
    // Older clients would recompute the assignment if told they lead: name the old id instead.
    return rb.completeJoin(member, {
      memberId: newMemberId,
      generationId: group.generationId,
      protocolName: group.protocolName,
      protocolType: group.protocolType,
      leader: oldLeader ?? '',
    });
  }
  if (group.is('CompletingRebalance')) {
    // The leader may be computing an assignment for the old id: start over.
    return rb.prepareRebalance(group);
  }
  rb.maybeCompleteJoinPhase(group);
}
