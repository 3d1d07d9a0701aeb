import { TOPIC_CONFIGS } from './topic-configs.ts';
import { BrokerConfigError } from './broker-settings.ts';

/** The startBroker options that are broker configs under a friendlier name (Kafka's name in parentheses). */
export interface ConfigShorthands {
  /** Create unknown topics when a client asks Metadata for them (auto.create.topics.enable). Default true. */
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics and of CreateTopics with -1 (num.partitions). Default 1. */
  defaultPartitions?: number;
  /** Broker-wide defaults for topic configs by topic config name, e.g. `{ 'retention.ms': '3600000' }`. */
  topicDefaults?: Record<string, string>;
  /** Largest request frame accepted (socket.request.max.bytes); bigger ones close the connection. Default 100 MiB. */
  maxFrameBytes?: number;
  /** Connections idle this long are closed (connections.max.idle.ms). Default 10 min. */
  connectionsMaxIdleMs?: number;
  /** How often retention runs (log.retention.check.interval.ms). Default 30 s. */
  retentionCheckIntervalMs?: number;
  /**
   * Log compaction of `cleanup.policy=compact` topics. `intervalMs` is the pause between looks
   * when nothing was cleanable (log.cleaner.backoff.ms, default 15 s); `enabled: false` turns the
   * cleaner off (log.cleaner.enable).
   */
  cleaner?: { intervalMs?: number; enabled?: boolean };
  /** Group coordinator settings (group.min.session.timeout.ms, group.max.session.timeout.ms, group.initial.rebalance.delay.ms). */
  groups?: { minSessionTimeoutMs?: number; maxSessionTimeoutMs?: number; initialRebalanceDelayMs?: number };
  /** Longest transaction timeout a producer may ask for (transaction.max.timeout.ms). Default 15 min. */
  maxTransactionTimeoutMs?: number;
  /**
   * Any broker config by its Kafka name (or a `sluice.*` one), e.g.
   * `{ 'max.connections': 200, 'queued.max.request.bytes': 64 * 1024 * 1024 }`. Wins over the
   * shorthand options above. See docs/broker.md for every config, its default and Kafka's.
   */
  config?: Record<string, string | number | boolean>;
}

/**
 * The static broker configs (Kafka names) given by startBroker options: the shorthands first,
 * then `config`, whose entries win. `topicDefaults` (topic config names) become their broker
 * synonyms (retention.ms -> log.retention.ms).
 */
export function staticConfigsOf(o: ConfigShorthands): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (name: string, v: string | number | boolean | undefined) => {
    if (v !== undefined) out[name] = String(v);
  };
  put('auto.create.topics.enable', o.autoCreateTopics);
  put('num.partitions', o.defaultPartitions);
  put('socket.request.max.bytes', o.maxFrameBytes);
  put('connections.max.idle.ms', o.connectionsMaxIdleMs);
  put('log.retention.check.interval.ms', o.retentionCheckIntervalMs);
  put('log.cleaner.backoff.ms', o.cleaner?.intervalMs);
  put('log.cleaner.enable', o.cleaner?.enabled);
  put('group.min.session.timeout.ms', o.groups?.minSessionTimeoutMs);
  put('group.max.session.timeout.ms', o.groups?.maxSessionTimeoutMs);
  put('group.initial.rebalance.delay.ms', o.groups?.initialRebalanceDelayMs);
  put('transaction.max.timeout.ms', o.maxTransactionTimeoutMs);
  for (const [topicName, value] of Object.entries(o.topicDefaults ?? {})) {
    const synonym = TOPIC_CONFIGS[topicName]?.synonyms[0]?.name;
    if (!synonym) throw new BrokerConfigError('INVALID_CONFIG', `topicDefaults: ${topicName} is not a topic config with a broker-wide default`);
    put(synonym, value);
  }
  for (const [name, value] of Object.entries(o.config ?? {})) put(name, value);
  return out;
}
