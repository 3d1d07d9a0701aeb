import type { DeserializerLike, KeyDeserializationSchema, DeserializationSchema } from './serialization.ts';
import { toDeserializer } from './serialization.ts';
import type { KafkaRecordDeserializationSchema } from './record-deserialization.ts';
import { SINK_PROPERTIES } from './sink-config.ts';
import { KafkaConfigError } from '../../core/errors/kafka-errors.ts';
import { COMMON_PROPERTIES, parseBootstrap, parseProperties, pick, type KafkaProperties, type PropertyValue } from '../../kafka/properties.ts';

/** Offsets per topic and partition: `{ orders: { 0: 42, 1: 7 } }`. */
export type PartitionOffsets = Readonly<Record<string, Readonly<Record<number, number | bigint>>>>;
import type { OffsetResetStrategy } from './offsets-initializer.ts';
export type { OffsetResetStrategy };

/**
 * Where a KafkaSource starts reading each partition (unless restored from a savepoint):
 * - `'earliest'` / `'latest'`: the log start / end;
 * - `'committed'`: the group's committed offset, else the fallback (property `auto.offset.reset`, default `'earliest'`);
 * - `{ committed: fallback }`: the same with an explicit fallback;
 * - `{ timestamp: ms }`: the first record at or after that time (the end if none);
 * - `{ offsets: { topic: { partition: offset } }, fallback? }`: explicit offsets; other partitions use the fallback (default `'earliest'`).
 */
export type StartingOffsets =
  | 'earliest'
  | 'latest'
  | 'committed'
  | { readonly committed: OffsetResetStrategy }
  | { readonly timestamp: number }
  | { readonly offsets: PartitionOffsets; readonly fallback?: OffsetResetStrategy };

/**
 * Where a bounded KafkaSource stops (exclusive): `true` / `'latest'` = the end offsets seen when
 * the job starts; `{ timestamp }` = the first offset at or after that time; `{ offsets }` explicit.
 */
export type StoppingOffsets = true | 'latest' | { readonly timestamp: number } | { readonly offsets: PartitionOffsets };

/** What happens to a record whose deserialization throws. */
export type DeserializationErrorPolicy = 'fail' | 'skip' | 'dead-letter';

/**
 * Options of a `KafkaSource`. Anything also settable as a Kafka property may be given either
 * way (`groupId` or `'group.id'`); when both are given they must agree.
 */
export interface KafkaSourceOptions<T, K = Buffer | null> {
  /** `'host:port,host:port'` or a list (property `bootstrap.servers`). */
  bootstrapServers?: string | readonly string[];
  /** Topics to read. Exactly one of `topics` and `topicPattern`. */
  topics?: readonly string[];
  /** Every topic whose name matches (new matching topics are picked up by partition discovery). */
  topicPattern?: RegExp;
  /** The consumer group whose offsets the job commits at checkpoints (property `group.id`). */
  groupId?: string;
  /** Client id (property `client.id`; default `sluice-source`). */
  clientId?: string;
  /** Default: `'committed'` with a group id (fallback `auto.offset.reset`, default earliest), else `'earliest'`. */
  startingOffsets?: StartingOffsets;
  /** Make the source bounded: it ends at these offsets and the job finishes. Default: unbounded. */
  bounded?: StoppingOffsets | false;
  /** Value deserializer (default: UTF-8 strings, see `SimpleStringSchema`). */
  deserializer?: DeserializerLike<T, K>;
  /**
   * Turns each whole record into zero or more elements (Flink's `KafkaRecordDeserializationSchema`);
   * instead of `deserializer` and `keyDeserializer`.
   */
  recordDeserializer?: KafkaRecordDeserializationSchema<T>;
  /** Key deserializer; its result is `record.key` for the value deserializer. */
  keyDeserializer?: KeyDeserializationSchema<K> | KeyDeserializationSchema<K>['deserialize'];
  /** Default `'fail'`. */
  onDeserializationError?: DeserializationErrorPolicy;
  /** Topic for `onDeserializationError: 'dead-letter'`. */
  deadLetterTopic?: string;
  /**
   * Who decides which subtask reads which partition. `'subtask'` (default): Sluice, by a fixed
   * rule (see `subtaskForPartition`); the group only stores offsets. `'group'`: every subtask joins
   * `groupId` as a Kafka consumer and the group protocol assigns partitions, so several processes
   * running the same job share the partitions and take over from each other (unbounded sources,
   * starting from the committed offsets).
   */
  partitionAssignment?: 'subtask' | 'group';
  /** New partitions (and topics matching `topicPattern`) are looked for this often, in ms (property `partition.discovery.interval.ms`; default 30000; 0 = off; off for bounded sources). */
  partitionDiscoveryIntervalMs?: number;
  /** Kafka consumer settings by their Kafka names. */
  properties?: KafkaProperties;
}

export const SOURCE_PROPERTIES = {
  ...COMMON_PROPERTIES,
  'group.id': 'string',
  'auto.offset.reset': ['earliest', 'latest', 'none'],
  'isolation.level': ['read_uncommitted', 'read_committed'],
  'fetch.min.bytes': 'int',
  'fetch.max.bytes': 'int',
  'fetch.max.wait.ms': 'int',
  'max.partition.fetch.bytes': 'int',
  'partition.discovery.interval.ms': 'int',
  'commit.offsets.on.checkpoint': 'bool',
  'client.rack': 'string',
  'session.timeout.ms': 'int',
  'heartbeat.interval.ms': 'int',
  'max.poll.interval.ms': 'int',
} as const;

/** @internal the checked settings of a source. */
export interface SourceConfig<T, K> {
  bootstrap: string[];
  topics: readonly string[] | undefined;
  pattern: RegExp | undefined;
  groupId: string | undefined;
  clientId: string;
  starting: StartingOffsets;
  fallback: OffsetResetStrategy;
  stopping: StoppingOffsets | undefined;
  value: DeserializationSchema<T, K>;
  key: KeyDeserializationSchema<K> | undefined;
  /** Set instead of value/key deserializers: one record in, any number of elements out. */
  records: KafkaRecordDeserializationSchema<T> | undefined;
  policy: DeserializationErrorPolicy;
  deadLetterTopic: string | undefined;
  discoveryMs: number;
  group: { sessionTimeout: number; heartbeatInterval: number; rebalanceTimeout: number } | undefined;
  commitOnCheckpoint: boolean;
  readCommitted: boolean;
  fetch: { maxWaitTime: number; minBytes: number; maxBytes: number; partitionMaxBytes: number };
  props: Map<string, PropertyValue>;
}

const WHAT = 'KafkaSource';

/** Checks the options (fail fast, before the job runs). */
export function resolveSourceConfig<T, K>(o: KafkaSourceOptions<T, K>): SourceConfig<T, K> {
  if (o === null || typeof o !== 'object') throw new KafkaConfigError(`${WHAT} needs an options object, e.g. { bootstrapServers: 'localhost:9092', topics: ['test'] }`);
  const props = parseProperties(WHAT, o.properties, SOURCE_PROPERTIES, { kind: 'producers', names: SINK_PROPERTIES });
  const bootstrap = parseBootstrap(WHAT, pick(WHAT, typeof o.bootstrapServers === 'string' ? o.bootstrapServers : o.bootstrapServers?.join(','), 'bootstrapServers', props, 'bootstrap.servers'));
  if ((o.topics === undefined) === (o.topicPattern === undefined)) throw new KafkaConfigError(`${WHAT}: set exactly one of topics (a list of names) and topicPattern (a RegExp)`);
  if (o.topics !== undefined) {
    if (!Array.isArray(o.topics) || o.topics.length === 0) throw new KafkaConfigError(`${WHAT}: topics must be a non-empty array of topic names`);
    for (const t of o.topics) if (typeof t !== 'string' || !/^[a-zA-Z0-9._-]{1,249}$/.test(t)) throw new KafkaConfigError(`${WHAT}: '${String(t)}' is not a valid topic name`);
  }
  if (o.topicPattern !== undefined && !(o.topicPattern instanceof RegExp)) throw new KafkaConfigError(`${WHAT}: topicPattern must be a RegExp`);
  const groupId = pick(WHAT, o.groupId, 'groupId', props, 'group.id');
  const reset = props.get('auto.offset.reset') as string | undefined;
  const fallback: OffsetResetStrategy = reset === 'none' ? 'fail' : ((reset as OffsetResetStrategy | undefined) ?? 'earliest');
  const starting = o.startingOffsets ?? (groupId !== undefined ? 'committed' : 'earliest');
  checkStarting(starting, groupId);
  const stopping = o.bounded === undefined || o.bounded === false ? undefined : o.bounded;
  if (stopping !== undefined) checkStopping(stopping);
  const policy = o.onDeserializationError ?? 'fail';
  if (!['fail', 'skip', 'dead-letter'].includes(policy)) throw new KafkaConfigError(`${WHAT}: onDeserializationError must be 'fail', 'skip' or 'dead-letter', got ${JSON.stringify(policy)}`);
  if (policy === 'dead-letter' && (typeof o.deadLetterTopic !== 'string' || o.deadLetterTopic === '')) throw new KafkaConfigError(`${WHAT}: onDeserializationError 'dead-letter' needs deadLetterTopic`);
  if (policy !== 'dead-letter' && o.deadLetterTopic !== undefined) throw new KafkaConfigError(`${WHAT}: deadLetterTopic is only used with onDeserializationError: 'dead-letter'`);
  const discovery = pick(WHAT, o.partitionDiscoveryIntervalMs, 'partitionDiscoveryIntervalMs', props, 'partition.discovery.interval.ms') ?? 30_000;
  if (!(Number.isInteger(discovery) && discovery >= 0)) throw new KafkaConfigError(`${WHAT}: partitionDiscoveryIntervalMs must be an integer >= 0`);
  if (o.recordDeserializer !== undefined) {
    if (typeof o.recordDeserializer?.deserialize !== 'function') throw new KafkaConfigError(`${WHAT}: recordDeserializer must be an object with deserialize(record, out)`);
    if (o.deserializer !== undefined || o.keyDeserializer !== undefined) throw new KafkaConfigError(`${WHAT}: set either recordDeserializer or deserializer/keyDeserializer, not both`);
  }
  const deser = o.deserializer ?? ((b: Buffer | null) => (b === null ? null : b.toString('utf8'))) as unknown as DeserializerLike<T, K>;
  if (typeof deser !== 'function' && typeof (deser as DeserializationSchema<T, K>)?.deserialize !== 'function') throw new KafkaConfigError(`${WHAT}: deserializer must be a function or an object with deserialize(bytes, record)`);
  const key = o.keyDeserializer === undefined ? undefined : typeof o.keyDeserializer === 'function' ? { deserialize: o.keyDeserializer } : o.keyDeserializer;
  if (key !== undefined && typeof key.deserialize !== 'function') throw new KafkaConfigError(`${WHAT}: keyDeserializer must be a function or an object with deserialize(bytes, record)`);
  const commit = (props.get('commit.offsets.on.checkpoint') as boolean | undefined) ?? true;
  const assignment = o.partitionAssignment ?? 'subtask';
  if (assignment !== 'subtask' && assignment !== 'group') throw new KafkaConfigError(`${WHAT}: partitionAssignment must be 'subtask' or 'group'`);
  let group: SourceConfig<T, K>['group'];
  if (assignment === 'group') {
    if (groupId === undefined) throw new KafkaConfigError(`${WHAT}: partitionAssignment 'group' needs a groupId (or the property 'group.id')`);
    if (stopping !== undefined) throw new KafkaConfigError(`${WHAT}: partitionAssignment 'group' is for unbounded sources; a bounded source assigns partitions per subtask`);
    if (!(starting === 'committed' || (typeof starting === 'object' && 'committed' in starting))) {
      throw new KafkaConfigError(`${WHAT}: with partitionAssignment 'group', partitions move between members, which must continue from the committed offsets: use startingOffsets 'committed' (fallback: auto.offset.reset)`);
    }
    const sessionTimeout = (props.get('session.timeout.ms') as number | undefined) ?? 10_000;
    const heartbeatInterval = (props.get('heartbeat.interval.ms') as number | undefined) ?? Math.min(1000, Math.floor(sessionTimeout / 3));
    const rebalanceTimeout = Math.max(sessionTimeout, (props.get('max.poll.interval.ms') as number | undefined) ?? 30_000);
    if (heartbeatInterval >= sessionTimeout) throw new KafkaConfigError(`${WHAT}: heartbeat.interval.ms must be lower than session.timeout.ms`);
    group = { sessionTimeout, heartbeatInterval, rebalanceTimeout };
  }
  return {
    bootstrap,
    topics: o.topics,
    pattern: o.topicPattern,
    groupId,
    clientId: pick(WHAT, o.clientId, 'clientId', props, 'client.id') ?? 'sluice-source',
    starting,
    fallback,
    stopping,
    value: toDeserializer(deser),
    key,
    records: o.recordDeserializer,
    policy,
    deadLetterTopic: o.deadLetterTopic,
    discoveryMs: stopping !== undefined ? 0 : discovery,
    group,
    commitOnCheckpoint: commit && groupId !== undefined,
    readCommitted: props.get('isolation.level') === 'read_committed',
    fetch: {
      maxWaitTime: (props.get('fetch.max.wait.ms') as number | undefined) ?? 500,
      minBytes: (props.get('fetch.min.bytes') as number | undefined) ?? 1,
      maxBytes: (props.get('fetch.max.bytes') as number | undefined) ?? 52_428_800,
      partitionMaxBytes: (props.get('max.partition.fetch.bytes') as number | undefined) ?? 1_048_576,
    },
    props,
  };
}

function checkStarting(s: StartingOffsets, groupId: string | undefined): void {
  const strategies = ['earliest', 'latest', 'fail'];
  if (s === 'earliest' || s === 'latest') return;
  if (s === 'committed' || (typeof s === 'object' && s !== null && 'committed' in s)) {
    if (groupId === undefined) throw new KafkaConfigError(`${WHAT}: startingOffsets 'committed' needs a groupId (or the property 'group.id')`);
    if (typeof s === 'object' && !strategies.includes(s.committed)) throw new KafkaConfigError(`${WHAT}: the fallback of startingOffsets { committed } must be 'earliest', 'latest' or 'fail'`);
    return;
  }
  if (typeof s === 'object' && s !== null && 'timestamp' in s) {
    if (!Number.isFinite(s.timestamp) || s.timestamp < 0) throw new KafkaConfigError(`${WHAT}: startingOffsets { timestamp } must be a time in ms >= 0`);
    return;
  }
  if (typeof s === 'object' && s !== null && 'offsets' in s) {
    checkOffsets('startingOffsets', s.offsets);
    if (s.fallback !== undefined && !strategies.includes(s.fallback)) throw new KafkaConfigError(`${WHAT}: startingOffsets fallback must be 'earliest', 'latest' or 'fail'`);
    return;
  }
  throw new KafkaConfigError(`${WHAT}: startingOffsets must be 'earliest', 'latest', 'committed', { committed: fallback }, { timestamp } or { offsets }, got ${JSON.stringify(s)}`);
}

function checkStopping(s: StoppingOffsets): void {
  if (s === true || s === 'latest') return;
  if (typeof s === 'object' && s !== null && 'timestamp' in s && Number.isFinite(s.timestamp)) return;
  if (typeof s === 'object' && s !== null && 'offsets' in s) return checkOffsets('bounded', s.offsets);
  throw new KafkaConfigError(`${WHAT}: bounded must be true, 'latest', { timestamp } or { offsets }, got ${JSON.stringify(s)}`);
}

function checkOffsets(what: string, offsets: PartitionOffsets): void {
  if (offsets === null || typeof offsets !== 'object') throw new KafkaConfigError(`${WHAT}: ${what} { offsets } must look like { topic: { 0: 42 } }`);
  for (const [topic, parts] of Object.entries(offsets)) {
    for (const [p, off] of Object.entries(parts ?? {})) {
      const ok = (typeof off === 'bigint' && off >= 0n) || (typeof off === 'number' && Number.isInteger(off) && off >= 0);
      if (!/^\d+$/.test(p) || !ok) throw new KafkaConfigError(`${WHAT}: ${what} offset for ${topic}/${p} must be a partition number mapped to an offset >= 0`);
    }
  }
}
