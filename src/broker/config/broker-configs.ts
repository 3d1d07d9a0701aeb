import { bool, int, list, long, LONG_MAX_STRING, nullableLong, text, type ConfigEffect, type ConfigTypeName, type Parser } from './config-types.ts';
import { TOPIC_CONFIGS } from './topic-configs.ts';

/** One broker config as this broker describes it (names and meanings from Apache Kafka 3.9). */
export interface BrokerConfigDef {
  type: ConfigTypeName;
  /** Apache Kafka's default (null: Kafka leaves it unset). */
  kafkaDefault: string | null;
  /** This broker's default, when it differs from Kafka's (finite limits for an embedded broker). */
  sluiceDefault?: string | null;
  parse: Parser;
  /** Alterable with AlterConfigs / IncrementalAlterConfigs on the broker resource (as in Kafka). */
  dynamic: boolean;
  effect: ConfigEffect;
  doc: string;
  /** Reports the running broker (its id, address, data directory); set at start, never altered. */
  derived?: boolean;
  /** Sluice's own config, with no Kafka counterpart. */
  sluice?: boolean;
}

const MIB = 1024 * 1024;

/** Sluice's finite budgets for an embedded broker (Kafka leaves the first three unbounded). */
export const SLUICE_DEFAULTS = {
  queuedMaxRequestBytes: 256 * MIB,
  maxConnections: 1000,
  maxConnectionsPerIp: 1000,
  retentionCheckIntervalMs: 30_000,
  maxPartitions: 50_000,
  requestReadTimeoutMs: 30_000,
  maxOpenSegmentFiles: 1000,
} as const;

/** `host:count,host:count` (Kafka's max.connections.per.ip.overrides). */
const perIpOverrides: Parser = (v) => {
  const items = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const item of items) {
    const at = item.lastIndexOf(':');
    if (at <= 0 || !/^\d+$/.test(item.slice(at + 1))) throw new Error('must be a list of host:count');
  }
  return items.join(',');
};

const NO_THREADS = 'Node.js runs the broker on one event loop; stored and described, without effect.';
const NO_REPLICAS = 'Single node: internal state is kept in the data directory with no replicas; stored, without effect.';

function def(type: ConfigTypeName, kafkaDefault: string | null, parse: Parser, dynamic: boolean, effect: ConfigEffect, doc: string, extra: Partial<BrokerConfigDef> = {}): BrokerConfigDef {
  return { type, kafkaDefault, parse, dynamic, effect, doc, ...extra };
}

/** Broker configs that are not topic defaults. */
const SERVER_CONFIGS: Record<string, BrokerConfigDef> = {
  'node.id': def('INT', '-1', int(-1), false, 'applied', 'Id of this broker (Metadata, FindCoordinator, DescribeCluster).', { derived: true }),
  'broker.id': def('INT', '-1', int(-1), false, 'applied', 'Same as node.id.', { derived: true }),
  'process.roles': def('LIST', '', list('broker', 'controller'), false, 'applied', 'The single node is both broker and controller.', { derived: true }),
  listeners: def('LIST', 'PLAINTEXT://:9092', text, false, 'applied', 'The address the broker listens on (--host, --port).', { derived: true }),
  'advertised.listeners': def('LIST', null, text, false, 'applied', 'The address given to clients (--advertised-host).', { derived: true }),
  'log.dirs': def('LIST', null, text, false, 'applied', 'Where logs are kept (the data directory, --data-dir).', { derived: true }),
  'log.dir': def('STRING', '/tmp/kafka-logs', text, false, 'applied', 'Same as log.dirs.', { derived: true }),
  'num.partitions': def('INT', '1', int(1), false, 'applied', 'Partitions of auto-created topics and of CreateTopics asking for -1.'),
  'default.replication.factor': def('INT', '1', int(1, 1), false, 'applied', 'Replication factor of topics created with -1; always 1 on a single node.'),
  'auto.create.topics.enable': def('BOOLEAN', 'true', bool, false, 'applied', 'Create unknown topics when a client asks Metadata for them.'),
  'delete.topic.enable': def('BOOLEAN', 'true', bool, false, 'applied', 'When false, DeleteTopics fails with TOPIC_DELETION_DISABLED.'),
  'socket.request.max.bytes': def('INT', String(100 * MIB), int(1), false, 'applied', 'Largest request frame; a larger one closes its connection.'),
  'queued.max.request.bytes': def('LONG', '-1', long(-1), false, 'applied', 'Memory for requests being read, over all connections together; when it is spent, reading pauses until requests are handled. Must be at least socket.request.max.bytes.', { sluiceDefault: String(SLUICE_DEFAULTS.queuedMaxRequestBytes) }),
  'max.connections': def('INT', '2147483647', int(0), true, 'applied', 'Most client connections at once; further ones are closed on accept.', { sluiceDefault: String(SLUICE_DEFAULTS.maxConnections) }),
  'max.connections.per.ip': def('INT', '2147483647', int(0), true, 'applied', 'Most connections at once from one address; further ones are closed on accept.', { sluiceDefault: String(SLUICE_DEFAULTS.maxConnectionsPerIp) }),
  'max.connections.per.ip.overrides': def('STRING', '', perIpOverrides, true, 'applied', 'Per-address exceptions to max.connections.per.ip, as host:count,host:count.'),
  'connections.max.idle.ms': def('LONG', '600000', long(1), false, 'applied', 'Connections with no traffic (and nothing pending) for this long are closed.'),
  'fetch.max.bytes': def('INT', '57671680', int(1024), false, 'applied', 'Most bytes of records in one fetch response, whatever the client asks; an oversized first batch is still returned (KIP-74).'),
  'log.retention.check.interval.ms': def('LONG', '300000', long(1), false, 'applied', 'How often retention.ms and retention.bytes are checked (retention.bytes is also checked whenever a segment rolls).', { sluiceDefault: String(SLUICE_DEFAULTS.retentionCheckIntervalMs) }),
  'log.cleaner.enable': def('BOOLEAN', 'true', bool, false, 'applied', 'Run the log cleaner for compacted topics.'),
  'log.cleaner.backoff.ms': def('LONG', '15000', long(0), true, 'applied', 'Pause of the log cleaner when no log is cleanable.'),
  'log.cleaner.threads': def('INT', '1', int(0), true, 'no-effect', `Cleaner threads. ${NO_THREADS}`),
  'transaction.max.timeout.ms': def('INT', '900000', int(1), false, 'applied', 'Longest transaction timeout a producer may ask for.'),
  'transactional.id.expiration.ms': def('INT', '604800000', int(1), false, 'no-effect', 'Kafka forgets idle transactional ids after this long; they are kept here.'),
  'producer.id.expiration.ms': def('INT', '86400000', int(1), true, 'no-effect', 'Kafka forgets idle idempotent producers after this long; their state is kept here.'),
  'group.min.session.timeout.ms': def('INT', '6000', int(0), false, 'applied', 'Shortest session timeout a group member may ask for.'),
  'group.max.session.timeout.ms': def('INT', '1800000', int(0), false, 'applied', 'Longest session timeout a group member may ask for.'),
  'group.initial.rebalance.delay.ms': def('INT', '3000', int(0), false, 'applied', 'Wait for more members before the first rebalance of an empty group (0 here, for fast development and tests).', { sluiceDefault: '0' }),
  'group.max.size': def('INT', '2147483647', int(1), false, 'applied', 'Most members of one classic group.'),
  'offset.metadata.max.bytes': def('INT', '4096', int(0), false, 'applied', 'Largest metadata string of a committed offset.'),
  'offsets.retention.minutes': def('INT', '10080', int(1), false, 'applied', 'Committed offsets of an empty group are dropped after this long.'),
  'offsets.retention.check.interval.ms': def('LONG', '600000', long(1), false, 'applied', 'How often expired offsets are dropped.'),
  'offsets.topic.replication.factor': def('SHORT', '3', int(1, 32767), false, 'no-effect', `Replicas of __consumer_offsets. ${NO_REPLICAS}`, { sluiceDefault: '1' }),
  'offsets.topic.num.partitions': def('INT', '50', int(1), false, 'no-effect', 'Partitions of __consumer_offsets; offsets are kept in one journal here.'),
  'transaction.state.log.replication.factor': def('SHORT', '3', int(1, 32767), false, 'no-effect', `Replicas of __transaction_state. ${NO_REPLICAS}`, { sluiceDefault: '1' }),
  'transaction.state.log.min.isr': def('INT', '2', int(1), false, 'no-effect', `In-sync replicas of __transaction_state. ${NO_REPLICAS}`, { sluiceDefault: '1' }),
  'num.network.threads': def('INT', '3', int(1), true, 'no-effect', `Network threads. ${NO_THREADS}`),
  'num.io.threads': def('INT', '8', int(1), true, 'no-effect', `Request handler threads. ${NO_THREADS}`),
  'num.replica.fetchers': def('INT', '1', int(1), true, 'no-effect', `Replica fetcher threads. ${NO_REPLICAS}`),
  'num.recovery.threads.per.data.dir': def('INT', '1', int(1), true, 'no-effect', `Log recovery threads. ${NO_THREADS}`),
  'background.threads': def('INT', '10', int(1), true, 'no-effect', `Background threads. ${NO_THREADS}`),
  'queued.max.requests': def('INT', '500', int(1), false, 'no-effect', 'Requests queued for Kafka\u2019s handler threads. Here a connection has at most 100 requests unanswered and stops being read while its unsent responses exceed 1 MiB.'),
  'socket.send.buffer.bytes': def('INT', '102400', int(-1), false, 'no-effect', 'SO_SNDBUF of client sockets; the operating system default is used.'),
  'socket.receive.buffer.bytes': def('INT', '102400', int(-1), false, 'no-effect', 'SO_RCVBUF of client sockets; the operating system default is used.'),
  'sluice.max.partitions': def('INT', null, int(1), true, 'applied', 'Most partitions this broker holds; creating more fails with POLICY_VIOLATION. A data directory with more (written under a higher limit) still starts.', { sluice: true, sluiceDefault: String(SLUICE_DEFAULTS.maxPartitions) }),
  'sluice.request.read.timeout.ms': def('LONG', null, long(1), true, 'applied', 'A request that has started arriving must arrive whole within this time (while the broker is reading it), or its connection is closed; protects against clients that send a byte now and then.', { sluice: true, sluiceDefault: String(SLUICE_DEFAULTS.requestReadTimeoutMs) }),
  'sluice.max.open.segment.files': def('INT', null, int(16), false, 'applied', 'Most segment files kept open at once; idle partitions cost no file descriptor.', { sluice: true, sluiceDefault: String(SLUICE_DEFAULTS.maxOpenSegmentFiles) }),
};

/** Broker configs of Kafka whose only role is to default a topic config, with their Kafka types and defaults. */
/** Kafka's nullable (unset by default) synonyms and the least value each accepts. */
const NULLABLE_SYNONYMS = new Map<string, number | undefined>([['log.retention.ms', undefined], ['log.retention.minutes', undefined], ['log.roll.ms', 1], ['log.roll.jitter.ms', 0], ['log.flush.interval.ms', 0]]);
const INT_SYNONYMS = new Set(['log.retention.minutes', 'log.retention.hours', 'log.roll.hours', 'log.roll.jitter.hours']);
const SYNONYM_DEFAULTS: Record<string, string | null> = { 'log.retention.hours': '168', 'log.roll.hours': '168', 'log.roll.jitter.hours': '0', 'log.flush.scheduler.interval.ms': LONG_MAX_STRING };
const HOUR_PARSERS: Record<string, Parser> = { 'log.retention.hours': int(), 'log.roll.hours': int(1), 'log.roll.jitter.hours': int(0) };

function topicDefaultConfigs(): Record<string, BrokerConfigDef> {
  const out: Record<string, BrokerConfigDef> = {};
  for (const [topicName, t] of Object.entries(TOPIC_CONFIGS)) {
    t.synonyms.forEach((s, i) => {
      const factor = s.factor ?? 1;
      const nullable = NULLABLE_SYNONYMS.has(s.name);
      const type: ConfigTypeName = INT_SYNONYMS.has(s.name) ? 'INT' : t.type;
      const kafkaDefault = s.name in SYNONYM_DEFAULTS ? SYNONYM_DEFAULTS[s.name]! : nullable ? null : t.default;
      const parse: Parser = nullable ? nullableLong(NULLABLE_SYNONYMS.get(s.name)) : (HOUR_PARSERS[s.name] ?? t.parse);
      // Kafka lets the highest-priority synonym of a topic config change at runtime (DynamicLogConfig),
      // except the message format version.
      const dynamic = i === 0 && s.name !== 'log.message.format.version';
      const unit = factor === 1 ? '' : ` (in ${factor === 3_600_000 ? 'hours' : 'minutes'})`;
      out[s.name] = def(type, kafkaDefault, parse, dynamic, t.effect, `Default of the topic config ${topicName}${unit} for topics that do not set it. ${t.doc}`);
    });
  }
  return out;
}

/** Every broker config this broker describes, sorted by name. */
export const BROKER_CONFIGS: Readonly<Record<string, BrokerConfigDef>> = Object.fromEntries(
  Object.entries({ ...topicDefaultConfigs(), ...SERVER_CONFIGS }).sort(([a], [b]) => a.localeCompare(b)),
);

/** This broker's default of a config: Sluice's when it has one, else Kafka's. */
export function defaultOf(name: string): string | null {
  const d = BROKER_CONFIGS[name];
  if (!d) return null;
  return d.sluiceDefault !== undefined ? d.sluiceDefault : d.kafkaDefault;
}

/** The broker configs that are set together (Kafka's synonyms), highest priority first. */
export function brokerSynonyms(name: string): string[] {
  for (const t of Object.values(TOPIC_CONFIGS)) {
    if (t.synonyms.length > 1 && t.synonyms.some((s) => s.name === name)) return t.synonyms.map((s) => s.name);
  }
  return [name];
}
