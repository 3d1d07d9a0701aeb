import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileIO } from './file-io.ts';

/** One topic as `topics.json` records it. */
export interface RegisteredTopic {
  id: string;
  partitions: number;
  configs: Record<string, string>;
  logStartOffsets?: number[];
}

interface TopicsFile {
  version: 1;
  topics: Record<string, RegisteredTopic>;
}

/** `<topic id>-<partition>.deleted`: a partition directory whose topic is being deleted. */
const DELETED = /^([A-Za-z0-9_-]{22})-(\d+)\.deleted$/;

/** The directory name a partition of a deleted topic is renamed to (short: topic names may be 249 chars). */
export function deletedDirName(topicId: string, partition: number): string {
  return `${topicId}-${partition}.deleted`;
}

/**
 * The durable topic registry, `<dataDir>/topics.json`, rewritten atomically. Deleting a topic
 * first renames its partition directories to `<id>-<p>.deleted`: a rename needs no free space,
 * so the deletion is durable even on a full disk, and a topic with such a directory is dropped
 * at the next start even if the registry could not be rewritten.
 */
export class TopicRegistry {
  readonly #file: string;
  readonly #logsDir: string;

  constructor(dataDir: string) {
    this.#file = join(dataDir, 'topics.json');
    this.#logsDir = join(dataDir, 'logs');
  }

  /** The registered topics, minus those a deletion marker says are gone. */
  load(): { topics: Map<string, RegisteredTopic>; droppedDeleted: boolean } {
    const topics = new Map<string, RegisteredTopic>();
    if (!existsSync(this.#file)) return { topics, droppedDeleted: false };
    const deleted = this.deletedTopicIds();
    const file = JSON.parse(readFileSync(this.#file, 'utf8')) as TopicsFile;
    let droppedDeleted = false;
    for (const [name, t] of Object.entries(file.topics)) {
      if (deleted.has(t.id)) droppedDeleted = true;
      else topics.set(name, t);
    }
    return { topics, droppedDeleted };
  }

  save(topics: Iterable<[string, RegisteredTopic]>): void {
    const file: TopicsFile = { version: 1, topics: Object.fromEntries(topics) };
    fileIO().writeFileAtomic(this.#file, JSON.stringify(file, null, 1));
  }

  /** Ids of topics with a partition directory renamed for deletion. */
  deletedTopicIds(): Set<string> {
    const ids = new Set<string>();
    for (const entry of readdirSync(this.#logsDir)) {
      const m = DELETED.exec(entry);
      if (m) ids.add(m[1]!);
    }
    return ids;
  }

  /**
   * Renames a partition directory to its deletion marker (a partition never written has none:
   * the marker is made as an empty directory). Returns the marker's path, or the old one if
   * neither worked (the directory is then removed in place; the registry rewrite records the
   * deletion).
   */
  markDeleted(partitionDir: string, topicId: string, partition: number): string {
    const to = join(this.#logsDir, deletedDirName(topicId, partition));
    try {
      if (existsSync(partitionDir)) fileIO().rename(partitionDir, to);
      else if (partition === 0) mkdirSync(to);
      else return partitionDir;
      return to;
    } catch {
      return partitionDir;
    }
  }

  /** Removes every deletion marker directory (after the registry no longer lists their topics). */
  removeDeletedDirs(): void {
    for (const entry of readdirSync(this.#logsDir)) if (DELETED.test(entry)) fileIO().remove(join(this.#logsDir, entry));
  }
}
