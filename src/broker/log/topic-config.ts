import { SluiceError } from '../../core/errors/sluice-error.ts';
import { TOPIC_CONFIGS } from '../config/topic-configs.ts';
import { numberOf } from '../config/config-types.ts';

/** Thrown for an unknown config key or a value that does not parse. */
export class InvalidTopicConfigError extends SluiceError {
  constructor(key: string, value: string, why: string) {
    super('SLUICE_INVALID_TOPIC_CONFIG', `topic config ${key}=${value} is invalid: ${why}`);
  }
}

/** Validates `key=value` and returns the value as Kafka normalizes it; throws InvalidTopicConfigError. */
export function validateConfig(key: string, value: string): string {
  const def = TOPIC_CONFIGS[key];
  if (!def) throw new InvalidTopicConfigError(key, value, 'unknown topic config key');
  try {
    return def.parse(value);
  } catch (e) {
    throw new InvalidTopicConfigError(key, value, (e as Error).message);
  }
}

/** Resolved, typed view of a topic's configs (explicit overrides over broker defaults over Kafka's). */
export class TopicConfig {
  /** The topic's own settings (Kafka's dynamic topic configs), normalized. */
  readonly overrides: Readonly<Record<string, string>>;
  /** Broker-wide defaults this config was resolved against (topic config names). */
  readonly brokerDefaults: Readonly<Record<string, string>>;
  readonly retentionMs: number;
  readonly retentionBytes: number;
  readonly segmentBytes: number;
  readonly segmentMs: number;
  readonly segmentJitterMs: number;
  /** Most offset-index entries a segment holds before it rolls (segment.index.bytes / 8). */
  readonly maxIndexEntries: number;
  readonly indexIntervalBytes: number;
  readonly maxMessageBytes: number;
  readonly logAppendTime: boolean;
  readonly compact: boolean;
  readonly deleteEnabled: boolean;
  readonly deleteRetentionMs: number;
  /** Compaction: a record is not compacted until it is at least this old (min.compaction.lag.ms). */
  readonly minCompactionLagMs: number;
  /** Compaction: a dirty record older than this makes the log cleanable at once (max.compaction.lag.ms). */
  readonly maxCompactionLagMs: number;
  /** Compaction: dirty bytes / total cleanable bytes above which the cleaner picks the log. */
  readonly minCleanableDirtyRatio: number;
  readonly minInsyncReplicas: number;
  /** fsync after this many appended messages (Number.MAX_SAFE_INTEGER: never). */
  readonly flushMessages: number;
  /** fsync once the oldest unflushed append is this old (Number.MAX_SAFE_INTEGER: never). */
  readonly flushMs: number;
  /** CreateTime topics: how far in the past / future a batch's timestamps may be. */
  readonly timestampBeforeMaxMs: number;
  readonly timestampAfterMaxMs: number;

  constructor(overrides: Record<string, string> = {}, brokerDefaults: Record<string, string> = {}) {
    const own: Record<string, string> = {};
    for (const [key, value] of Object.entries(overrides)) own[key] = validateConfig(key, value);
    const defaults: Record<string, string> = {};
    for (const [key, value] of Object.entries(brokerDefaults)) defaults[key] = validateConfig(key, value);
    this.overrides = Object.freeze(own);
    this.brokerDefaults = Object.freeze(defaults);
    const str = (key: string) => own[key] ?? defaults[key] ?? TOPIC_CONFIGS[key]!.default;
    const num = (key: string) => numberOf(str(key));
    const set = (key: string) => key in own || key in defaults;
    this.retentionMs = num('retention.ms');
    this.retentionBytes = num('retention.bytes');
    this.segmentBytes = num('segment.bytes');
    this.segmentMs = num('segment.ms');
    this.segmentJitterMs = num('segment.jitter.ms');
    this.maxIndexEntries = Math.max(1, Math.floor(num('segment.index.bytes') / 8));
    this.indexIntervalBytes = num('index.interval.bytes');
    this.maxMessageBytes = num('max.message.bytes');
    this.logAppendTime = str('message.timestamp.type') === 'LogAppendTime';
    const policy = str('cleanup.policy').split(',');
    this.compact = policy.includes('compact');
    this.deleteEnabled = policy.includes('delete');
    this.deleteRetentionMs = num('delete.retention.ms');
    this.minCompactionLagMs = num('min.compaction.lag.ms');
    this.maxCompactionLagMs = num('max.compaction.lag.ms');
    this.minCleanableDirtyRatio = num('min.cleanable.dirty.ratio');
    this.minInsyncReplicas = num('min.insync.replicas');
    this.flushMessages = num('flush.messages');
    this.flushMs = num('flush.ms');
    // KIP-937: the deprecated difference limit stands in for whichever new limit is not set.
    const difference = num('message.timestamp.difference.max.ms');
    this.timestampBeforeMaxMs = set('message.timestamp.before.max.ms') ? num('message.timestamp.before.max.ms') : difference;
    this.timestampAfterMaxMs = set('message.timestamp.after.max.ms') ? num('message.timestamp.after.max.ms') : difference;
    if (this.minCompactionLagMs > this.maxCompactionLagMs) {
      throw new InvalidTopicConfigError(
        'min.compaction.lag.ms',
        String(this.minCompactionLagMs),
        `it is larger than max.compaction.lag.ms (${str('max.compaction.lag.ms')})`,
      );
    }
  }

  /** The effective value of a topic config and where it came from. */
  valueOf(name: string): { value: string; from: 'topic' | 'broker' | 'default' } {
    if (name in this.overrides) return { value: this.overrides[name]!, from: 'topic' };
    if (name in this.brokerDefaults) return { value: this.brokerDefaults[name]!, from: 'broker' };
    return { value: TOPIC_CONFIGS[name]!.default, from: 'default' };
  }
}
