import { setTimeout as sleep } from 'node:timers/promises';
import { kafkaClientLibrary } from './client-library.ts';
import { InternalTopicMismatchError, KAFKA_SUBSTRATE_CODES, KafkaRequestError } from './errors.ts';
import type { KafkaWire } from './wire.ts';

/** An internal topic a job needs (changelog, checkpoints, control). */
export interface InternalTopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** Topic configs to create it with, e.g. `{ 'cleanup.policy': 'compact' }`. */
  readonly configs?: Readonly<Record<string, string>>;
  /** Configs an existing topic must have as in `configs`; default `['cleanup.policy']` when set. */
  readonly checkedConfigs?: readonly string[];
  /** Replication factor; -1 (default) takes the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  /** What to do when the partition count differs (what the partitions mean for this topic). */
  readonly partitionsAdvice?: string;
}

/** What `ensure` did. */
export interface EnsureResult {
  readonly created: string[];
  readonly verified: string[];
}

const TOPIC_ALREADY_EXISTS = 36;
const UNKNOWN_TOPIC_OR_PARTITION = 3;
const TOPIC_RESOURCE = 2;

const errorName = (code: number): string => kafkaClientLibrary().protocolErrorsCodesById[code] ?? `error code ${code}`;

/**
 * Creates the internal topics a job needs and checks the ones that exist: one Metadata request to
 * see which exist, one CreateTopics for all missing ones (each with its own configs), one
 * DescribeConfigs for the existing ones. A topic that exists with another partition count or a
 * checked config that differs is an {@link InternalTopicMismatchError}: never silently used, never
 * altered (its data may be the job's state).
 *
 * @example
 * ```ts
 * await new InternalTopics(clients.wire('admin')).ensure([
 *   { name: 'orders-counter-changelog', partitions: 128, configs: { 'cleanup.policy': 'compact' } },
 * ]);
 * ```
 */
export class InternalTopics {
  readonly #wire: KafkaWire;
  readonly #timeoutMs: number;

  constructor(wire: KafkaWire, options: { timeoutMs?: number } = {}) {
    this.#wire = wire;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  async ensure(specs: readonly InternalTopicSpec[]): Promise<EnsureResult> {
    if (specs.length === 0) return { created: [], verified: [] };
    const existing = await this.#partitionCounts(specs.map((s) => s.name));
    const missing = specs.filter((s) => !existing.has(s.name));
    const created: string[] = [];
    if (missing.length > 0) {
      const raced = await this.#create(missing);
      created.push(...missing.filter((s) => !raced.has(s.name)).map((s) => s.name));
      // Created by someone else meanwhile: check them like any existing topic.
      if (raced.size > 0) for (const [name, n] of await this.#partitionCounts([...raced])) existing.set(name, n);
      await this.#awaitLeaders(created);
    }
    const toVerify = specs.filter((s) => existing.has(s.name));
    for (const spec of toVerify) {
      const found = existing.get(spec.name)!;
      if (found !== spec.partitions) {
        throw new InternalTopicMismatchError(
          spec.name,
          'partition count',
          String(spec.partitions),
          String(found),
          spec.partitionsAdvice ??
            `Its partitions cannot be changed without corrupting what it holds; delete the topic (sluice topics delete ${spec.name}) only if its contents may be discarded.`,
        );
      }
    }
    await this.#checkConfigs(toVerify);
    return { created, verified: toVerify.map((s) => s.name) };
  }

  /** Partition counts of the topics that exist among `names` (Metadata without auto-creation). */
  /**
   * Deletes those of `names` that exist (through `deleteTopics`, e.g. an Admin's) and waits until
   * the cluster no longer lists them, so that `ensure` creates them anew. Returns the deleted ones.
   */
  async deleteAndWait(names: readonly string[], deleteTopics: (topics: string[]) => Promise<unknown>): Promise<string[]> {
    const present = [...(await this.#partitionCounts([...names])).keys()];
    if (present.length === 0) return [];
    await deleteTopics(present);
    const deadline = Date.now() + this.#timeoutMs;
    while ((await this.#partitionCounts(present)).size > 0) {
      if (Date.now() > deadline) throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, `topics ${present.join(', ')} were still listed ${this.#timeoutMs} ms after their deletion`);
      await sleep(100);
    }
    return present;
  }

  async #partitionCounts(names: string[]): Promise<Map<string, number>> {
    const response = await this.#wire.call(kafkaClientLibrary().metadataV12.api, 'any', { minVersion: 4, partial: true }, names, false, false);
    const out = new Map<string, number>();
    for (const t of response.topics) {
      if (t.name === null || t.name === undefined) continue;
      if (t.errorCode === UNKNOWN_TOPIC_OR_PARTITION) continue;
      if (t.errorCode !== 0) {
        throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, `cannot look up internal topic '${t.name}': ${errorName(t.errorCode)}`);
      }
      out.set(t.name, t.partitions.length);
    }
    return out;
  }

  /** One CreateTopics for all; returns the names someone else created first. */
  async #create(specs: readonly InternalTopicSpec[]): Promise<Set<string>> {
    const request = specs.map((s) => ({
      name: s.name,
      numPartitions: s.partitions,
      replicationFactor: s.replicationFactor ?? -1,
      assignments: [],
      configs: Object.entries(s.configs ?? {}).map(([name, value]) => ({ name, value })),
    }));
    // replicationFactor -1 needs CreateTopics v4+ (KIP-464).
    const response = await this.#wire.call(kafkaClientLibrary().createTopicsV7.api, 'controller', { minVersion: 4, partial: true }, request, this.#timeoutMs, false);
    const raced = new Set<string>();
    for (const t of response.topics) {
      if (t.errorCode === 0) continue;
      if (t.errorCode === TOPIC_ALREADY_EXISTS) {
        raced.add(t.name);
        continue;
      }
      throw new KafkaRequestError(
        KAFKA_SUBSTRATE_CODES.INTERNAL_TOPIC_CREATE,
        `Kafka refused to create internal topic '${t.name}' (${errorName(t.errorCode)}${t.errorMessage ? `: ${t.errorMessage}` : ''}); ` +
          `create it yourself with the partitions and configs Sluice needs, or allow the job's principal to create topics`,
      );
    }
    return raced;
  }

  /** Waits until every partition of the new topics has a leader (creation is asynchronous in Kafka). */
  async #awaitLeaders(names: string[]): Promise<void> {
    if (names.length === 0) return;
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      const response = await this.#wire.call(kafkaClientLibrary().metadataV12.api, 'any', { minVersion: 4, partial: true }, names, false, false);
      const ready = response.topics.every((t) => t.errorCode === 0 && t.partitions.length > 0 && t.partitions.every((p) => p.leaderId >= 0));
      if (ready && response.topics.length === names.length) return;
      if (waited > this.#timeoutMs) {
        throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.INTERNAL_TOPIC_CREATE, `internal topics ${names.join(', ')} were created but have no leaders after ${this.#timeoutMs} ms`);
      }
      const pause = Math.min(50 * attempt, 500);
      await sleep(pause);
      waited += pause;
    }
  }

  async #checkConfigs(specs: readonly InternalTopicSpec[]): Promise<void> {
    const checks = specs
      .map((s) => ({ spec: s, keys: s.checkedConfigs ?? (s.configs?.['cleanup.policy'] !== undefined ? ['cleanup.policy'] : []) }))
      .filter((c) => c.keys.length > 0);
    if (checks.length === 0) return;
    const resources = checks.map((c) => ({ resourceType: TOPIC_RESOURCE as 2, resourceName: c.spec.name, configurationKeys: [...c.keys] }));
    const response = await this.#wire.call(kafkaClientLibrary().describeConfigsV4.api, 'any', { partial: true }, resources, false, false);
    for (const { spec, keys } of checks) {
      const result = response.results.find((r) => r.resourceName === spec.name);
      if (result === undefined || result.errorCode !== 0) {
        throw new KafkaRequestError(
          KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST,
          `cannot read the configs of internal topic '${spec.name}' (${result === undefined ? 'no answer' : errorName(result.errorCode)}); Sluice must check them before using the topic`,
        );
      }
      for (const key of keys) {
        const expected = spec.configs?.[key];
        if (expected === undefined) continue;
        const found = result.configs.find((c) => c.name === key)?.value ?? null;
        if (!sameConfigValue(key, expected, found)) {
          throw new InternalTopicMismatchError(
            spec.name,
            key,
            expected,
            found ?? '(not set)',
            `Set it (e.g. kafka-configs.sh --alter --entity-type topics --entity-name ${spec.name} --add-config ${key}=${expected}) and restart, ` +
              `or delete the topic (sluice topics delete ${spec.name}) if its contents may be discarded.`,
          );
        }
      }
    }
  }
}

/** Config equality; list-valued configs such as cleanup.policy compare as sets. */
function sameConfigValue(key: string, expected: string, found: string | null): boolean {
  if (found === null) return false;
  if (key === 'cleanup.policy') {
    const a = new Set(expected.split(',').map((s) => s.trim()));
    const b = new Set(found.split(',').map((s) => s.trim()));
    return a.size === b.size && [...a].every((x) => b.has(x));
  }
  return expected.trim() === found.trim();
}
