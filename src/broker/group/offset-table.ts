import type { OffsetCommitEntry } from './offset-log.ts';

/** Committed offsets in memory: group -> topic -> partition -> latest commit. */
export class OffsetTable {
  readonly #groups = new Map<string, Map<string, Map<number, OffsetCommitEntry>>>();

  put(e: OffsetCommitEntry): void {
    let topics = this.#groups.get(e.groupId);
    if (topics === undefined) this.#groups.set(e.groupId, (topics = new Map()));
    let parts = topics.get(e.topic);
    if (parts === undefined) topics.set(e.topic, (parts = new Map()));
    parts.set(e.partition, e);
  }

  get(groupId: string, topic: string, partition: number): OffsetCommitEntry | undefined {
    return this.#groups.get(groupId)?.get(topic)?.get(partition);
  }

  delete(groupId: string, topic: string, partition: number): void {
    const topics = this.#groups.get(groupId);
    const parts = topics?.get(topic);
    if (topics === undefined || parts === undefined) return;
    parts.delete(partition);
    if (parts.size === 0) topics.delete(topic);
    if (topics.size === 0) this.#groups.delete(groupId);
  }

  deleteGroup(groupId: string): void {
    this.#groups.delete(groupId);
  }

  hasOffsets(groupId: string): boolean {
    return this.#groups.has(groupId);
  }

  groupIds(): IterableIterator<string> {
    return this.#groups.keys();
  }

  /** Every commit of a group, grouped by topic (for OffsetFetch with null topics). */
  topics(groupId: string): Map<string, Map<number, OffsetCommitEntry>> {
    return this.#groups.get(groupId) ?? new Map();
  }

  *entries(groupId: string): IterableIterator<OffsetCommitEntry> {
    for (const parts of this.topics(groupId).values()) yield* parts.values();
  }
}
