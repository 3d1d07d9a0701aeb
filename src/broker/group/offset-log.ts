/**
 * What the coordinator persists: committed offsets, group metadata snapshots and deletions.
 * The coordinator appends entries and replays them on startup; the store only has to keep them
 * in order and durably (the equivalent of Kafka's `__consumer_offsets`).
 */

/** A committed offset of one partition (the latest entry for a key wins). */
export interface OffsetCommitEntry {
  type: 'offset';
  groupId: string;
  topic: string;
  partition: number;
  offset: bigint;
  /** -1 when the client did not send one. */
  leaderEpoch: number;
  metadata: string | null;
  /** Coordinator clock (ms) when the commit was applied; drives offset retention. */
  commitTimestamp: number;
}

/** Removes one committed offset (retention expiry). */
export interface OffsetTombstoneEntry {
  type: 'offset-tombstone';
  groupId: string;
  topic: string;
  partition: number;
}

/** A member as persisted with its group, so a restarted broker keeps the generation. */
export interface PersistedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocols: { name: string; metadata: Buffer }[];
  assignment: Buffer;
}

/**
 * Snapshot of a group's membership after a generation settled (Stable, or Empty when everybody
 * left). The latest entry per group wins.
 */
export interface GroupMetadataEntry {
  type: 'group';
  groupId: string;
  protocolType: string | null;
  generationId: number;
  protocolName: string | null;
  leader: string | null;
  /** Coordinator clock (ms) when the group entered its current state. */
  stateTimestamp: number;
  members: PersistedMember[];
}

/** Deletes a group and every offset it committed before this entry. */
export interface GroupTombstoneEntry {
  type: 'group-tombstone';
  groupId: string;
}

/**
 * An offset committed inside a transaction (TxnOffsetCommit): invisible until the transaction's
 * end marker commits it; dropped if it aborts.
 */
export interface TxnOffsetEntry extends Omit<OffsetCommitEntry, 'type'> {
  type: 'txn-offset';
  producerId: bigint;
}

/** The transaction marker for one group: its pending offsets become committed, or vanish. */
export interface TxnEndEntry {
  type: 'txn-end';
  producerId: bigint;
  groupId: string;
  committed: boolean;
}

export type OffsetLogEntry =
  | OffsetCommitEntry
  | OffsetTombstoneEntry
  | GroupMetadataEntry
  | GroupTombstoneEntry
  | TxnOffsetEntry
  | TxnEndEntry;

/** Durability of committed offsets and group metadata. */
export interface OffsetStore {
  /** Synchronous and durable on return (fsync): commits are acknowledged only after. */
  append(entries: OffsetLogEntry[]): void;
  /** Every entry still relevant, in append order; called once on startup. */
  load(): OffsetLogEntry[];
}

/** Keeps entries in memory only; for tests and throw-away brokers. */
export class MemoryOffsetStore implements OffsetStore {
  readonly entries: OffsetLogEntry[] = [];
  append(entries: OffsetLogEntry[]): void {
    this.entries.push(...entries);
  }
  load(): OffsetLogEntry[] {
    return [...this.entries];
  }
}

/**
 * The entries that still matter after replaying `entries` in order: the latest offset per
 * partition and the latest metadata per group, minus what tombstones removed. Used to compact.
 */
export function liveEntries(entries: Iterable<OffsetLogEntry>): OffsetLogEntry[] {
  const groups = new Map<string, GroupMetadataEntry>();
  const offsets = new Map<string, OffsetCommitEntry>();
  /** `${producerId}` -> pending offsets by partition key. */
  const pending = new Map<string, Map<string, TxnOffsetEntry>>();
  for (const e of entries) {
    switch (e.type) {
      case 'offset':
        offsets.set(offsetKey(e.groupId, e.topic, e.partition), e);
        break;
      case 'offset-tombstone':
        offsets.delete(offsetKey(e.groupId, e.topic, e.partition));
        break;
      case 'group':
        groups.set(e.groupId, e);
        break;
      case 'group-tombstone':
        groups.delete(e.groupId);
        for (const [k, o] of offsets) if (o.groupId === e.groupId) offsets.delete(k);
        break;
      case 'txn-offset': {
        const id = String(e.producerId);
        let p = pending.get(id);
        if (p === undefined) pending.set(id, (p = new Map()));
        p.set(offsetKey(e.groupId, e.topic, e.partition), e);
        break;
      }
      case 'txn-end': {
        const p = pending.get(String(e.producerId));
        if (p === undefined) break;
        for (const [k, o] of p) {
          if (o.groupId !== e.groupId) continue;
          p.delete(k);
          if (e.committed) offsets.set(k, committedFromTxn(o));
        }
        if (p.size === 0) pending.delete(String(e.producerId));
        break;
      }
    }
  }
  const open = [...pending.values()].flatMap((p) => [...p.values()]);
  return [...groups.values(), ...offsets.values(), ...open];
}

/** The plain commit a transactional offset turns into when its transaction commits. */
export function committedFromTxn(e: TxnOffsetEntry): OffsetCommitEntry {
  const { producerId: _producerId, type: _type, ...rest } = e;
  return { type: 'offset', ...rest };
}

function offsetKey(groupId: string, topic: string, partition: number): string {
  // JSON keeps the three parts unambiguous whatever characters the names contain.
  return JSON.stringify([groupId, topic, partition]);
}
