import * as E from './error-codes.ts';
import { committedFromTxn, type OffsetCommitEntry, type OffsetLogEntry, type TxnEndEntry, type TxnOffsetEntry } from './offset-log.ts';
import type { Rebalancer } from './rebalance.ts';

/** TxnOffsetCommit (api key 28) request, as named in TxnOffsetCommitRequest.json. */
export interface TxnOffsetCommitRequest {
  transactionalId: string;
  groupId: string;
  producerId: bigint;
  producerEpoch: number;
  /** v3+; -1 before. */
  generationId?: number;
  memberId?: string;
  groupInstanceId?: string | null;
  topics: {
    name: string;
    partitions: { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch?: number; committedMetadata: string | null }[];
  }[];
}

export interface TxnOffsetCommitResponse {
  throttleTimeMs: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export interface TxnOffsetsConfig {
  groups: Rebalancer;
  /** Durable append; false if the store failed. */
  append: (entries: OffsetLogEntry[]) => boolean;
  /** Makes a committed offset visible. */
  apply: (entry: OffsetCommitEntry) => void;
  isClosed: () => boolean;
  now: () => number;
  offsetMetadataMaxBytes: number;
}

/**
 * Offsets committed inside transactions (a producer's sendOffsetsToTransaction). They are stored
 * at once but stay pending, so OffsetFetch with requireStable answers UNSTABLE_OFFSET_COMMIT for
 * them, until the transaction coordinator completes the transaction with `complete`.
 */
export class TxnOffsets {
  readonly #c: TxnOffsetsConfig;
  /** producerId -> groupId -> partition key -> pending offset. */
  readonly #pending = new Map<bigint, Map<string, Map<string, TxnOffsetEntry>>>();

  constructor(config: TxnOffsetsConfig) {
    this.#c = config;
  }

  commit(req: TxnOffsetCommitRequest, _version: number): TxnOffsetCommitResponse {
    const groupError = this.#validate(req);
    const errors = new Map<string, number>();
    const accepted: TxnOffsetEntry[] = [];
    const now = this.#c.now();
    for (const t of req.topics) {
      for (const p of t.partitions) {
        const metadata = p.committedMetadata ?? '';
        const key = `${p.partitionIndex}:${t.name}`;
        if (groupError !== E.NONE) errors.set(key, groupError);
        else if (metadata.length > this.#c.offsetMetadataMaxBytes) errors.set(key, E.OFFSET_METADATA_TOO_LARGE);
        else {
          accepted.push({
            type: 'txn-offset',
            producerId: BigInt(req.producerId),
            groupId: req.groupId,
            topic: t.name,
            partition: p.partitionIndex,
            offset: BigInt(p.committedOffset),
            leaderEpoch: p.committedLeaderEpoch ?? -1,
            metadata,
            commitTimestamp: now,
          });
        }
      }
    }
    if (accepted.length > 0) {
      if (this.#c.append(accepted)) for (const e of accepted) this.replay(e);
      else for (const e of accepted) errors.set(`${e.partition}:${e.topic}`, E.COORDINATOR_NOT_AVAILABLE);
    }
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errors.get(`${p.partitionIndex}:${t.name}`) ?? E.NONE })),
    }));
    return { throttleTimeMs: 0, topics };
  }

  /** Like OffsetCommit's checks, minus the ones that only make sense outside transactions. */
  #validate(req: TxnOffsetCommitRequest): number {
    if (this.#c.isClosed()) return E.COORDINATOR_NOT_AVAILABLE;
    if (!req.groupId) return E.INVALID_GROUP_ID;
    const generationId = req.generationId ?? -1;
    const memberId = req.memberId ?? '';
    const instanceId = req.groupInstanceId ?? null;
    const rb = this.#c.groups;
    let group = rb.groups.get(req.groupId);
    if (group === undefined) {
      if (generationId >= 0) return E.ILLEGAL_GENERATION;
      group = rb.getOrCreate(req.groupId);
    }
    rb.fireDue(group);
    if (group.is('Dead')) return E.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && group.is('Empty')) return E.NONE;
    if (generationId >= 0 || memberId !== '' || instanceId !== null) {
      const err = group.validateMember(memberId, instanceId);
      if (err !== E.NONE) return err;
      if (generationId !== group.generationId) return E.ILLEGAL_GENERATION;
    }
    return E.NONE;
  }

  /**
   * The transaction of `producerId` ended (EndTxn, once its markers are written): its pending
   * offsets in every group become committed, or are dropped on abort. Returns false if the store
   * failed (the caller should retry, as Kafka retries marker writes).
   */
  complete(producerId: bigint, committed: boolean): boolean {
    const byGroup = this.#pending.get(producerId);
    if (byGroup === undefined) return true;
    const markers: TxnEndEntry[] = [...byGroup.keys()].map((groupId) => ({ type: 'txn-end', producerId, groupId, committed }));
    if (!this.#c.append(markers)) return false;
    for (const m of markers) this.replay(m);
    return true;
  }

  /** Applies a transactional entry (from a commit, or replayed from the store at startup). */
  replay(e: TxnOffsetEntry | TxnEndEntry): void {
    if (e.type === 'txn-offset') {
      let byGroup = this.#pending.get(e.producerId);
      if (byGroup === undefined) this.#pending.set(e.producerId, (byGroup = new Map()));
      let parts = byGroup.get(e.groupId);
      if (parts === undefined) byGroup.set(e.groupId, (parts = new Map()));
      parts.set(`${e.partition}:${e.topic}`, e);
      return;
    }
    const byGroup = this.#pending.get(e.producerId);
    const parts = byGroup?.get(e.groupId);
    if (byGroup === undefined || parts === undefined) return;
    if (e.committed) for (const o of parts.values()) this.#c.apply(committedFromTxn(o));
    byGroup.delete(e.groupId);
    if (byGroup.size === 0) this.#pending.delete(e.producerId);
  }

  hasPending(groupId: string, topic: string, partition: number): boolean {
    for (const byGroup of this.#pending.values()) {
      if (byGroup.get(groupId)?.has(`${partition}:${topic}`)) return true;
    }
    return false;
  }

  /** Whether any open transaction holds offsets for the group (it must not be expired). */
  hasPendingGroup(groupId: string): boolean {
    for (const byGroup of this.#pending.values()) if (byGroup.has(groupId)) return true;
    return false;
  }
}
