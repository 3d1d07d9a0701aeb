import { TOPIC_CONFIGS } from './topic-configs.ts';
import { BrokerConfigError } from './broker-settings.ts';

/** The startBroker options that are broker configs under a friendlier name. */
export interface ConfigShorthands {
  autoCreateTopics?: boolean;
  defaultPartitions?: number;
  topicDefaults?: Record<string, string>;
  maxFrameBytes?: number;
  connectionsMaxIdleMs?: number;
  retentionCheckIntervalMs?: number;
  cleaner?: { intervalMs?: number; enabled?: boolean };
  groups?: { minSessionTimeoutMs?: number; maxSessionTimeoutMs?: number; initialRebalanceDelayMs?: number };
  maxTransactionTimeoutMs?: number;
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
