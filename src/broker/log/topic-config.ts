import { SluiceError } from '../../core/errors/sluice-error.ts';

/** A topic configuration key the broker knows, with Kafka's default and a parser. */
interface ConfigDef {
  default: string;
  parse: (value: string) => number | string;
  /** Shown by DescribeConfigs as read-only when true. */
  readOnly?: boolean;
}

const int = (min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`must be an integer >= ${min}`);
  return n;
};
const oneOf = (...allowed: string[]) => (v: string) => {
  const parts = v.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => !allowed.includes(p))) {
    throw new Error(`must be one of ${allowed.join(', ')}`);
  }
  return parts.join(',');
};

/** A duration that may be Long.MAX_VALUE (Kafka's "never"); kept as a number, saturating. */
const lagMs = (v: string) => {
  if (!/^\d+$/.test(v.trim())) throw new Error('must be an integer >= 1');
  const n = Number(v);
  if (n < 1) throw new Error('must be an integer >= 1');
  return Math.min(n, Number.MAX_SAFE_INTEGER);
};
const ratio = (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new Error('must be a number between 0 and 1');
  return n;
};

/** Topic-level configs, with Kafka's names and defaults. */
export const TOPIC_CONFIG_DEFS: Record<string, ConfigDef> = {
  'cleanup.policy': { default: 'delete', parse: oneOf('delete', 'compact') },
  'retention.ms': { default: '604800000', parse: int(-1) },
  'retention.bytes': { default: '-1', parse: int(-1) },
  'segment.bytes': { default: '1073741824', parse: int(1024) },
  'segment.ms': { default: '604800000', parse: int(1) },
  'index.interval.bytes': { default: '4096', parse: int(0) },
  'max.message.bytes': { default: '1048588', parse: int(0) },
  'message.timestamp.type': { default: 'CreateTime', parse: oneOf('CreateTime', 'LogAppendTime') },
  'delete.retention.ms': { default: '86400000', parse: int(0) },
  'min.compaction.lag.ms': { default: '0', parse: int(0) },
  'max.compaction.lag.ms': { default: '9223372036854775807', parse: lagMs },
  'min.cleanable.dirty.ratio': { default: '0.5', parse: ratio },
  'compression.type': { default: 'producer', parse: oneOf('producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd') },
  'min.insync.replicas': { default: '1', parse: int(1) },
  'unclean.leader.election.enable': { default: 'false', parse: (v) => v },
};

/** Thrown for an unknown config key or a value that does not parse. */
export class InvalidTopicConfigError extends SluiceError {
  constructor(key: string, value: string, why: string) {
    super('SLUICE_INVALID_TOPIC_CONFIG', `topic config ${key}=${value} is invalid: ${why}`);
  }
}

/** Resolved, typed view of a topic's configs (explicit overrides over defaults). */
export class TopicConfig {
  readonly overrides: Readonly<Record<string, string>>;
  readonly retentionMs: number;
  readonly retentionBytes: number;
  readonly segmentBytes: number;
  readonly segmentMs: number;
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

  constructor(overrides: Record<string, string> = {}, brokerDefaults: Record<string, string> = {}) {
    const merged: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...brokerDefaults, ...overrides })) {
      validateConfig(key, value);
      merged[key] = value;
    }
    this.overrides = Object.freeze({ ...overrides });
    const get = (key: string) => TOPIC_CONFIG_DEFS[key]!.parse(merged[key] ?? TOPIC_CONFIG_DEFS[key]!.default);
    this.retentionMs = get('retention.ms') as number;
    this.retentionBytes = get('retention.bytes') as number;
    this.segmentBytes = get('segment.bytes') as number;
    this.segmentMs = get('segment.ms') as number;
    this.indexIntervalBytes = get('index.interval.bytes') as number;
    this.maxMessageBytes = get('max.message.bytes') as number;
    this.logAppendTime = get('message.timestamp.type') === 'LogAppendTime';
    const policy = (get('cleanup.policy') as string).split(',');
    this.compact = policy.includes('compact');
    this.deleteEnabled = policy.includes('delete');
    this.deleteRetentionMs = get('delete.retention.ms') as number;
    this.minCompactionLagMs = get('min.compaction.lag.ms') as number;
    this.maxCompactionLagMs = get('max.compaction.lag.ms') as number;
    this.minCleanableDirtyRatio = get('min.cleanable.dirty.ratio') as number;
  }

  /** The effective value of every known key, and whether it was set explicitly. */
  describe(): Array<{ name: string; value: string; isDefault: boolean; readOnly: boolean }> {
    return Object.entries(TOPIC_CONFIG_DEFS).map(([name, def]) => ({
      name,
      value: this.overrides[name] ?? def.default,
      isDefault: !(name in this.overrides),
      readOnly: def.readOnly ?? false,
    }));
  }
}

/** Throws InvalidTopicConfigError unless `key=value` is a known, valid topic config. */
export function validateConfig(key: string, value: string): void {
  const def = TOPIC_CONFIG_DEFS[key];
  if (!def) throw new InvalidTopicConfigError(key, value, 'unknown topic config key');
  try {
    def.parse(value);
  } catch (e) {
    throw new InvalidTopicConfigError(key, value, (e as Error).message);
  }
}
