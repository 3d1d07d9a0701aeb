import type { Clock } from '../../util/clock.ts';
import * as E from './error-codes.ts';
import { ClassicGroup } from './group.ts';
import type { Member } from './member.ts';
import type { JoinGroupResponse } from './messages.ts';
import { joinResponse, syncResponse } from './responses.ts';

export interface RebalanceConfig {
  clock: Clock;
  /** Kafka's group.initial.rebalance.delay.ms. */
  initialRebalanceDelayMs: number;
  /** How long a member may wait for its first JoinGroup answer (Kafka: 5 minutes). */
  newMemberJoinTimeoutMs: number;
  /** Kafka's group.max.size. */
  groupMaxSize: number;
  /** Persists the group's current generation (with assignments); false if the store failed. */
  persist: (group: ClassicGroup) => boolean;
}

/**
 * The rebalance protocol's shared machinery: preparing a rebalance, completing the join phase,
 * propagating assignments, removing members, and the deadlines checked by `tick`. The request
 * handlers (join.ts, membership.ts) drive it. No timers: every deadline is a clock value that
 * `tick`/`fireDue` compares against `clock.now()`.
 */
export class Rebalancer {
  readonly groups = new Map<string, ClassicGroup>();
  readonly config: RebalanceConfig;
  /** No deadline anywhere is earlier than this; lets `tick` skip the scan. */
  #nextWake = Infinity;

  constructor(config: RebalanceConfig) {
    this.config = config;
  }

  now(): number {
    return this.config.clock.now();
  }

  /** Registers a deadline `ms` from now and returns it. */
  after(ms: number): number {
    const at = this.now() + ms;
    if (at < this.#nextWake) this.#nextWake = at;
    return at;
  }

  getOrCreate(groupId: string): ClassicGroup {
    let g = this.groups.get(groupId);
    if (g === undefined) {
      g = new ClassicGroup(groupId, this.now());
      this.groups.set(groupId, g);
    }
    return g;
  }

  resetHeartbeat(member: Member, timeoutMs = member.sessionTimeoutMs): void {
    member.heartbeatDeadline = this.after(timeoutMs);
  }

  /** Answers a parked JoinGroup, if any. */
  completeJoin(member: Member, fields: Partial<JoinGroupResponse>): void {
    const w = member.joinWaiter;
    if (w === null) return;
    member.joinWaiter = null;
    w.resolve(joinResponse(w.version, fields));
  }

  /** Answers a parked SyncGroup with an error, if any. */
  failSync(member: Member, errorCode: number): void {
    const w = member.syncWaiter;
    if (w === null) return;
    member.syncWaiter = null;
    w.resolve(syncResponse({ errorCode }));
  }

  maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup): void {
    if (group.canRebalance()) this.prepareRebalance(group);
    else this.maybeCompleteJoinPhase(group);
  }

  prepareRebalance(group: ClassicGroup): void {
    // Members waiting for the leader's assignment must rejoin instead.
    if (group.is('CompletingRebalance')) this.#propagateAssignment(group, E.REBALANCE_IN_PROGRESS);
    group.pendingSyncMembers.clear();
    group.syncTimer = null;
    const initial = group.is('Empty');
    if (initial) {
      // A new group waits a little for more members, saving a rebalance per late joiner.
      const delayMs = this.config.initialRebalanceDelayMs;
      const remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
      group.joinTimer = { deadline: this.after(delayMs), initial: { delayMs, remainingMs } };
    }
    group.transitionTo('PreparingRebalance', this.now());
    if (!initial) {
      if (group.hasAllMembersJoined()) this.completeJoinPhase(group);
      else group.joinTimer = { deadline: this.after(group.rebalanceTimeoutMs()) };
    }
  }

  /** Completes the join phase early when everybody is in, except during the initial delay. */
  maybeCompleteJoinPhase(group: ClassicGroup): void {
    if (!group.is('PreparingRebalance')) return;
    if (group.previousState === 'Empty') return;
    if (!group.hasAllMembersJoined()) return;
    this.completeJoinPhase(group);
  }

  /**
   * Ends the join phase: dynamic members that did not rejoin are dropped, the generation is bumped,
   * a protocol is selected and every joined member gets its answer (the leader with the members'
   * metadata). Static members that did not rejoin stay until their session expires.
   */
  completeJoinPhase(group: ClassicGroup): void {
    group.joinTimer = null;
    for (const m of [...group.members.values()]) {
      if (!m.isAwaitingJoin && !m.isStatic) this.#drop(group, m, E.UNKNOWN_MEMBER_ID);
    }
    if (group.is('Dead')) return;
    if (!group.maybeElectNewJoinedLeader() && group.members.size > 0) {
      // Only silent static members left: wait for them (or for their sessions to expire).
      group.joinTimer = { deadline: this.after(group.rebalanceTimeoutMs()) };
      return;
    }
    group.generationId++;
    group.pendingSyncMembers.clear();
    if (group.members.size === 0) {
      group.protocolName = null;
      group.transitionTo('Empty', this.now());
      this.config.persist(group);
      return;
    }
    group.protocolName = group.selectProtocol();
    group.transitionTo('CompletingRebalance', this.now());
    const leaderMembers = group.joinResponseMembers();
    for (const m of group.members.values()) {
      this.completeJoin(m, {
        members: group.isLeader(m.memberId) ? leaderMembers : [],
        memberId: m.memberId,
        generationId: group.generationId,
        protocolName: group.protocolName,
        protocolType: group.protocolType,
        leader: group.leaderId ?? '',
        skipAssignment: false,
      });
      this.resetHeartbeat(m);
      m.isNew = false;
      group.pendingSyncMembers.add(m.memberId);
    }
    group.syncTimer = { deadline: this.after(group.rebalanceTimeoutMs()), generationId: group.generationId };
  }

  /** Leader's assignment arrived (and was persisted): hand it out and become Stable. */
  setAndPropagateAssignment(group: ClassicGroup, assignments: Map<string, Buffer>): void {
    for (const m of group.members.values()) m.assignment = assignments.get(m.memberId) ?? Buffer.alloc(0);
    this.#propagateAssignment(group, E.NONE);
    group.transitionTo('Stable', this.now());
  }

  /** Leader's assignment could not be stored: everybody has to rejoin. */
  failAssignment(group: ClassicGroup, errorCode: number): void {
    this.#propagateAssignment(group, errorCode);
    this.maybePrepareRebalanceOrCompleteJoin(group);
  }

  #propagateAssignment(group: ClassicGroup, errorCode: number): void {
    if (errorCode !== E.NONE) for (const m of group.members.values()) m.assignment = Buffer.alloc(0);
    for (const m of group.members.values()) {
      const w = m.syncWaiter;
      if (w === null) continue;
      m.syncWaiter = null;
      w.resolve(
        errorCode === E.NONE
          ? syncResponse({ protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment })
          : syncResponse({ errorCode }),
      );
      // Its parked SyncGroup stood in for heartbeats; the session clock restarts now.
      this.resetHeartbeat(m);
    }
  }

  /** A member left or died: answer its parked requests, remove it, and rebalance if needed. */
  removeMemberAndUpdateGroup(group: ClassicGroup, member: Member): void {
    this.#drop(group, member, E.UNKNOWN_MEMBER_ID);
    if (group.is('Stable') || group.is('CompletingRebalance')) this.maybePrepareRebalanceOrCompleteJoin(group);
    else if (group.is('PreparingRebalance') && group.hasAllMembersJoined()) this.completeJoinPhase(group);
  }

  #drop(group: ClassicGroup, member: Member, errorCode: number): void {
    this.completeJoin(member, { errorCode, memberId: '' });
    this.failSync(member, errorCode);
    group.remove(member.memberId);
  }

  /** Fires every deadline of `group` that has passed. */
  fireDue(group: ClassicGroup): void {
    const now = this.now();
    if (group.is('Dead')) return;
    for (const [id, deadline] of [...group.pendingJoinMembers]) {
      if (deadline > now) continue;
      group.remove(id);
      if (group.is('PreparingRebalance') && group.hasAllMembersJoined()) this.completeJoinPhase(group);
    }
    for (const m of [...group.members.values()]) {
      if (m.heartbeatDeadline > now || !group.has(m.memberId)) continue;
      if (m.hasSatisfiedHeartbeat()) continue; // rescheduled when its parked request is answered
      this.removeMemberAndUpdateGroup(group, m);
    }
    const jt = group.joinTimer;
    if (jt !== null && jt.deadline <= now) {
      group.joinTimer = null;
      if (jt.initial !== undefined && group.newMemberAdded && jt.initial.remainingMs !== 0) {
        // Somebody joined during the delay: wait another round, within the rebalance timeout.
        group.newMemberAdded = false;
        const delayMs = Math.min(this.config.initialRebalanceDelayMs, jt.initial.remainingMs);
        const remainingMs = Math.max(jt.initial.remainingMs - jt.initial.delayMs, 0);
        group.joinTimer = { deadline: this.after(delayMs), initial: { delayMs, remainingMs } };
      } else if (group.is('PreparingRebalance')) {
        this.completeJoinPhase(group);
      }
    }
    const st = group.syncTimer;
    if (st !== null && st.deadline <= now) {
      group.syncTimer = null;
      const settling = group.is('CompletingRebalance') || group.is('Stable');
      if (st.generationId === group.generationId && settling && group.pendingSyncMembers.size > 0) {
        // Members that never sent SyncGroup are gone; the rest must rebalance without them.
        for (const id of [...group.pendingSyncMembers]) {
          const m = group.members.get(id);
          if (m !== undefined) this.#drop(group, m, E.UNKNOWN_MEMBER_ID);
        }
        this.prepareRebalance(group);
      }
    }
  }

  /** Fires the deadlines of every group; cheap when none is due. */
  tick(): void {
    if (this.now() < this.#nextWake) return;
    this.#nextWake = Infinity;
    for (const g of this.groups.values()) this.fireDue(g);
    for (const g of this.groups.values()) this.#noteDeadlines(g);
  }

  #noteDeadlines(g: ClassicGroup): void {
    let min = this.#nextWake;
    for (const d of g.pendingJoinMembers.values()) min = Math.min(min, d);
    // A parked request keeps its member alive; answering it restarts the session clock.
    for (const m of g.members.values()) if (!m.hasSatisfiedHeartbeat()) min = Math.min(min, m.heartbeatDeadline);
    if (g.joinTimer !== null) min = Math.min(min, g.joinTimer.deadline);
    if (g.syncTimer !== null) min = Math.min(min, g.syncTimer.deadline);
    this.#nextWake = min;
  }

  /** Answers everything parked with `errorCode` (shutdown). */
  failAll(errorCode: number): void {
    for (const g of this.groups.values()) {
      for (const m of g.members.values()) {
        this.completeJoin(m, { errorCode, memberId: m.memberId });
        this.failSync(m, errorCode);
      }
    }
  }
}
