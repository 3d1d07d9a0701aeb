import * as E from './error-codes.ts';
import type { Member } from './member.ts';
import type { JoinGroupRequestProtocol, JoinGroupResponseMember } from './messages.ts';

/** Classic group states, spelled as Kafka reports them in ListGroups/DescribeGroups. */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Empty: ['PreparingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

/** Deadline of the join phase: the rebalance timeout, or the delayed initial rebalance. */
export interface JoinTimer {
  deadline: number;
  /** Set while the first rebalance of an empty group waits for more members (KIP-134). */
  initial?: { delayMs: number; remainingMs: number };
}

/**
 * State of one classic group: members, static-member index, protocol support counts and the
 * generation. Pure bookkeeping; the rebalance rules live in `rebalance.ts`.
 */
export class ClassicGroup {
  readonly groupId: string;
  state: GroupState = 'Empty';
  /** Dead initially, like Kafka: the initial-rebalance check looks for a previous Empty. */
  previousState: GroupState = 'Dead';
  stateTimestamp: number;
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  /** Insertion-ordered: the first remaining member becomes leader when the leader goes. */
  readonly members = new Map<string, Member>();
  /** groupInstanceId -> memberId. */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, with the deadline to come back by. */
  readonly pendingJoinMembers = new Map<string, number>();
  /** Members that got their JoinGroup answer but have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  /** protocol name -> number of members supporting it. */
  readonly supportedProtocols = new Map<string, number>();
  /** A member joined during the delayed initial rebalance, so the delay may be extended. */
  newMemberAdded = false;
  joinTimer: JoinTimer | null = null;
  /** Members must send SyncGroup before this (the rebalance timeout), or they are removed. */
  syncTimer: { deadline: number; generationId: number } | null = null;

  constructor(groupId: string, now: number) {
    this.groupId = groupId;
    this.stateTimestamp = now;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  transitionTo(state: GroupState, now: number): void {
    if (!VALID_PREVIOUS[state].includes(this.state)) {
      throw new Error(`group ${this.groupId}: invalid transition ${this.state} -> ${state}`);
    }
    this.previousState = this.state;
    this.state = state;
    this.stateTimestamp = now;
  }

  canRebalance(): boolean {
    return VALID_PREVIOUS.PreparingRebalance.includes(this.state);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  member(memberId: string): Member {
    const m = this.members.get(memberId);
    if (m === undefined) throw new Error(`group ${this.groupId} has no member ${memberId}`);
    return m;
  }

  add(member: Member): void {
    if (member.groupInstanceId !== null) {
      if (this.staticMembers.has(member.groupInstanceId)) {
        throw new Error(`static member ${member.groupInstanceId} is already in group ${this.groupId}`);
      }
      this.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    this.#count(member.protocols, 1);
    this.pendingJoinMembers.delete(member.memberId);
  }

  remove(memberId: string): void {
    const removed = this.members.get(memberId);
    if (removed !== undefined) {
      this.members.delete(memberId);
      this.#count(removed.protocols, -1);
      if (removed.groupInstanceId !== null) this.staticMembers.delete(removed.groupInstanceId);
    }
    if (this.isLeader(memberId)) {
      const next = this.members.keys().next();
      this.leaderId = next.done ? null : next.value;
    }
    this.pendingJoinMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  /** Replaces a member's protocols and timeouts (a rejoin). */
  updateMember(member: Member, protocols: JoinGroupRequestProtocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number): void {
    this.#count(member.protocols, -1);
    member.protocols = protocols;
    this.#count(protocols, 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
  }

  /** Re-keys a static member under a new member id, keeping its assignment and leadership. */
  rekeyStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): Member {
    const member = this.member(oldMemberId);
    member.memberId = newMemberId;
    // Rebuild the map so the member keeps its place (leader succession follows this order).
    const entries = [...this.members].map(([id, m]): [string, Member] => (id === oldMemberId ? [newMemberId, m] : [id, m]));
    this.members.clear();
    for (const [id, m] of entries) this.members.set(id, m);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    return member;
  }

  /** If the leader did not rejoin, hand leadership to a member that did; false if none did. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader?.isAwaitingJoin) return true;
    for (const m of this.members.values()) {
      if (m.isAwaitingJoin) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  hasAllMembersJoined(): boolean {
    for (const m of this.members.values()) if (!m.isAwaitingJoin) return false;
    return this.pendingJoinMembers.size === 0;
  }

  numAwaitingJoin(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.isAwaitingJoin) n++;
    return n;
  }

  /** The longest rebalance timeout among members: how long a join phase may last. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /** Checks the (memberId, groupInstanceId) pair: NONE, UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID. */
  validateMember(memberId: string, groupInstanceId: string | null | undefined): number {
    if (groupInstanceId != null) {
      const existing = this.staticMembers.get(groupInstanceId);
      if (existing === undefined) return E.UNKNOWN_MEMBER_ID;
      if (existing !== memberId) return E.FENCED_INSTANCE_ID;
    }
    return this.members.has(memberId) ? E.NONE : E.UNKNOWN_MEMBER_ID;
  }

  /** Whether a member of this protocol type with these protocols may be in the group. */
  supportsProtocols(protocolType: string, protocols: JoinGroupRequestProtocol[]): boolean {
    if (this.is('Empty')) return protocolType !== '' && protocols.length > 0;
    return (
      this.protocolType === protocolType &&
      protocols.some((p) => (this.supportedProtocols.get(p.name) ?? 0) === this.members.size)
    );
  }

  /** Protocol with the most votes among those all members support (ties: first voted). */
  selectProtocol(): string {
    const candidates = new Set<string>();
    for (const [name, count] of this.supportedProtocols) if (count === this.members.size) candidates.add(name);
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const v = m.vote(candidates);
      votes.set(v, (votes.get(v) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestVotes = 0;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    if (best === null) throw new Error(`group ${this.groupId}: no protocol to select`);
    return best;
  }

  /** Members as the leader sees them in its JoinGroup answer. */
  joinResponseMembers(): JoinGroupResponseMember[] {
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadata(this.protocolName),
    }));
  }

  #count(protocols: JoinGroupRequestProtocol[], delta: number): void {
    for (const p of protocols) this.supportedProtocols.set(p.name, (this.supportedProtocols.get(p.name) ?? 0) + delta);
  }
}
