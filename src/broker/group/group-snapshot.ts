import { ClassicGroup } from './group.ts';
import { Member } from './member.ts';
import type { GroupMetadataEntry } from './offset-log.ts';

/** The persisted form of a group's current generation (members with their assignments). */
export function groupEntry(group: ClassicGroup): GroupMetadataEntry {
  return {
    type: 'group',
    groupId: group.groupId,
    protocolType: group.protocolType,
    generationId: group.generationId,
    protocolName: group.protocolName,
    leader: group.leaderId,
    stateTimestamp: group.stateTimestamp,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      sessionTimeoutMs: m.sessionTimeoutMs,
      protocols: m.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
      assignment: m.assignment,
    })),
  };
}

/**
 * Rebuilds a group after a restart: Stable with its members if it had any, Empty otherwise.
 * Members get a fresh session from `now`, so consumers that keep heartbeating stay in the same
 * generation across a broker restart, and the others expire as usual.
 */
export function restoreGroup(e: GroupMetadataEntry, now: number): ClassicGroup {
  const g = new ClassicGroup(e.groupId, e.stateTimestamp);
  g.generationId = e.generationId;
  for (const pm of e.members) {
    const m = new Member({ ...pm, protocolType: e.protocolType ?? '' });
    m.assignment = pm.assignment;
    m.heartbeatDeadline = now + pm.sessionTimeoutMs;
    g.add(m);
  }
  g.protocolType = e.protocolType;
  g.protocolName = g.members.size > 0 ? e.protocolName : null;
  if (e.leader !== null && g.has(e.leader)) g.leaderId = e.leader;
  g.state = g.members.size > 0 ? 'Stable' : 'Empty';
  g.stateTimestamp = e.stateTimestamp;
  return g;
}
