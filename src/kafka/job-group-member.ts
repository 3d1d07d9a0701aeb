import { setTimeout as sleep } from 'node:timers/promises';
import { kafkaClientLibrary } from './client-library.ts';
import { logger } from '../util/logger.ts';
import type { ClientSupplier } from './client-supplier.ts';
import type { GroupMetadata } from '../core/kafka-clients.ts';
import { describeKafkaError } from './error-classification.ts';
import { KAFKA_SUBSTRATE_CODES, KafkaRequestError, WorkerFencedError } from './errors.ts';
import {
  ASSIGNOR_NAME,
  PROTOCOL_TYPE,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  type MemberAssignment,
  type MemberSubscription,
  type TopicPartition,
  type WorkerInfo,
} from './group-protocol.ts';
import { fetchStableOffsets, type CommittedOffset } from './stable-offsets.ts';
import { CoordinatorType, type KafkaWire } from './wire.ts';

/** What the leader's assignor knows besides the members. */
export interface AssignmentContext {
  readonly generationId: number;
  readonly leaderId: string;
  /** Partition counts of every topic some member subscribed to. */
  readonly partitions: ReadonlyMap<string, number>;
}

/** Runs on the group leader: who gets what. Every member must appear in the result (possibly empty). */
export type TaskAssignor = (members: readonly MemberSubscription[], context: AssignmentContext) => Map<string, MemberAssignment>;

/** Issue 10's assignor: every partition (every task) to the leader, nothing to the others. */
export const assignAllToLeader: TaskAssignor = (members, context) => {
  const all: TopicPartition[] = [];
  for (const [topic, n] of context.partitions) for (let partition = 0; partition < n; partition++) all.push({ topic, partition });
  return new Map(members.map((m) => [m.memberId, { partitions: m.memberId === context.leaderId ? all : [] }]));
};

/** Rebalance callbacks; each is awaited before the member moves on. */
export interface RebalanceListener {
  /** A rebalance starts (eager protocol): finish or abort in-flight work of `assignment` now. */
  onRevoked?(assignment: MemberAssignment): Promise<void> | void;
  /** A new generation: this member owns `assignment`; commit with `group`. */
  onAssigned?(assignment: MemberAssignment, group: GroupMetadata): Promise<void> | void;
  /** Membership was lost without a chance to commit (fenced or expired): drop uncommitted work. */
  onLost?(assignment: MemberAssignment, reason: string): Promise<void> | void;
  /** The member cannot continue (e.g. its static instance id was taken, or the group id is used by another kind of client). */
  onError?(error: Error): void;
}

export interface JobGroupMemberOptions {
  /** The job id: every worker of a job is a member of this group. */
  readonly groupId: string;
  /** The job's source topics (listed in the subscription so Kafka tools show them). */
  readonly topics: readonly string[];
  /** What the member tells the group about itself; a function is asked again at every join (e.g. the tasks it owns now). */
  readonly worker: WorkerInfo | (() => WorkerInfo);
  /** Static membership (KIP-345), e.g. `<jobId>-worker-<slot>`: a restart in the same slot replaces the member without a rebalance. */
  readonly groupInstanceId?: string;
  readonly sessionTimeoutMs?: number;
  readonly rebalanceTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly assignor?: TaskAssignor;
  readonly listener?: RebalanceListener;
  /**
   * Rejoin by itself after being fenced (default true). An exactly-once worker says false: it must
   * abort its transaction and restore before it may commit again, so a new generation obtained
   * behind its back would let a zombie's old transaction commit (KIP-447).
   */
  readonly rejoinWhenFenced?: boolean;
  /**
   * The assignor name offered in JoinGroup (default `sluice`). Members of one group must offer the
   * same: the job group's members say `sluice-units-cooperative` (cooperative incremental
   * rebalancing of units, see src/runtime/executor/task-assignor.ts).
   */
  readonly protocolName?: string;
}

const E = {
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
  MEMBER_ID_REQUIRED: 79,
  FENCED_INSTANCE_ID: 82,
} as const;
const COORDINATOR_MOVED = new Set<number>([E.COORDINATOR_LOAD_IN_PROGRESS, E.COORDINATOR_NOT_AVAILABLE, E.NOT_COORDINATOR]);
const NO_ASSIGNMENT: MemberAssignment = { partitions: [] };

/**
 * A worker's membership in the job's consumer group (classic protocol, eager rebalances):
 * JoinGroup/SyncGroup with protocol type `consumer` and assignor `sluice` (the leader runs the
 * pluggable {@link TaskAssignor}), heartbeats, rebalance callbacks, and the generation and member
 * id that transactional offset commits carry (KIP-447). Committed offsets are read with
 * require_stable, so offsets still pending in another worker's open transaction are waited for.
 *
 * @example
 * ```ts
 * const member = new JobGroupMember(clients, { groupId: 'orders', topics: ['orders'], worker: { host, pid, slot: 0 } });
 * const assignment = await member.join();
 * const offsets = await member.fetchCommittedOffsets(assignment.partitions);
 * await committer.sendOffsets(positions, member.groupMetadata());
 * await member.close();
 * ```
 */
export class JobGroupMember {
  readonly #o: Required<Omit<JobGroupMemberOptions, 'groupInstanceId' | 'listener' | 'rejoinWhenFenced' | 'protocolName'>> & Pick<JobGroupMemberOptions, 'groupInstanceId' | 'listener' | 'rejoinWhenFenced' | 'protocolName'>;
  readonly #wire: KafkaWire;
  #memberId = '';
  #generationId = -1;
  #leaderId = '';
  #assignment: MemberAssignment = NO_ASSIGNMENT;
  /** 'revoking': a rebalance started and onRevoked runs; heartbeats go on meanwhile (KIP-62). */
  #state: 'idle' | 'joining' | 'stable' | 'revoking' | 'fenced' | 'closed' = 'idle';
  #chain: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  constructor(clients: ClientSupplier, options: JobGroupMemberOptions) {
    this.#o = {
      sessionTimeoutMs: 45_000,
      rebalanceTimeoutMs: 60_000,
      heartbeatIntervalMs: 3_000,
      assignor: assignAllToLeader,
      ...options,
    };
    // JoinGroup waits up to the rebalance timeout: the connection must wait longer.
    this.#wire = clients.wire(`group-${options.groupId}`, { requestTimeout: this.#o.rebalanceTimeoutMs + 10_000 });
  }

  get memberId(): string {
    return this.#memberId;
  }
  get generationId(): number {
    return this.#generationId;
  }
  get assignment(): MemberAssignment {
    return this.#assignment;
  }
  /** True between a completed join and a rebalance, fencing or close. */
  get stable(): boolean {
    return this.#state === 'stable';
  }
  /** True once the group went on without this member (and it did not rejoin). */
  get fenced(): boolean {
    return this.#state === 'fenced';
  }
  /** True when this member leads the current generation (it runs the assignor). */
  get leader(): boolean {
    return this.#memberId !== '' && this.#leaderId === this.#memberId;
  }

  /** The metadata transactional (and at-least-once) offset commits must carry. */
  groupMetadata(): GroupMetadata {
    return { groupId: this.#o.groupId, generationId: this.#generationId, memberId: this.#memberId, groupInstanceId: this.#o.groupInstanceId ?? null };
  }

  /** Joins the group and resolves with this member's first assignment. */
  join(): Promise<MemberAssignment> {
    return this.#serial(() => this.#joinUntilStable('initial join'));
  }

  /** Rejoins (e.g. the source topics changed, or after being fenced). */
  rejoin(reason: string): Promise<MemberAssignment> {
    return this.#serial(async () => {
      if (this.#state === 'stable') this.#state = 'revoking';
      if (this.#state === 'revoking') await this.#o.listener?.onRevoked?.(this.#assignment);
      return this.#joinUntilStable(reason);
    });
  }

  /**
   * The group's committed offsets for `partitions`, read with require_stable: while another
   * worker's transaction holds offsets for them (UNSTABLE_OFFSET_COMMIT) it waits and asks again,
   * up to `timeoutMs` (default: the rebalance timeout). Partitions without a commit are absent.
   */
  fetchCommittedOffsets(partitions: readonly TopicPartition[], options: { timeoutMs?: number } = {}): Promise<Map<string, CommittedOffset>> {
    return fetchStableOffsets(this.#wire, this.#o.groupId, partitions, options.timeoutMs ?? this.#o.rebalanceTimeoutMs);
  }

  /** Stops heartbeating and leaves the group (its partitions go to the others at once). */
  async close(options: { leave?: boolean } = {}): Promise<void> {
    if (this.#state === 'closed') return;
    const wasMember = this.#memberId !== '' && this.#state !== 'fenced';
    this.#state = 'closed';
    clearTimeout(this.#timer);
    await this.#chain.catch(() => {});
    if (!wasMember || options.leave === false) return;
    try {
      await this.#wire.call(kafkaClientLibrary().leaveGroupV5.api, { coordinator: CoordinatorType.GROUP, key: this.#o.groupId }, { attempts: 2, partial: true }, this.#o.groupId, [
        { memberId: this.#memberId, groupInstanceId: this.#o.groupInstanceId ?? null, reason: 'the Sluice worker stopped' },
      ]);
    } catch (e) {
      logger.debug({ err: e, groupId: this.#o.groupId }, 'leaving the job group failed; the coordinator will expire the member');
    }
  }

  /** Read through a method: the state can change across awaits. */
  #closed(): boolean {
    return this.#state === 'closed';
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(fn, fn);
    this.#chain = next.catch(() => {});
    return next;
  }

  async #joinUntilStable(reason: string): Promise<MemberAssignment> {
    clearTimeout(this.#timer);
    if (this.#state === 'closed') throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, 'the job group member is closed');
    this.#state = 'joining';
    logger.debug({ groupId: this.#o.groupId, reason }, 'joining the job group');
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      if (this.#closed()) throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, 'the job group member was closed while joining');
      let outcome: 'done' | 'retry';
      try {
        outcome = await this.#joinOnce();
      } catch (e) {
        if (e instanceof WorkerFencedError || (e instanceof KafkaRequestError && e.code !== KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST)) {
          this.#state = 'fenced';
          this.#o.listener?.onError?.(e);
          throw e;
        }
        if (e instanceof KafkaRequestError) throw e;
        logger.debug({ err: e, attempt }, 'JoinGroup/SyncGroup failed; retrying');
        outcome = 'retry';
      }
      if (outcome === 'done') break;
      if (waited > 2 * this.#o.rebalanceTimeoutMs + this.#o.sessionTimeoutMs) {
        throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, `could not join the job group '${this.#o.groupId}' within ${waited} ms; is the Kafka cluster reachable?`);
      }
      const pause = Math.min(100 * attempt, 1000);
      await sleep(pause);
      waited += pause;
    }
    if (this.#closed()) throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, 'the job group member was closed while joining');
    this.#state = 'stable';
    this.#scheduleHeartbeat();
    await this.#o.listener?.onAssigned?.(this.#assignment, this.groupMetadata());
    return this.#assignment;
  }

  /** One JoinGroup + SyncGroup round; 'retry' when Kafka asks for another round. */
  async #joinOnce(): Promise<'done' | 'retry'> {
    const target = { coordinator: CoordinatorType.GROUP, key: this.#o.groupId } as const;
    const worker = typeof this.#o.worker === 'function' ? this.#o.worker() : this.#o.worker;
    const metadata = encodeSubscription(this.#o.topics, worker, this.#assignment.partitions);
    const join = await this.#wire.call(
      kafkaClientLibrary().joinGroupV9.api,
      target,
      { minVersion: 4, partial: true },
      this.#o.groupId,
      this.#o.sessionTimeoutMs,
      this.#o.rebalanceTimeoutMs,
      this.#memberId,
      this.#o.groupInstanceId ?? null,
      PROTOCOL_TYPE,
      [{ name: this.#o.protocolName ?? ASSIGNOR_NAME, metadata }],
      'Sluice worker joining',
    );
    if (join.errorCode !== 0) return this.#joinError(join.errorCode, join.memberId, 'JoinGroup');
    this.#memberId = join.memberId;
    this.#generationId = join.generationId;
    this.#leaderId = join.leader;
    let assignments: Array<{ memberId: string; assignment: Buffer }> = [];
    if (join.leader === join.memberId) assignments = await this.#assign(join.members, join.generationId);
    const sync = await this.#wire.call(
      kafkaClientLibrary().syncGroupV5.api,
      target,
      { partial: true },
      this.#o.groupId,
      join.generationId,
      join.memberId,
      this.#o.groupInstanceId ?? null,
      PROTOCOL_TYPE,
      this.#o.protocolName ?? ASSIGNOR_NAME,
      assignments,
    );
    if (sync.errorCode !== 0) return this.#joinError(sync.errorCode, this.#memberId, 'SyncGroup');
    this.#assignment = sync.assignment.length > 0 ? decodeAssignment(sync.assignment) : NO_ASSIGNMENT;
    return 'done';
  }

  #joinError(code: number, memberId: string, api: string): 'retry' {
    if ((code === E.UNKNOWN_MEMBER_ID || code === E.ILLEGAL_GENERATION) && this.#o.rejoinWhenFenced === false && this.#generationId >= 0) {
      // A rebalance found this member gone: rejoining as a new member would hide that from the worker.
      throw new WorkerFencedError(this.#o.groupId, `${code === E.UNKNOWN_MEMBER_ID ? 'UNKNOWN_MEMBER_ID' : 'ILLEGAL_GENERATION'} in ${api}: the group went on without this worker`);
    }
    if (code === E.MEMBER_ID_REQUIRED) this.#memberId = memberId;
    else if (code === E.UNKNOWN_MEMBER_ID || code === E.ILLEGAL_GENERATION) this.#memberId = code === E.UNKNOWN_MEMBER_ID ? '' : this.#memberId;
    else if (COORDINATOR_MOVED.has(code)) this.#wire.forgetCoordinator(CoordinatorType.GROUP, this.#o.groupId);
    else if (code === E.FENCED_INSTANCE_ID) {
      throw new WorkerFencedError(this.#o.groupId, `FENCED_INSTANCE_ID: another worker joined with group.instance.id '${this.#o.groupInstanceId}'`);
    } else if (code === E.INCONSISTENT_GROUP_PROTOCOL) {
      throw new KafkaRequestError(
        KAFKA_SUBSTRATE_CODES.JOB_GROUP_CONFLICT,
        `the consumer group '${this.#o.groupId}' is in use by clients that do not speak Sluice's protocol (${PROTOCOL_TYPE}/${this.#o.protocolName ?? ASSIGNOR_NAME}); a job id must not be used as another application's group id, and workers of a Sluice version with another job group protocol cannot join a running job (stop them first)`,
      );
    } else if (code !== E.REBALANCE_IN_PROGRESS) {
      throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, `${api} for the job group '${this.#o.groupId}' failed with Kafka error ${code}`);
    }
    return 'retry';
  }

  /** The leader's part: decode the members, run the assignor, encode what it decided. */
  async #assign(members: Array<{ memberId: string; groupInstanceId?: string | null; metadata: Buffer }>, generationId: number): Promise<Array<{ memberId: string; assignment: Buffer }>> {
    const subs = members.map((m) => decodeSubscription(m.memberId, m.groupInstanceId ?? null, m.metadata));
    const topics = [...new Set(subs.flatMap((s) => s.topics))];
    const partitions = new Map<string, number>();
    if (topics.length > 0) {
      // Per-topic answers: a subscribed topic that does not exist (yet) simply has no tasks.
      const md = await this.#wire.call(kafkaClientLibrary().metadataV12.api, 'any', { minVersion: 4, partial: true }, topics, false, false);
      for (const t of md.topics) if (t.errorCode === 0 && typeof t.name === 'string') partitions.set(t.name, t.partitions.length);
    }
    const decided = this.#o.assignor(subs, { generationId, leaderId: this.#memberId, partitions });
    return subs.map((s) => ({ memberId: s.memberId, assignment: encodeAssignment(decided.get(s.memberId) ?? NO_ASSIGNMENT) }));
  }

  #scheduleHeartbeat(): void {
    clearTimeout(this.#timer);
    if (this.#state !== 'stable' && this.#state !== 'revoking') return;
    this.#timer = setTimeout(() => void this.#beat(), this.#o.heartbeatIntervalMs);
    this.#timer.unref();
  }

  async #beat(): Promise<void> {
    if (this.#state !== 'stable' && this.#state !== 'revoking') return;
    let code: number;
    try {
      const r = await this.#wire.call(
        kafkaClientLibrary().heartbeatV4.api,
        { coordinator: CoordinatorType.GROUP, key: this.#o.groupId },
        { retry: false, partial: true },
        this.#o.groupId,
        this.#generationId,
        this.#memberId,
        this.#o.groupInstanceId ?? null,
      );
      code = r.errorCode;
    } catch (e) {
      this.#wire.forgetCoordinator(CoordinatorType.GROUP, this.#o.groupId);
      logger.debug({ err: describeKafkaError(e), groupId: this.#o.groupId }, 'heartbeat failed; retrying');
      return this.#scheduleHeartbeat();
    }
    // While revoking, heartbeats only keep the session alive; the join that follows sorts out errors.
    if (this.#state === 'revoking' || code === 0) return this.#scheduleHeartbeat();
    if (this.#state !== 'stable') return;
    if (COORDINATOR_MOVED.has(code)) {
      this.#wire.forgetCoordinator(CoordinatorType.GROUP, this.#o.groupId);
      return this.#scheduleHeartbeat();
    }
    if (code === E.REBALANCE_IN_PROGRESS) {
      this.#state = 'revoking';
      this.#scheduleHeartbeat();
      await this.rejoin('the group is rebalancing').catch((e: unknown) => this.#o.listener?.onError?.(e as Error));
      return;
    }
    // Fenced: the group went on without us. Our work since the last commit is lost.
    const reason = code === E.ILLEGAL_GENERATION ? 'ILLEGAL_GENERATION' : code === E.UNKNOWN_MEMBER_ID ? 'UNKNOWN_MEMBER_ID' : code === E.FENCED_INSTANCE_ID ? 'FENCED_INSTANCE_ID' : `error ${code}`;
    this.#state = 'joining'; // not a member any more: no heartbeats, `stable` is false from now on
    await this.#serial(async () => {
      const lost = this.#assignment;
      this.#assignment = NO_ASSIGNMENT;
      if (code === E.FENCED_INSTANCE_ID || this.#o.rejoinWhenFenced === false) this.#state = 'fenced';
      await this.#o.listener?.onLost?.(lost, reason);
      if (code === E.FENCED_INSTANCE_ID) {
        this.#state = 'fenced';
        this.#o.listener?.onError?.(new WorkerFencedError(this.#o.groupId, `${reason}: another worker joined with group.instance.id '${this.#o.groupInstanceId}'`));
        return;
      }
      if (this.#state === 'fenced') return;
      if (code === E.UNKNOWN_MEMBER_ID) this.#memberId = '';
      await this.#joinUntilStable(`fenced (${reason})`);
    }).catch((e: unknown) => this.#o.listener?.onError?.(e as Error));
  }
}
