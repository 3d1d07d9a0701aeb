import * as E from './error-codes.ts';
import type { ClassicGroup } from './group.ts';
import type {
  HeartbeatRequest,
  LeaveGroupMemberIdentity,
  LeaveGroupMemberResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from './messages.ts';
import type { Rebalancer } from './rebalance.ts';
import { syncError, syncResponse } from './responses.ts';

/** SyncGroup: the leader hands in the assignment; everybody waits for their share. */
export function syncGroup(rb: Rebalancer, group: ClassicGroup | undefined, req: SyncGroupRequest, version: number): Promise<SyncGroupResponse> {
  return new Promise((resolve) => {
    if (group === undefined || group.is('Empty')) return resolve(syncError(E.UNKNOWN_MEMBER_ID));
    if (group.is('Dead')) return resolve(syncError(E.COORDINATOR_NOT_AVAILABLE));
    const err = group.validateMember(req.memberId, req.groupInstanceId);
    if (err !== E.NONE) return resolve(syncError(err));
    if (req.generationId !== group.generationId) return resolve(syncError(E.ILLEGAL_GENERATION));
    if (inconsistent(req.protocolType, group.protocolType) || inconsistent(req.protocolName, group.protocolName)) {
      return resolve(syncError(E.INCONSISTENT_GROUP_PROTOCOL));
    }
    const member = group.member(req.memberId);
    switch (group.state) {
      case 'PreparingRebalance':
        return resolve(syncError(E.REBALANCE_IN_PROGRESS));
      case 'Stable':
        removePendingSync(group, req.memberId);
        return resolve(
          syncResponse({ protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment }),
        );
      case 'CompletingRebalance': {
        // A duplicate SyncGroup replaces the first; answer the first so it does not hang.
        rb.failSync(member, E.REBALANCE_IN_PROGRESS);
        member.syncWaiter = { version, resolve };
        removePendingSync(group, req.memberId);
        if (!group.isLeader(req.memberId)) return;
        const assignments = new Map<string, Buffer>();
        for (const a of req.assignments) assignments.set(a.memberId, a.assignment);
        // Members the leader left out get an empty assignment (and are told so).
        for (const m of group.members.values()) m.assignment = assignments.get(m.memberId) ?? Buffer.alloc(0);
        if (rb.config.persist(group)) rb.setAndPropagateAssignment(group, assignments);
        else rb.failAssignment(group, E.COORDINATOR_NOT_AVAILABLE);
        return;
      }
    }
  });
}

/** Only checked when the client sent a value (SyncGroup v5+). */
function inconsistent(requested: string | null | undefined, actual: string | null): boolean {
  return requested != null && requested !== actual;
}

function removePendingSync(group: ClassicGroup, memberId: string): void {
  group.pendingSyncMembers.delete(memberId);
  if (group.pendingSyncMembers.size === 0) group.syncTimer = null;
}

/** Heartbeat: keeps the session alive and tells the member when it must rejoin. */
export function heartbeat(rb: Rebalancer, group: ClassicGroup | undefined, req: HeartbeatRequest): number {
  if (group === undefined) return E.UNKNOWN_MEMBER_ID;
  if (group.is('Dead')) return E.COORDINATOR_NOT_AVAILABLE;
  const err = group.validateMember(req.memberId, req.groupInstanceId);
  if (err !== E.NONE) return err;
  if (req.generationId !== group.generationId) return E.ILLEGAL_GENERATION;
  switch (group.state) {
    case 'Empty':
      return E.UNKNOWN_MEMBER_ID;
    case 'PreparingRebalance':
      rb.resetHeartbeat(group.member(req.memberId));
      return E.REBALANCE_IN_PROGRESS;
    default:
      // Heartbeats may start right after the JoinGroup answer, before SyncGroup.
      rb.resetHeartbeat(group.member(req.memberId));
      return E.NONE;
  }
}

/**
 * LeaveGroup for a batch of members (v0-v2 arrive as a batch of one). Members may be named by
 * group.instance.id alone (administrative removal of a static member).
 */
export function leaveGroup(
  rb: Rebalancer,
  group: ClassicGroup | undefined,
  members: LeaveGroupMemberIdentity[],
): { errorCode: number; members: LeaveGroupMemberResponse[] } {
  if (group === undefined) return { errorCode: E.UNKNOWN_MEMBER_ID, members: [] };
  if (group.is('Dead')) return { errorCode: E.COORDINATOR_NOT_AVAILABLE, members: [] };
  const out: LeaveGroupMemberResponse[] = [];
  let left = 0;
  for (const who of members) {
    const instanceId = who.groupInstanceId ?? null;
    const reply = (errorCode: number) => out.push({ memberId: who.memberId, groupInstanceId: instanceId, errorCode });
    if (who.memberId === '') {
      const id = instanceId === null ? undefined : group.staticMembers.get(instanceId);
      if (id === undefined) {
        reply(E.UNKNOWN_MEMBER_ID);
        continue;
      }
      removeLeaving(rb, group, id);
    } else if (group.pendingJoinMembers.has(who.memberId)) {
      group.remove(who.memberId);
    } else {
      const err = group.validateMember(who.memberId, instanceId);
      if (err !== E.NONE) {
        reply(err);
        continue;
      }
      removeLeaving(rb, group, who.memberId);
    }
    reply(E.NONE);
    left++;
  }
  if (left > 0) {
    if (group.is('Stable') || group.is('CompletingRebalance')) rb.maybePrepareRebalanceOrCompleteJoin(group);
    else if (group.is('PreparingRebalance')) rb.maybeCompleteJoinPhase(group);
  }
  return { errorCode: E.NONE, members: out };
}

function removeLeaving(rb: Rebalancer, group: ClassicGroup, memberId: string): void {
  const m = group.member(memberId);
  rb.completeJoin(m, { errorCode: E.UNKNOWN_MEMBER_ID, memberId: '' });
  rb.failSync(m, E.UNKNOWN_MEMBER_ID);
  group.remove(memberId);
}
