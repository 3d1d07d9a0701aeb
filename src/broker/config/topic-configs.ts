import { bool, double, int, list, long, LONG_MAX_STRING, oneOf, text, type ConfigEffect, type ConfigTypeName, type Parser } from './config-types.ts';

/** A broker config whose value gives a topic config its default, with the unit conversion. */
export interface TopicSynonym {
  name: string;
  /** Multiplier from the broker config's unit to the topic config's (hours -> ms: 3600000). */
  factor?: number;
}

/** One topic-level config as Apache Kafka 3.9 defines it. */
export interface TopicConfigDef {
  type: ConfigTypeName;
  /** Kafka's default. */
  default: string;
  parse: Parser;
  /** Broker configs that set the default, highest priority first (Kafka's synonyms). */
  synonyms: TopicSynonym[];
  effect: ConfigEffect;
  /** What it does (and, when it has no effect here, why). */
  doc: string;
}

const HOURS = 3_600_000;
const MINUTES = 60_000;
const log = (name: string): TopicSynonym[] => [{ name: `log.${name}` }];
const same = (name: string): TopicSynonym[] => [{ name }];
const cleaner = (name: string): TopicSynonym[] => [{ name: `log.cleaner.${name}` }];

/** `[partition]:[broker]` pairs or `*` (Kafka's throttled replica lists). */
const throttledReplicas: Parser = (v) => {
  const s = list()(v);
  if (s === '' || s === '*') return s;
  for (const item of s.split(',')) if (!/^\d+:\d+$/.test(item)) throw new Error('must be a list of [partitionId]:[brokerId] or *');
  return s;
};

const messageFormatVersion: Parser = (v) => {
  const s = v.trim();
  if (!/^\d+\.\d+(\.\d+)?(-IV\d+)?$/.test(s)) throw new Error('must be a Kafka version such as 3.0-IV1');
  return s;
};

const remoteStorage: Parser = (v) => {
  const s = bool(v);
  if (s === 'true') throw new Error('tiered storage is not available on this broker (remote.log.storage.system.enable is false)');
  return s;
};

const NO_TIERED = 'Tiered storage: there is no remote log storage on this broker, so it has no effect.';
const NO_REPLICATION = 'Replication: the broker is a single node, so it has no effect.';

/**
 * Every topic-level config of Apache Kafka 3.9, with its type, default, validation and broker
 * synonyms. `effect` says whether this broker applies it; those it cannot apply are stored and
 * described like Kafka does, so tools that set them keep working.
 */
export const TOPIC_CONFIGS: Readonly<Record<string, TopicConfigDef>> = {
  'cleanup.policy': { type: 'LIST', default: 'delete', parse: list('compact', 'delete'), synonyms: log('cleanup.policy'), effect: 'applied', doc: 'delete: old segments are removed by retention; compact: the latest record per key is kept by the log cleaner; both: compaction and retention.' },
  'compression.gzip.level': { type: 'INT', default: '-1', parse: (v) => (v.trim() === '-1' ? '-1' : int(1, 9)(v)), synonyms: same('compression.gzip.level'), effect: 'no-effect', doc: 'Level used when compression.type=gzip recompresses batches. Batches are stored as the producer compressed them here, so it has no effect.' },
  'compression.lz4.level': { type: 'INT', default: '9', parse: int(1, 17), synonyms: same('compression.lz4.level'), effect: 'no-effect', doc: 'Level used when compression.type=lz4 recompresses batches; no effect here (batches are stored as produced).' },
  'compression.type': { type: 'STRING', default: 'producer', parse: oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'), synonyms: same('compression.type'), effect: 'no-effect', doc: 'Codec Kafka recompresses batches to. This broker always keeps batches as the producer compressed them (as with the default, producer).' },
  'compression.zstd.level': { type: 'INT', default: '3', parse: int(-131072, 22), synonyms: same('compression.zstd.level'), effect: 'no-effect', doc: 'Level used when compression.type=zstd recompresses batches; no effect here (batches are stored as produced).' },
  'delete.retention.ms': { type: 'LONG', default: '86400000', parse: long(0), synonyms: cleaner('delete.retention.ms'), effect: 'applied', doc: 'How long the log cleaner keeps tombstones (and emptied transaction markers) after they were first cleaned.' },
  'file.delete.delay.ms': { type: 'LONG', default: '60000', parse: long(0), synonyms: log('segment.delete.delay.ms'), effect: 'no-effect', doc: 'Delay before Kafka removes a deleted segment file. Files are removed at once here; a response already promised keeps reading through its open file.' },
  'flush.messages': { type: 'LONG', default: LONG_MAX_STRING, parse: long(1), synonyms: log('flush.interval.messages'), effect: 'applied', doc: 'fsync a partition after this many messages were appended since its last fsync (1: every produce).' },
  'flush.ms': { type: 'LONG', default: LONG_MAX_STRING, parse: long(0), synonyms: [{ name: 'log.flush.interval.ms' }, { name: 'log.flush.scheduler.interval.ms' }], effect: 'applied', doc: 'fsync a partition once its oldest unflushed append is this old (checked every 100 ms).' },
  'follower.replication.throttled.replicas': { type: 'LIST', default: '', parse: throttledReplicas, synonyms: [], effect: 'no-effect', doc: `Replicas throttled while following. ${NO_REPLICATION}` },
  'index.interval.bytes': { type: 'INT', default: '4096', parse: int(0), synonyms: log('index.interval.bytes'), effect: 'applied', doc: 'Bytes of batches between two entries of the sparse offset index.' },
  'leader.replication.throttled.replicas': { type: 'LIST', default: '', parse: throttledReplicas, synonyms: [], effect: 'no-effect', doc: `Replicas throttled while leading. ${NO_REPLICATION}` },
  'local.retention.bytes': { type: 'LONG', default: '-2', parse: long(-2), synonyms: log('local.retention.bytes'), effect: 'no-effect', doc: `Local part of tiered retention by size. ${NO_TIERED}` },
  'local.retention.ms': { type: 'LONG', default: '-2', parse: long(-2), synonyms: log('local.retention.ms'), effect: 'no-effect', doc: `Local part of tiered retention by time. ${NO_TIERED}` },
  'max.compaction.lag.ms': { type: 'LONG', default: LONG_MAX_STRING, parse: long(1), synonyms: cleaner('max.compaction.lag.ms'), effect: 'applied', doc: 'A record not yet compacted after this long makes its log eligible for cleaning whatever the dirty ratio.' },
  'max.message.bytes': { type: 'INT', default: '1048588', parse: int(0), synonyms: same('message.max.bytes'), effect: 'applied', doc: 'Largest record batch a producer may append to this topic (MESSAGE_TOO_LARGE beyond it).' },
  'message.downconversion.enable': { type: 'BOOLEAN', default: 'true', parse: bool, synonyms: log('message.downconversion.enable'), effect: 'deprecated', doc: 'Whether Kafka converts batches to older formats for old consumers. Removed in Kafka 4.0; this broker never down-converts.' },
  'message.format.version': { type: 'STRING', default: '3.0-IV1', parse: messageFormatVersion, synonyms: log('message.format.version'), effect: 'deprecated', doc: 'Message format of the topic. Deprecated since Kafka 3.0 and removed in 4.0; batches are always format v2 here.' },
  'message.timestamp.after.max.ms': { type: 'LONG', default: LONG_MAX_STRING, parse: long(0), synonyms: log('message.timestamp.after.max.ms'), effect: 'applied', doc: 'CreateTime topics refuse batches whose largest timestamp is more than this far in the broker\u2019s future (INVALID_TIMESTAMP).' },
  'message.timestamp.before.max.ms': { type: 'LONG', default: LONG_MAX_STRING, parse: long(0), synonyms: log('message.timestamp.before.max.ms'), effect: 'applied', doc: 'CreateTime topics refuse batches whose first timestamp is more than this far in the broker\u2019s past (INVALID_TIMESTAMP).' },
  'message.timestamp.difference.max.ms': { type: 'LONG', default: LONG_MAX_STRING, parse: long(0), synonyms: log('message.timestamp.difference.max.ms'), effect: 'deprecated', doc: 'Older form of the before/after limits, removed in Kafka 4.0. Applied as both limits when they are not set.' },
  'message.timestamp.type': { type: 'STRING', default: 'CreateTime', parse: oneOf('CreateTime', 'LogAppendTime'), synonyms: log('message.timestamp.type'), effect: 'applied', doc: 'CreateTime keeps the producer\u2019s timestamps; LogAppendTime stamps batches with the broker\u2019s time.' },
  'min.cleanable.dirty.ratio': { type: 'DOUBLE', default: '0.5', parse: double(0, 1), synonyms: cleaner('min.cleanable.ratio'), effect: 'applied', doc: 'Share of uncompacted bytes above which the log cleaner picks a compacted log.' },
  'min.compaction.lag.ms': { type: 'LONG', default: '0', parse: long(0), synonyms: cleaner('min.compaction.lag.ms'), effect: 'applied', doc: 'Records younger than this are never compacted.' },
  'min.insync.replicas': { type: 'INT', default: '1', parse: int(1), synonyms: same('min.insync.replicas'), effect: 'applied', doc: 'Replicas that must hold a write for acks=all. With one broker, a value above 1 makes acks=all produce fail with NOT_ENOUGH_REPLICAS, as Kafka does.' },
  preallocate: { type: 'BOOLEAN', default: 'false', parse: bool, synonyms: log('preallocate'), effect: 'no-effect', doc: 'Whether Kafka preallocates segment files. Files grow as written here.' },
  'remote.log.copy.disable': { type: 'BOOLEAN', default: 'false', parse: bool, synonyms: [], effect: 'no-effect', doc: `Stops copying segments to remote storage. ${NO_TIERED}` },
  'remote.log.delete.on.disable': { type: 'BOOLEAN', default: 'false', parse: bool, synonyms: [], effect: 'no-effect', doc: `Deletes remote data when tiered storage is turned off. ${NO_TIERED}` },
  'remote.storage.enable': { type: 'BOOLEAN', default: 'false', parse: remoteStorage, synonyms: [], effect: 'no-effect', doc: `Turns on tiered storage for the topic. ${NO_TIERED} Setting it to true is refused, as Kafka refuses it on a broker without remote storage.` },
  'retention.bytes': { type: 'LONG', default: '-1', parse: long(), synonyms: log('retention.bytes'), effect: 'applied', doc: 'Largest size of a partition before its oldest segments are deleted (-1: no limit). Checked when a segment rolls and every log.retention.check.interval.ms.' },
  'retention.ms': { type: 'LONG', default: '604800000', parse: long(-1), synonyms: [{ name: 'log.retention.ms' }, { name: 'log.retention.minutes', factor: MINUTES }, { name: 'log.retention.hours', factor: HOURS }], effect: 'applied', doc: 'Age after which whole segments are deleted (-1: keep forever). The active segment is never deleted.' },
  'segment.bytes': { type: 'INT', default: '1073741824', parse: int(14), synonyms: log('segment.bytes'), effect: 'applied', doc: 'Size at which a partition rolls to a new segment file.' },
  'segment.index.bytes': { type: 'INT', default: '10485760', parse: int(4), synonyms: log('index.size.max.bytes'), effect: 'applied', doc: 'Size of Kafka\u2019s offset index file; a segment rolls when its index (8 bytes per entry) would exceed it.' },
  'segment.jitter.ms': { type: 'LONG', default: '0', parse: long(0), synonyms: [{ name: 'log.roll.jitter.ms' }, { name: 'log.roll.jitter.hours', factor: HOURS }], effect: 'applied', doc: 'Random time taken off segment.ms for each new segment, so that many partitions do not roll at once.' },
  'segment.ms': { type: 'LONG', default: '604800000', parse: long(1), synonyms: [{ name: 'log.roll.ms' }, { name: 'log.roll.hours', factor: HOURS }], effect: 'applied', doc: 'Age at which a partition rolls to a new segment on its next append (so that retention can delete old data).' },
  'unclean.leader.election.enable': { type: 'BOOLEAN', default: 'false', parse: bool, synonyms: same('unclean.leader.election.enable'), effect: 'no-effect', doc: `Lets an out-of-sync replica become leader. ${NO_REPLICATION}` },
};

/** Validates and normalizes `key=value` as a topic config; throws an Error saying why not. */
export function parseTopicConfig(key: string, value: string): string {
  const def = TOPIC_CONFIGS[key];
  if (!def) throw new Error('unknown topic config');
  return def.parse(value);
}
