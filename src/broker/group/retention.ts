import type { OffsetLogEntry } from './offset-log.ts';
import type { OffsetTable } from './offset-table.ts';
import type { Rebalancer } from './rebalance.ts';

export interface RetentionConfig {
  rb: Rebalancer;
  table: OffsetTable;
  append: (entries: OffsetLogEntry[]) => boolean;
  /** Groups with open transactional offsets are left alone. */
  isPinned: (groupId: string) => boolean;
  /** Kafka's offsets.retention.minutes (in ms). */
  retentionMs: number;
  /** Kafka's offsets.retention.check.interval.ms. */
  checkIntervalMs: number;
}

/**
 * Offset retention, as Kafka's periodic cleanup: a group's offsets expire `retentionMs` after it
 * became Empty (offsets of a group with members never expire); a simple group's (no protocol
 * type) expire that long after each commit. An Empty group left without offsets is deleted.
 */
export class OffsetRetention {
  readonly #c: RetentionConfig;
  #nextCheck: number;

  constructor(config: RetentionConfig) {
    this.#c = config;
    this.#nextCheck = config.rb.now() + config.checkIntervalMs;
  }

  maybeRun(): void {
    const now = this.#c.rb.now();
    if (now < this.#nextCheck) return;
    this.#nextCheck = now + this.#c.checkIntervalMs;
    this.run();
  }

  run(): void {
    const { rb, table, retentionMs } = this.#c;
    const now = rb.now();
    const groupIds = new Set([...table.groupIds(), ...rb.groups.keys()]);
    for (const groupId of groupIds) {
      const g = rb.groups.get(groupId);
      if ((g !== undefined && !g.is('Empty')) || this.#c.isPinned(groupId)) continue;
      const sinceEmpty = g?.protocolType != null ? g.stateTimestamp : undefined;
      const expired = [...table.entries(groupId)].filter((e) => (sinceEmpty ?? e.commitTimestamp) + retentionMs <= now);
      if (expired.length > 0) {
        const tombstones: OffsetLogEntry[] = expired.map((e) => ({
          type: 'offset-tombstone',
          groupId,
          topic: e.topic,
          partition: e.partition,
        }));
        if (!this.#c.append(tombstones)) continue;
        for (const e of expired) table.delete(groupId, e.topic, e.partition);
      }
      if (g !== undefined && !table.hasOffsets(groupId) && g.pendingJoinMembers.size === 0) {
        if (!this.#c.append([{ type: 'group-tombstone', groupId }])) continue;
        g.transitionTo('Dead', now);
        rb.groups.delete(groupId);
      }
    }
  }
}
