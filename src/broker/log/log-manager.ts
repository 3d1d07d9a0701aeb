import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PartitionLog } from './partition-log.ts';
import { TopicConfig, validateConfig } from './topic-config.ts';
import { SluiceError } from '../../core/errors/sluice-error.ts';
import { writeFileAtomic } from '../../util/atomic-file.ts';
import type { Clock } from '../../util/clock.ts';
import { logger } from '../../util/logger.ts';

/** A topic as the broker holds it. */
export interface Topic {
  readonly name: string;
  /** 16-byte topic id, as the codec spells uuids (22 base64url characters). */
  readonly id: string;
  config: TopicConfig;
  partitions: PartitionLog[];
}

/** Topic-level failures with the Kafka error they map to. */
export class TopicError extends SluiceError {
  readonly kafkaError: 'TOPIC_ALREADY_EXISTS' | 'INVALID_TOPIC_EXCEPTION' | 'UNKNOWN_TOPIC_OR_PARTITION' | 'INVALID_PARTITIONS' | 'INVALID_CONFIG';
  constructor(kafkaError: TopicError['kafkaError'], message: string) {
    super(`SLUICE_${kafkaError}`, message);
    this.kafkaError = kafkaError;
  }
}

interface TopicsFile {
  version: 1;
  topics: Record<string, { id: string; partitions: number; configs: Record<string, string>; logStartOffsets?: number[] }>;
}

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

/** Checks a topic name the way Kafka does. */
export function validateTopicName(name: string): void {
  if (!LEGAL_TOPIC.test(name) || name === '.' || name === '..') {
    throw new TopicError(
      'INVALID_TOPIC_EXCEPTION',
      `topic name "${name}" is illegal: use 1-249 characters of [a-zA-Z0-9._-], not "." or ".."`,
    );
  }
}

/**
 * Owns every partition log under `<dataDir>/logs` and the durable topic registry
 * `<dataDir>/topics.json` (names, ids, partition counts, config overrides, log start offsets).
 */
export class LogManager {
  readonly #dataDir: string;
  readonly #clock: Clock;
  readonly #brokerDefaults: Record<string, string>;
  readonly #topics = new Map<string, Topic>();

  private constructor(dataDir: string, clock: Clock, brokerDefaults: Record<string, string>) {
    this.#dataDir = dataDir;
    this.#clock = clock;
    this.#brokerDefaults = brokerDefaults;
  }

  /** Opens the data dir, recovering every partition log listed in the registry. */
  static open(dataDir: string, clock: Clock, brokerDefaults: Record<string, string> = {}): LogManager {
    for (const [k, v] of Object.entries(brokerDefaults)) validateConfig(k, v);
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
    const manager = new LogManager(dataDir, clock, brokerDefaults);
    const file = join(dataDir, 'topics.json');
    if (existsSync(file)) {
      const registry = JSON.parse(readFileSync(file, 'utf8')) as TopicsFile;
      for (const [name, t] of Object.entries(registry.topics)) {
        const config = new TopicConfig(t.configs, brokerDefaults);
        const partitions = Array.from({ length: t.partitions }, (_, p) =>
          PartitionLog.open(manager.#partitionDir(name, p), config, clock, t.logStartOffsets?.[p] ?? 0),
        );
        manager.#topics.set(name, { name, id: t.id, config, partitions });
      }
      manager.#removeOrphans();
    }
    return manager;
  }

  /**
   * Removes partition directories no registered topic owns. Deleting a topic saves the registry
   * first and removes its directories after, so a crash in between leaves them behind; left
   * there, a topic created later under the same name would recover their records.
   */
  #removeOrphans(): void {
    const owned = new Set<string>();
    for (const t of this.#topics.values()) for (let p = 0; p < t.partitions.length; p++) owned.add(`${t.name}-${p}`);
    const logs = join(this.#dataDir, 'logs');
    for (const entry of readdirSync(logs)) {
      if (owned.has(entry)) continue;
      logger.warn({ dir: join(logs, entry) }, 'removing the directory of a deleted topic (a crash interrupted its deletion)');
      rmSync(join(logs, entry), { recursive: true, force: true });
    }
  }

  #partitionDir(topic: string, partition: number): string {
    return join(this.#dataDir, 'logs', `${topic}-${partition}`);
  }

  #save(): void {
    const registry: TopicsFile = { version: 1, topics: {} };
    for (const t of this.#topics.values()) {
      registry.topics[t.name] = {
        id: t.id,
        partitions: t.partitions.length,
        configs: { ...t.config.overrides },
        logStartOffsets: t.partitions.map((p) => p.logStartOffset),
      };
    }
    writeFileAtomic(join(this.#dataDir, 'topics.json'), JSON.stringify(registry, null, 1));
  }

  get topics(): IterableIterator<Topic> {
    return this.#topics.values();
  }

  topic(name: string): Topic | undefined {
    return this.#topics.get(name);
  }

  topicById(id: string): Topic | undefined {
    for (const t of this.#topics.values()) if (t.id === id) return t;
    return undefined;
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.#topics.get(topic)?.partitions[partition];
  }

  /** Validates a creation request without creating anything (CreateTopics validateOnly). */
  validateCreate(name: string, partitions: number, configs: Record<string, string>): TopicConfig {
    validateTopicName(name);
    if (this.#topics.has(name)) throw new TopicError('TOPIC_ALREADY_EXISTS', `topic "${name}" already exists`);
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 100_000) {
      throw new TopicError('INVALID_PARTITIONS', `topic "${name}": partition count ${partitions} must be between 1 and 100000`);
    }
    try {
      return new TopicConfig(configs, this.#brokerDefaults);
    } catch (e) {
      throw new TopicError('INVALID_CONFIG', (e as Error).message);
    }
  }

  createTopic(name: string, partitions: number, configs: Record<string, string> = {}): Topic {
    const config = this.validateCreate(name, partitions, configs);
    const logs = Array.from({ length: partitions }, (_, p) => PartitionLog.open(this.#partitionDir(name, p), config, this.#clock));
    const topic: Topic = { name, id: randomBytes(16).toString('base64url'), config, partitions: logs };
    this.#topics.set(name, topic);
    this.#save();
    return topic;
  }

  deleteTopic(name: string): void {
    const topic = this.#topics.get(name);
    if (!topic) throw new TopicError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`);
    this.#topics.delete(name);
    this.#save();
    for (const p of topic.partitions) p.destroy();
  }

  /** Grows a topic to `total` partitions (Kafka never shrinks). */
  createPartitions(name: string, total: number, validateOnly = false): void {
    const topic = this.#topics.get(name);
    if (!topic) throw new TopicError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`);
    if (!Number.isInteger(total) || total <= topic.partitions.length || total > 100_000) {
      throw new TopicError(
        'INVALID_PARTITIONS',
        `topic "${name}" has ${topic.partitions.length} partitions; the new count must be larger (asked ${total})`,
      );
    }
    if (validateOnly) return;
    for (let p = topic.partitions.length; p < total; p++) {
      topic.partitions.push(PartitionLog.open(this.#partitionDir(name, p), topic.config, this.#clock));
    }
    this.#save();
  }

  /** Replaces (or, incrementally, merges) a topic's config overrides. */
  setConfigs(name: string, overrides: Record<string, string>, validateOnly = false): void {
    const topic = this.#topics.get(name);
    if (!topic) throw new TopicError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`);
    let config: TopicConfig;
    try {
      config = new TopicConfig(overrides, this.#brokerDefaults);
    } catch (e) {
      throw new TopicError('INVALID_CONFIG', (e as Error).message);
    }
    if (validateOnly) return;
    topic.config = config;
    for (const p of topic.partitions) p.config = config;
    this.#save();
  }

  /** Persists log start offsets after DeleteRecords or retention moved them. */
  saveLogStartOffsets(): void {
    this.#save();
  }

  /** Runs retention on every partition; persists start offsets when something was deleted. */
  applyRetention(): number {
    let deleted = 0;
    for (const t of this.#topics.values()) for (const p of t.partitions) deleted += p.applyRetention();
    if (deleted > 0) this.#save();
    return deleted;
  }

  flushAll(): void {
    for (const t of this.#topics.values()) for (const p of t.partitions) p.flush();
  }

  close(): void {
    for (const t of this.#topics.values()) for (const p of t.partitions) p.close();
    this.#save();
    this.#topics.clear();
  }
}
