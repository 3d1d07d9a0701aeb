import type { Clock } from '../../util/clock.ts';
import * as E from './error-codes.ts';
import { describeGroups, listGroups } from './group-listing.ts';
import { groupEntry, restoreGroup } from './group-snapshot.ts';
import type { ClassicGroup } from './group.ts';
import { joinGroup } from './join.ts';
import { deleteOffsets, type OffsetDeleteRequest, type OffsetDeleteResponse } from './offset-delete.ts';
import { heartbeat, leaveGroup, syncGroup } from './membership.ts';
import type {
  ClientInfo,
  DeleteGroupsRequest,
  DeleteGroupsResponse,
  DescribeGroupsRequest,
  DescribeGroupsResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListGroupsRequest,
  ListGroupsResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from './messages.ts';
import type { OffsetLogEntry, OffsetStore } from './offset-log.ts';
import { OffsetManager } from './offset-manager.ts';
import { OffsetTable } from './offset-table.ts';
import { Rebalancer } from './rebalance.ts';
import { joinError, syncError } from './responses.ts';
import { OffsetRetention } from './retention.ts';
import { TxnOffsets } from './txn-offsets.ts';

export type { ClientInfo } from './messages.ts';

export interface GroupCoordinatorOptions {
  clock: Clock;
  store: OffsetStore;
  /** Kafka's group.min.session.timeout.ms (default 6000). */
  minSessionTimeoutMs?: number;
  /** Kafka's group.max.session.timeout.ms (default 1800000). */
  maxSessionTimeoutMs?: number;
  /** Kafka's group.initial.rebalance.delay.ms; Kafka defaults to 3000, we to 0 (fast dev/tests). */
  initialRebalanceDelayMs?: number;
  /** Kafka's group.max.size (default unlimited). */
  groupMaxSize?: number;
  /** Kafka's offset.metadata.max.bytes (default 4096). */
  offsetMetadataMaxBytes?: number;
  /** Kafka's offsets.retention.minutes, in ms (default 7 days). */
  offsetsRetentionMs?: number;
  /** Kafka's offsets.retention.check.interval.ms (default 600000). */
  offsetsRetentionCheckIntervalMs?: number;
  /** Commits to partitions it rejects fail with UNKNOWN_TOPIC_OR_PARTITION. */
  topicExists?: (topic: string, partition: number) => boolean;
}

/** Kafka's group.classic.new.member.join.timeout.ms. */
const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;
/** JoinGroup v1 added RebalanceTimeoutMs; v0 uses the session timeout for both. */
const FIRST_JOIN_VERSION_WITH_REBALANCE_TIMEOUT = 1;
/** JoinGroup v5 added GroupInstanceId (static membership). */
const FIRST_JOIN_VERSION_WITH_INSTANCE_ID = 5;
/** LeaveGroup v3 batches members; older versions name one member id. */
const FIRST_LEAVE_VERSION_WITH_BATCH = 3;

/**
 * Kafka's classic consumer-group coordinator (JoinGroup/SyncGroup/Heartbeat/LeaveGroup, offsets,
 * group admin) as an I/O-free state machine: requests in, response bodies out, time from the
 * injected clock. The broker calls `tick()` about every 100 ms (and may on each request) so
 * session, join, sync and retention deadlines fire; JoinGroup and SyncGroup return promises that
 * resolve when their phase completes.
 */
export class GroupCoordinator {
  readonly #clock: Clock;
  readonly #store: OffsetStore;
  readonly #minSessionTimeoutMs: number;
  readonly #maxSessionTimeoutMs: number;
  readonly #rb: Rebalancer;
  readonly #table = new OffsetTable();
  readonly #offsets: OffsetManager;
  readonly #txn: TxnOffsets;
  readonly #retention: OffsetRetention;
  readonly #topicExists: (topic: string, partition: number) => boolean;
  #closed = false;

  constructor(opts: GroupCoordinatorOptions) {
    this.#clock = opts.clock;
    this.#store = opts.store;
    this.#minSessionTimeoutMs = opts.minSessionTimeoutMs ?? 6000;
    this.#topicExists = opts.topicExists ?? (() => true);
    this.#maxSessionTimeoutMs = opts.maxSessionTimeoutMs ?? 1_800_000;
    this.#rb = new Rebalancer({
      clock: opts.clock,
      initialRebalanceDelayMs: opts.initialRebalanceDelayMs ?? 0,
      newMemberJoinTimeoutMs: NEW_MEMBER_JOIN_TIMEOUT_MS,
      groupMaxSize: opts.groupMaxSize ?? Number.MAX_SAFE_INTEGER,
      persist: (g) => this.#append([groupEntry(g)]),
    });
    const offsetMetadataMaxBytes = opts.offsetMetadataMaxBytes ?? 4096;
    this.#txn = new TxnOffsets({
      groups: this.#rb,
      append: (entries) => this.#append(entries),
      apply: (e) => this.#table.put(e),
      isClosed: () => this.#closed,
      now: () => this.#clock.now(),
      offsetMetadataMaxBytes,
    });
    this.#offsets = new OffsetManager(this.#rb, this.#table, this.#store, {
      offsetMetadataMaxBytes,
      isClosed: () => this.#closed,
      hasPendingTxnOffset: (g, t, p) => this.#txn.hasPending(g, t, p),
      ...(opts.topicExists === undefined ? {} : { topicExists: opts.topicExists }),
    });
    this.#retention = new OffsetRetention({
      rb: this.#rb,
      table: this.#table,
      append: (entries) => this.#append(entries),
      isPinned: (groupId) => this.#txn.hasPendingGroup(groupId),
      retentionMs: opts.offsetsRetentionMs ?? 7 * 24 * 3600 * 1000,
      checkIntervalMs: opts.offsetsRetentionCheckIntervalMs ?? 600_000,
    });
    this.#load();
  }

  /** Transactional offset commits (TxnOffsetCommit and their completion by EndTxn). */
  get transactions(): TxnOffsets {
    return this.#txn;
  }

  joinGroup(req: JoinGroupRequest, version: number, client: ClientInfo): Promise<JoinGroupResponse> {
    const memberId = req.memberId ?? '';
    const fail = (code: number) => Promise.resolve(joinError(version, code, memberId));
    if (this.#closed) return fail(E.COORDINATOR_NOT_AVAILABLE);
    if (!req.groupId) return fail(E.INVALID_GROUP_ID);
    if (req.sessionTimeoutMs < this.#minSessionTimeoutMs || req.sessionTimeoutMs > this.#maxSessionTimeoutMs) {
      return fail(E.INVALID_SESSION_TIMEOUT);
    }
    const hasRebalanceTimeout = version >= FIRST_JOIN_VERSION_WITH_REBALANCE_TIMEOUT && (req.rebalanceTimeoutMs ?? -1) >= 0;
    const normalized = {
      ...req,
      memberId,
      rebalanceTimeoutMs: hasRebalanceTimeout ? req.rebalanceTimeoutMs! : req.sessionTimeoutMs,
      groupInstanceId: version >= FIRST_JOIN_VERSION_WITH_INSTANCE_ID ? (req.groupInstanceId ?? null) : null,
    };
    let group = this.#group(req.groupId);
    if (group === undefined) {
      // Only a member without an id may create a group.
      if (memberId !== '') return fail(E.UNKNOWN_MEMBER_ID);
      group = this.#rb.getOrCreate(req.groupId);
    }
    const response = joinGroup(this.#rb, group, normalized, version, client);
    this.#rb.fireDue(group); // a zero initial delay completes the join right away
    return response;
  }

  syncGroup(req: SyncGroupRequest, version: number): Promise<SyncGroupResponse> {
    if (this.#closed) return Promise.resolve(syncError(E.COORDINATOR_NOT_AVAILABLE));
    if (!req.groupId) return Promise.resolve(syncError(E.INVALID_GROUP_ID));
    return syncGroup(this.#rb, this.#group(req.groupId), req, version);
  }

  heartbeat(req: HeartbeatRequest, _version: number): HeartbeatResponse {
    const errorCode = this.#closed
      ? E.COORDINATOR_NOT_AVAILABLE
      : !req.groupId
        ? E.INVALID_GROUP_ID
        : heartbeat(this.#rb, this.#group(req.groupId), req);
    return { throttleTimeMs: 0, errorCode };
  }

  leaveGroup(req: LeaveGroupRequest, version: number): LeaveGroupResponse {
    const batch = version >= FIRST_LEAVE_VERSION_WITH_BATCH;
    const identities = batch ? (req.members ?? []) : [{ memberId: req.memberId ?? '', groupInstanceId: null }];
    let result: { errorCode: number; members: LeaveGroupResponse['members'] };
    if (this.#closed) result = { errorCode: E.COORDINATOR_NOT_AVAILABLE, members: [] };
    else if (!req.groupId) result = { errorCode: E.INVALID_GROUP_ID, members: [] };
    else result = leaveGroup(this.#rb, this.#group(req.groupId), identities);
    // v0-v2 have no per-member results: the one member's error is the request's error.
    if (!batch && result.errorCode === E.NONE) result.errorCode = result.members[0]?.errorCode ?? E.NONE;
    return { throttleTimeMs: 0, errorCode: result.errorCode, members: batch ? result.members : [] };
  }

  offsetCommit(req: OffsetCommitRequest, version: number): OffsetCommitResponse {
    return this.#offsets.commit(req, version);
  }

  offsetFetch(req: OffsetFetchRequest, version: number): OffsetFetchResponse {
    return this.#offsets.fetch(req, version);
  }

  listGroups(req: ListGroupsRequest, _version: number): ListGroupsResponse {
    if (this.#closed) return { throttleTimeMs: 0, errorCode: E.COORDINATOR_NOT_AVAILABLE, groups: [] };
    return { throttleTimeMs: 0, errorCode: E.NONE, groups: listGroups(this.#rb.groups.values(), req) };
  }

  describeGroups(req: DescribeGroupsRequest, _version: number): DescribeGroupsResponse {
    for (const id of req.groups) {
      const g = this.#rb.groups.get(id);
      if (g !== undefined) this.#rb.fireDue(g);
    }
    return { throttleTimeMs: 0, groups: describeGroups(this.#rb.groups, req, this.#closed) };
  }

  /** OffsetDelete (KIP-496): removes committed offsets of partitions the group no longer consumes. */
  offsetDelete(req: OffsetDeleteRequest): OffsetDeleteResponse {
    return deleteOffsets(req, {
      group: req.groupId ? this.#group(req.groupId) : undefined,
      table: this.#table,
      append: (entries) => this.#append(entries),
      topicExists: this.#topicExists,
      closed: this.#closed,
    });
  }

  deleteGroups(req: DeleteGroupsRequest, _version: number): DeleteGroupsResponse {
    const results = req.groupsNames.map((groupId) => ({ groupId, errorCode: this.#deleteGroup(groupId) }));
    return { throttleTimeMs: 0, results };
  }

  #deleteGroup(groupId: string): number {
    if (this.#closed) return E.COORDINATOR_NOT_AVAILABLE;
    const group = this.#group(groupId); // "" included: Kafka deletes the empty group id's group too
    if (group === undefined || group.is('Dead')) return E.GROUP_ID_NOT_FOUND;
    if (!group.is('Empty')) return E.NON_EMPTY_GROUP;
    if (!this.#append([{ type: 'group-tombstone', groupId }])) return E.COORDINATOR_NOT_AVAILABLE;
    this.#forget(group);
    return E.NONE;
  }

  #forget(group: ClassicGroup): void {
    group.transitionTo('Dead', this.#clock.now());
    this.#rb.groups.delete(group.groupId);
    this.#table.deleteGroup(group.groupId);
  }

  tick(): void {
    if (this.#closed) return;
    this.#rb.tick();
    this.#retention.maybeRun();
  }

  committedOffset(groupId: string, topic: string, partition: number): bigint | undefined {
    return this.#table.get(groupId, topic, partition)?.offset;
  }

  /** Answers every parked JoinGroup/SyncGroup with COORDINATOR_NOT_AVAILABLE; later calls too. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#rb.failAll(E.COORDINATOR_NOT_AVAILABLE);
  }

  /** The group after firing its due deadlines, so a request never sees an expired member. */
  #group(groupId: string): ClassicGroup | undefined {
    const g = this.#rb.groups.get(groupId);
    if (g !== undefined) this.#rb.fireDue(g);
    return g;
  }

  #append(entries: OffsetLogEntry[]): boolean {
    try {
      this.#store.append(entries);
      return true;
    } catch {
      return false;
    }
  }

  #load(): void {
    const now = this.#clock.now();
    for (const e of this.#store.load()) {
      switch (e.type) {
        case 'offset':
          this.#table.put(e);
          break;
        case 'offset-tombstone':
          this.#table.delete(e.groupId, e.topic, e.partition);
          break;
        case 'group':
          this.#rb.groups.set(e.groupId, restoreGroup(e, now));
          break;
        case 'group-tombstone':
          this.#rb.groups.delete(e.groupId);
          this.#table.deleteGroup(e.groupId);
          break;
        case 'txn-offset':
        case 'txn-end':
          this.#txn.replay(e);
          break;
      }
    }
    for (const g of this.#rb.groups.values()) for (const m of g.members.values()) this.#rb.resetHeartbeat(m);
    // Groups that only ever committed offsets (simple groups) come back Empty.
    for (const id of [...this.#table.groupIds()]) if (!this.#rb.groups.has(id)) this.#rb.getOrCreate(id);
  }
}
