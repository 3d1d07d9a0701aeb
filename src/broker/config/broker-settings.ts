import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SluiceError } from '../../core/errors/sluice-error.ts';
import { writeFileAtomic } from '../../util/atomic-file.ts';
import { BROKER_CONFIGS, brokerSynonyms, defaultOf } from './broker-configs.ts';
import { ConfigSource, numberOf } from './config-types.ts';
import { TOPIC_CONFIGS } from './topic-configs.ts';

/** Where a dynamic change applies: this broker (resource name = its id) or the cluster default (""). */
export type DynamicScope = 'broker' | 'cluster';

/** A config refused by AlterConfigs / startBroker, with the Kafka error it maps to. */
export class BrokerConfigError extends SluiceError {
  readonly kafkaError: 'INVALID_CONFIG' | 'INVALID_REQUEST';
  constructor(kafkaError: BrokerConfigError['kafkaError'], message: string) {
    super('SLUICE_INVALID_BROKER_CONFIG', message);
    this.kafkaError = kafkaError;
  }
}

/** One entry of a synonym list, as DescribeConfigs shows it. */
export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

interface DynamicFile {
  broker: Record<string, string>;
  cluster: Record<string, string>;
}

/** Validates a broker config value; returns it normalized. */
export function parseBrokerConfig(name: string, value: string): string {
  const d = BROKER_CONFIGS[name];
  if (!d) throw new BrokerConfigError('INVALID_CONFIG', `unknown broker config ${name}`);
  try {
    return d.parse(value);
  } catch (e) {
    throw new BrokerConfigError('INVALID_CONFIG', `broker config ${name}=${value} is invalid: ${(e as Error).message}`);
  }
}

/**
 * The broker's configuration in Kafka's layers: dynamic per-broker configs over dynamic cluster
 * defaults over static configs (startBroker options, command line) over defaults. Dynamic ones are
 * kept in `<dataDir>/broker-configs.json`, so they survive a restart as in Kafka's metadata log.
 */
export class BrokerSettings {
  readonly #static: Record<string, string> = {};
  readonly #derived: Record<string, string>;
  #broker: Record<string, string> = {};
  #cluster: Record<string, string> = {};
  readonly #file: string | null;
  readonly #listeners = new Set<(changed: readonly string[]) => void>();

  constructor(staticConfigs: Record<string, string>, derived: Record<string, string>, dataDir: string | null) {
    for (const [name, value] of Object.entries(staticConfigs)) {
      if (BROKER_CONFIGS[name]?.derived) throw new BrokerConfigError('INVALID_CONFIG', `${name} is set from the broker's own options, not as a config`);
      this.#static[name] = parseBrokerConfig(name, value);
    }
    this.#derived = derived;
    this.#file = dataDir === null ? null : join(dataDir, 'broker-configs.json');
    if (this.#file && existsSync(this.#file)) {
      const saved = JSON.parse(readFileSync(this.#file, 'utf8')) as DynamicFile;
      this.#broker = keepValid(saved.broker ?? {});
      this.#cluster = keepValid(saved.cluster ?? {});
    }
    const queued = this.number('queued.max.request.bytes');
    if (queued >= 0 && queued < this.number('socket.request.max.bytes')) {
      throw new BrokerConfigError('INVALID_CONFIG', `queued.max.request.bytes (${queued}) must be at least socket.request.max.bytes (${this.number('socket.request.max.bytes')}), or -1 for no limit`);
    }
  }

  /** The effective value (null when unset and without default). */
  value(name: string): string | null {
    if (name in this.#derived) return this.#derived[name]!;
    return this.#broker[name] ?? this.#cluster[name] ?? this.#static[name] ?? defaultOf(name);
  }

  /** The effective value as a number (Long.MAX_VALUE saturates); NaN when unset. */
  number(name: string): number {
    const v = this.value(name);
    return v === null || v === '' ? Number.NaN : numberOf(v);
  }

  bool(name: string): boolean {
    return this.value(name) === 'true';
  }

  /** The layer the effective value comes from. */
  sourceOf(name: string): number {
    if (name in this.#derived) return ConfigSource.STATIC_BROKER_CONFIG;
    if (name in this.#broker) return ConfigSource.DYNAMIC_BROKER_CONFIG;
    if (name in this.#cluster) return ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG;
    if (name in this.#static) return ConfigSource.STATIC_BROKER_CONFIG;
    return ConfigSource.DEFAULT_CONFIG;
  }

  /**
   * Kafka's synonym list of a broker config: each of its synonyms set in each layer, most
   * authoritative first, starting at `name` itself (entries before it are dropped, as Kafka does).
   * `scope` 'cluster' keeps only cluster-default entries (the describe of resource "").
   */
  synonyms(name: string, scope: DynamicScope = 'broker'): ConfigSynonym[] {
    const names = brokerSynonyms(name);
    const out: ConfigSynonym[] = [];
    const layer = (values: Record<string, string>, source: number) => {
      for (const n of names) if (n in values) out.push({ name: n, value: values[n]!, source });
    };
    if (name in this.#derived) return [{ name, value: this.#derived[name]!, source: ConfigSource.STATIC_BROKER_CONFIG }];
    if (scope === 'broker') layer(this.#broker, ConfigSource.DYNAMIC_BROKER_CONFIG);
    layer(this.#cluster, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
    if (scope === 'broker') {
      layer(this.#static, ConfigSource.STATIC_BROKER_CONFIG);
      for (const n of names) {
        const d = defaultOf(n);
        if (d !== null) out.push({ name: n, value: d, source: ConfigSource.DEFAULT_CONFIG });
      }
    }
    const at = out.findIndex((s) => s.name === name);
    return at < 0 ? [] : out.slice(at);
  }

  /** Dynamic configs set for a scope. */
  dynamicConfigs(scope: DynamicScope): Readonly<Record<string, string>> {
    return scope === 'broker' ? this.#broker : this.#cluster;
  }

  /**
   * Broker-wide defaults of topic configs (topic config names): for each, the first of its broker
   * synonyms with a value, converted to the topic's unit (log.retention.hours=1 -> 3600000).
   */
  topicDefaults(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [topicName, t] of Object.entries(TOPIC_CONFIGS)) {
      for (const s of t.synonyms) {
        const v = this.value(s.name);
        if (v === null || v === '') continue;
        if (s.factor === undefined) out[topicName] = v;
        else {
          const n = BigInt(v) * BigInt(s.factor);
          out[topicName] = n < 0n ? '-1' : n.toString();
        }
        break;
      }
    }
    return out;
  }

  /**
   * Replaces (AlterConfigs) the dynamic configs of a scope with `next`. Every name must be a
   * dynamic broker config and every value valid, else nothing changes.
   */
  replace(scope: DynamicScope, next: Record<string, string>, validateOnly: boolean): void {
    const checked: Record<string, string> = {};
    for (const [name, value] of Object.entries(next)) {
      const d = BROKER_CONFIGS[name];
      if (!d) throw new BrokerConfigError('INVALID_CONFIG', `unknown broker config ${name}`);
      if (!d.dynamic) {
        throw new BrokerConfigError('INVALID_CONFIG', `${name} cannot be changed while the broker runs; set it at start (sluice broker --config ${name}=..., or startBroker({ config }))`);
      }
      checked[name] = parseBrokerConfig(name, value);
    }
    if (validateOnly) return;
    const before = scope === 'broker' ? this.#broker : this.#cluster;
    if (scope === 'broker') this.#broker = checked;
    else this.#cluster = checked;
    try {
      this.#save();
    } catch (err) {
      if (scope === 'broker') this.#broker = before;
      else this.#cluster = before;
      throw err;
    }
    const changed = new Set([...Object.keys(before), ...Object.keys(checked)]);
    for (const l of this.#listeners) l([...changed]);
  }

  /** Calls `listener` with the names of configs whose dynamic value changed. */
  onChange(listener: (changed: readonly string[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #save(): void {
    if (!this.#file) return;
    const file: DynamicFile = { broker: this.#broker, cluster: this.#cluster };
    writeFileAtomic(this.#file, JSON.stringify(file, null, 1));
  }
}

function keepValid(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    try {
      if (BROKER_CONFIGS[name]?.dynamic) out[name] = parseBrokerConfig(name, value);
    } catch {
      // a value a newer or older version accepted: ignored, the default applies
    }
  }
  return out;
}
