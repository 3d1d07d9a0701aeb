import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PartitionLog } from './partition-log.ts';
import { TopicConfig, validateConfig } from './topic-config.ts';
import { TopicRegistry, type RegisteredTopic } from './topic-registry.ts';
import { fileIO, isStorageFailure } from './file-io.ts';
import { LogStorage } from './log-storage.ts';
import { TopicError, validateTopicName, DEFAULT_MAX_PARTITIONS, type TopicSpec } from './topic-rules.ts';
import type { Clock } from '../../util/clock.ts';
import { logger as rootLogger, type Logger } from '../../util/logger.ts';

/** A topic as the broker holds it. */
export interface Topic {
  readonly name: string;
  /** 16-byte topic id, as the codec spells uuids (22 base64url characters). */
  readonly id: string;
  config: TopicConfig;
  partitions: PartitionLog[];
}

export { TopicError, validateTopicName, MAX_PARTITIONS_PER_REQUEST, DEFAULT_MAX_PARTITIONS, type TopicErrorName, type TopicSpec } from './topic-rules.ts';

export interface LogManagerOptions {
  storage?: LogStorage;
  /** Most partitions the broker holds (creation beyond it fails with POLICY_VIOLATION). */
  maxPartitions?: number;
  logger?: Logger;
}

function storageError(what: string, err: unknown): TopicError {
  return new TopicError('KAFKA_STORAGE_ERROR', `${what}: ${(err as Error).message} (is the disk full?)`);
}

/**
 * Owns every partition log under `<dataDir>/logs` and the durable topic registry (names, ids,
 * partition counts, config overrides, log start offsets). Each request that changes topics
 * rewrites the registry once, whatever the number of topics it names.
 */
export class LogManager {
  readonly #dataDir: string;
  readonly #clock: Clock;
  #brokerDefaults: Record<string, string>;
  readonly #topics = new Map<string, Topic>();
  readonly #registry: TopicRegistry;
  readonly #storage: LogStorage;
  readonly #log: Logger;
  #partitionCount = 0;
  /** The registry on disk is behind memory (a save failed): retried by `tick`. */
  #dirty = false;
  /** Deletion markers wait for a registry save that no longer lists their topics. */
  #markersPending = false;
  maxPartitions: number;

  private constructor(dataDir: string, clock: Clock, brokerDefaults: Record<string, string>, options: LogManagerOptions) {
    this.#dataDir = dataDir;
    this.#clock = clock;
    this.#brokerDefaults = brokerDefaults;
    this.#registry = new TopicRegistry(dataDir);
    this.#storage = options.storage ?? new LogStorage();
    this.#log = options.logger ?? rootLogger;
    this.maxPartitions = options.maxPartitions ?? DEFAULT_MAX_PARTITIONS;
  }

  /** Opens the data dir, recovering every partition log listed in the registry. */
  static open(dataDir: string, clock: Clock, brokerDefaults: Record<string, string> = {}, options: LogManagerOptions = {}): LogManager {
    for (const [k, v] of Object.entries(brokerDefaults)) validateConfig(k, v);
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
    const manager = new LogManager(dataDir, clock, brokerDefaults, options);
    const { topics, droppedDeleted } = manager.#registry.load();
    for (const [name, t] of topics) {
      const config = new TopicConfig(t.configs, brokerDefaults);
      const partitions = Array.from({ length: t.partitions }, (_, p) =>
        PartitionLog.open(manager.#partitionDir(name, p), config, clock, t.logStartOffsets?.[p] ?? 0, manager.#storage),
      );
      manager.#topics.set(name, { name, id: t.id, config, partitions });
      manager.#partitionCount += t.partitions;
    }
    if (droppedDeleted) {
      manager.#markersPending = true;
      manager.#trySave();
    }
    manager.#removeOrphans();
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
      if (this.#markersPending && entry.endsWith('.deleted')) continue; // kept until the registry is saved
      this.#log.warn({ dir: join(logs, entry) }, 'removing the directory of a deleted topic (a crash interrupted its deletion)');
      fileIO().remove(join(logs, entry));
    }
  }

  #partitionDir(topic: string, partition: number): string {
    return join(this.#dataDir, 'logs', `${topic}-${partition}`);
  }

  #entries(): Array<[string, RegisteredTopic]> {
    return [...this.#topics.values()].map((t) => [
      t.name,
      { id: t.id, partitions: t.partitions.length, configs: { ...t.config.overrides }, logStartOffsets: t.partitions.map((p) => p.logStartOffset) },
    ]);
  }

  /** Rewrites the registry; throws on failure. */
  #save(): void {
    this.#registry.save(this.#entries());
    this.#dirty = false;
    if (this.#markersPending) {
      this.#markersPending = false;
      this.#registry.removeDeletedDirs();
    }
  }

  /** Rewrites the registry if it can; otherwise leaves it for `tick` to retry. */
  #trySave(): boolean {
    try {
      this.#save();
      return true;
    } catch (err) {
      if (!isStorageFailure(err)) throw err;
      if (!this.#dirty) this.#log.warn({ err: (err as Error).message }, 'could not save the topic registry (disk full?); retrying until it succeeds');
      this.#dirty = true;
      return false;
    }
  }

  /** Retries a registry save that failed (disk full). Called periodically by the broker. */
  tick(): void {
    if (this.#dirty || this.#markersPending) this.#trySave();
  }

  get topics(): IterableIterator<Topic> {
    return this.#topics.values();
  }

  /** Partitions of every topic together. */
  get partitionCount(): number {
    return this.#partitionCount;
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

  /** Broker-wide topic config defaults (e.g. from `log.retention.ms`); applied to every topic. */
  get brokerDefaults(): Readonly<Record<string, string>> {
    return this.#brokerDefaults;
  }

  setBrokerDefaults(defaults: Record<string, string>): void {
    const rebuilt = new Map<Topic, TopicConfig>();
    for (const t of this.#topics.values()) rebuilt.set(t, new TopicConfig(t.config.overrides, defaults));
    this.#brokerDefaults = defaults;
    for (const [t, config] of rebuilt) {
      t.config = config;
      for (const p of t.partitions) p.config = config;
    }
  }

  #checkRoom(name: string, adding: number): void {
    if (this.#partitionCount + adding > this.maxPartitions) {
      throw new TopicError(
        'POLICY_VIOLATION',
        `topic "${name}": ${adding} more partitions would exceed this broker's limit of ${this.maxPartitions} (it holds ${this.#partitionCount}); raise sluice.max.partitions to allow more`,
      );
    }
  }

  /** Validates one creation without creating anything (CreateTopics validateOnly). */
  validateCreate(name: string, partitions: number, configs: Record<string, string>, reserved = 0): TopicConfig {
    validateTopicName(name);
    if (this.#topics.has(name)) throw new TopicError('TOPIC_ALREADY_EXISTS', `topic "${name}" already exists`);
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new TopicError('INVALID_PARTITIONS', `topic "${name}": the partition count must be at least 1 (asked ${partitions})`);
    }
    this.#checkRoom(name, partitions + reserved);
    try {
      return new TopicConfig(configs, this.#brokerDefaults);
    } catch (e) {
      throw new TopicError('INVALID_CONFIG', (e as Error).message);
    }
  }

  /**
   * Creates topics (each judged on its own) and saves the registry once. A save that fails (disk
   * full) undoes every creation of the call: each answer is then KAFKA_STORAGE_ERROR.
   */
  createTopics(specs: readonly TopicSpec[]): Array<Topic | TopicError> {
    const out: Array<Topic | TopicError> = [];
    const created: Topic[] = [];
    let reserved = 0;
    for (const spec of specs) {
      try {
        const config = this.validateCreate(spec.name, spec.partitions, spec.configs, reserved);
        const topic = this.#create(spec.name, spec.partitions, config);
        reserved += spec.partitions;
        created.push(topic);
        out.push(topic);
      } catch (err) {
        out.push(err instanceof TopicError ? err : storageErrorOr(`topic "${spec.name}" could not be created`, err));
      }
    }
    for (const t of created) {
      this.#topics.set(t.name, t);
      this.#partitionCount += t.partitions.length;
    }
    if (created.length === 0) return out;
    try {
      this.#save();
    } catch (err) {
      if (!isStorageFailure(err)) throw err;
      for (const t of created) this.#drop(t);
      const failure = storageError('the topic registry could not be saved', err);
      return out.map((o) => (o instanceof TopicError ? o : failure));
    }
    return out;
  }

  /** One topic (tools and tests); throws TopicError. */
  createTopic(name: string, partitions: number, configs: Record<string, string> = {}): Topic {
    const [result] = this.createTopics([{ name, partitions, configs }]);
    if (result instanceof TopicError) throw result;
    return result!;
  }

  #create(name: string, partitions: number, config: TopicConfig): Topic {
    const logs: PartitionLog[] = [];
    try {
      for (let p = 0; p < partitions; p++) logs.push(this.#newLog(this.#partitionDir(name, p), config));
    } catch (err) {
      for (const l of logs) l.destroy();
      throw err;
    }
    return { name, id: randomBytes(16).toString('base64url'), config, partitions: logs };
  }

  #newLog(dir: string, config: TopicConfig): PartitionLog {
    // Files left by a deletion that could not remove them must not lend records to a new topic.
    if (existsSync(dir)) fileIO().remove(dir);
    return PartitionLog.create(dir, config, this.#clock, this.#storage);
  }

  #drop(topic: Topic): void {
    this.#topics.delete(topic.name);
    this.#partitionCount -= topic.partitions.length;
    for (const p of topic.partitions) p.destroy();
  }

  /**
   * Deletes topics. Their directories are first renamed to deletion markers (durable without
   * free space), emptied (freeing the space), and removed once the registry is rewritten; if
   * that fails (disk still full) the markers keep the topics deleted across a restart.
   */
  deleteTopics(names: readonly string[]): Array<TopicError | null> {
    const out = names.map((name) => {
      const topic = this.#topics.get(name);
      if (!topic) return new TopicError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`);
      this.#topics.delete(name);
      this.#partitionCount -= topic.partitions.length;
      topic.partitions.forEach((log, p) => log.destroy((dir) => this.#registry.markDeleted(dir, topic.id, p)));
      this.#markersPending = true;
      return null;
    });
    if (out.some((o) => o === null)) this.#trySave();
    return out;
  }

  deleteTopic(name: string): void {
    const [err] = this.deleteTopics([name]);
    if (err) throw err;
  }

  /**
   * Grows topics to new partition counts (Kafka never shrinks), each judged on its own, and
   * saves the registry once; a failed save undoes every growth of the call.
   */
  growTopics(changes: ReadonlyArray<{ name: string; total: number }>, validateOnly = false): Array<TopicError | null> {
    const grown: Array<{ topic: Topic; before: number }> = [];
    let reserved = 0;
    const out = changes.map(({ name, total }) => {
      try {
        const topic = this.#topics.get(name);
        if (!topic) throw new TopicError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`);
        const before = topic.partitions.length;
        if (!Number.isInteger(total) || total <= before) {
          throw new TopicError('INVALID_PARTITIONS', `topic "${name}" has ${before} partitions; the new count must be larger (asked ${total})`);
        }
        this.#checkRoom(name, total - before + reserved);
        reserved += total - before;
        if (validateOnly) return null;
        const added: PartitionLog[] = [];
        try {
          for (let p = before; p < total; p++) added.push(this.#newLog(this.#partitionDir(name, p), topic.config));
        } catch (err) {
          for (const log of added) log.destroy();
          throw err;
        }
        topic.partitions.push(...added);
        this.#partitionCount += added.length;
        grown.push({ topic, before });
        return null;
      } catch (err) {
        return storageErrorOr(`topic "${name}" could not grow`, err);
      }
    });
    if (grown.length === 0) return out;
    try {
      this.#save();
    } catch (err) {
      if (!isStorageFailure(err)) throw err;
      for (const { topic, before } of grown) {
        const added = topic.partitions.splice(before);
        for (const log of added) log.destroy();
        this.#partitionCount -= added.length;
      }
      const failure = storageError('the topic registry could not be saved', err);
      return out.map((o) => o ?? failure);
    }
    return out;
  }

  /** Grows one topic (tools and tests); throws TopicError. */
  createPartitions(name: string, total: number, validateOnly = false): void {
    const [err] = this.growTopics([{ name, total }], validateOnly);
    if (err) throw err;
  }

  /** Replaces a topic's config overrides; saves the registry (undone if that fails). */
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
    const previous = topic.config;
    const apply = (c: TopicConfig) => {
      topic.config = c;
      for (const p of topic.partitions) p.config = c;
    };
    apply(config);
    try {
      this.#save();
    } catch (err) {
      apply(previous);
      throw storageErrorOr(`the configs of topic "${name}" could not be saved`, err);
    }
  }

  /** Persists log start offsets after DeleteRecords moved them (retried later if the disk is full). */
  saveLogStartOffsets(): void {
    this.#trySave();
  }

  /** Runs retention on every partition; persists start offsets when something was deleted. */
  applyRetention(): number {
    let deleted = 0;
    for (const t of this.#topics.values()) for (const p of t.partitions) deleted += p.applyRetention();
    if (deleted > 0) this.#trySave();
    return deleted;
  }

  /** fsyncs the logs whose flush.ms deadline has passed. */
  flushDue(now: number): void {
    for (const log of [...this.#storage.timedFlush]) {
      try {
        log.flushIfDue(now);
      } catch (err) {
        if (!isStorageFailure(err)) throw err;
        this.#log.warn({ err: (err as Error).message }, 'a flush.ms fsync failed');
      }
    }
  }

  /** fsyncs every log with unflushed appends, several at once on the thread pool (shutdown). */
  async flushAllAsync(concurrency = 16): Promise<void> {
    const logs = [...this.#topics.values()].flatMap((t) => t.partitions);
    let next = 0;
    const worker = async () => {
      while (next < logs.length) await logs[next++]!.flushAsync().catch(() => {}); // close() retries synchronously
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  flushAll(): void {
    for (const t of this.#topics.values()) for (const p of t.partitions) p.flush();
  }

  close(): void {
    for (const t of this.#topics.values()) for (const p of t.partitions) p.close();
    this.#trySave();
    this.#storage.handles.closeIdle();
    this.#topics.clear();
    this.#partitionCount = 0;
  }
}

function storageErrorOr(what: string, err: unknown): TopicError {
  if (err instanceof TopicError) return err;
  if (isStorageFailure(err)) return storageError(what, err);
  throw err;
}
