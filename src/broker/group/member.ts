import type { JoinGroupRequestProtocol, JoinGroupResponse, SyncGroupResponse } from './messages.ts';

/** A parked JoinGroup/SyncGroup: answered when the phase completes, shaped for its version. */
export interface Waiter<R> {
  version: number;
  resolve: (response: R) => void;
}

const EMPTY = Buffer.alloc(0);

/** One member of a classic group (the coordinator's view of a consumer). */
export class Member {
  memberId: string;
  readonly groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  readonly protocolType: string;
  protocols: JoinGroupRequestProtocol[];
  assignment: Buffer = EMPTY;
  joinWaiter: Waiter<JoinGroupResponse> | null = null;
  syncWaiter: Waiter<SyncGroupResponse> | null = null;
  /**
   * Joined but never got a JoinGroup answer: such members cannot heartbeat yet, so they expire on
   * the (long) new-member join timeout instead of being kept alive by their parked request.
   */
  isNew = false;
  /** Coordinator clock (ms) after which the member is considered dead. */
  heartbeatDeadline = Infinity;

  constructor(init: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    rebalanceTimeoutMs: number;
    sessionTimeoutMs: number;
    protocolType: string;
    protocols: JoinGroupRequestProtocol[];
  }) {
    this.memberId = init.memberId;
    this.groupInstanceId = init.groupInstanceId;
    this.clientId = init.clientId;
    this.clientHost = init.clientHost;
    this.rebalanceTimeoutMs = init.rebalanceTimeoutMs;
    this.sessionTimeoutMs = init.sessionTimeoutMs;
    this.protocolType = init.protocolType;
    this.protocols = init.protocols;
  }

  get isAwaitingJoin(): boolean {
    return this.joinWaiter !== null;
  }

  get isAwaitingSync(): boolean {
    return this.syncWaiter !== null;
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  /** A parked JoinGroup or SyncGroup stands in for heartbeats, except for new members. */
  hasSatisfiedHeartbeat(): boolean {
    return !this.isNew && (this.isAwaitingJoin || this.isAwaitingSync);
  }

  /** Same protocols with the same metadata, in the same order. */
  matches(protocols: JoinGroupRequestProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata));
  }

  /** Metadata the member sent for `protocol` (empty when it does not support it). */
  metadata(protocol: string | null): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY;
  }

  /** The member's most preferred protocol among those every member supports. */
  vote(candidates: Set<string>): string {
    const choice = this.protocols.find((p) => candidates.has(p.name));
    if (choice === undefined) throw new Error(`member ${this.memberId} supports none of the candidate protocols`);
    return choice.name;
  }
}
