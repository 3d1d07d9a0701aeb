import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';

const { ConfigResourceTypes } = kafkajs;
import { ApiKey, ErrorCode } from '../../../src/protocol/index.ts';
import { TOPIC_CONFIGS } from '../../../src/broker/config/topic-configs.ts';
import { BROKER_CONFIGS } from '../../../src/broker/config/broker-configs.ts';
import { startBroker, type RunningBroker } from '../../../src/broker/index.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { rawRequest } from '../hostile/raw-client.ts';

// Observed case 8 (standard configs): CreateTopics refused standard topic configs, DescribeConfigs
// listed 11 of the 26 entries kafkajs's suite expects, the broker resource answered with topic
// names, and AlterConfigs on the broker was INVALID_REQUEST. This test lists Kafka 3.9's topic
// configs and the broker configs described under Kafka's names, and checks them through the wire.

/** Every topic-level config Apache Kafka 3.9 documents (TopicConfig / LogConfig). */
const KAFKA_39_TOPIC_CONFIGS = [
  'cleanup.policy', 'compression.gzip.level', 'compression.lz4.level', 'compression.type', 'compression.zstd.level',
  'delete.retention.ms', 'file.delete.delay.ms', 'flush.messages', 'flush.ms', 'follower.replication.throttled.replicas',
  'index.interval.bytes', 'leader.replication.throttled.replicas', 'local.retention.bytes', 'local.retention.ms',
  'max.compaction.lag.ms', 'max.message.bytes', 'message.downconversion.enable', 'message.format.version',
  'message.timestamp.after.max.ms', 'message.timestamp.before.max.ms', 'message.timestamp.difference.max.ms',
  'message.timestamp.type', 'min.cleanable.dirty.ratio', 'min.compaction.lag.ms', 'min.insync.replicas', 'preallocate',
  'remote.log.copy.disable', 'remote.log.delete.on.disable', 'remote.storage.enable', 'retention.bytes', 'retention.ms',
  'segment.bytes', 'segment.index.bytes', 'segment.jitter.ms', 'segment.ms', 'unclean.leader.election.enable',
];

/** Kafka broker configs the broker resource describes (Kafka's names and defaults). */
const KAFKA_BROKER_CONFIGS: Record<string, string | null> = {
  'log.retention.ms': null, 'log.retention.minutes': null, 'log.retention.hours': '168', 'log.retention.bytes': '-1',
  'log.segment.bytes': '1073741824', 'log.roll.ms': null, 'log.roll.hours': '168', 'log.roll.jitter.ms': null, 'log.roll.jitter.hours': '0',
  'log.cleanup.policy': 'delete', 'log.index.interval.bytes': '4096', 'log.index.size.max.bytes': '10485760',
  'log.flush.interval.messages': '9223372036854775807', 'log.flush.interval.ms': null, 'log.flush.scheduler.interval.ms': '9223372036854775807',
  'log.segment.delete.delay.ms': '60000', 'log.preallocate': 'false', 'log.message.timestamp.type': 'CreateTime',
  'log.message.timestamp.before.max.ms': '9223372036854775807', 'log.message.timestamp.after.max.ms': '9223372036854775807',
  'log.message.timestamp.difference.max.ms': '9223372036854775807', 'log.message.downconversion.enable': 'true', 'log.message.format.version': '3.0-IV1',
  'log.cleaner.delete.retention.ms': '86400000', 'log.cleaner.min.compaction.lag.ms': '0', 'log.cleaner.max.compaction.lag.ms': '9223372036854775807',
  'log.cleaner.min.cleanable.ratio': '0.5', 'log.cleaner.enable': 'true', 'log.cleaner.backoff.ms': '15000', 'log.cleaner.threads': '1',
  'log.local.retention.ms': '-2', 'log.local.retention.bytes': '-2', 'log.retention.check.interval.ms': '300000',
  'message.max.bytes': '1048588', 'min.insync.replicas': '1', 'compression.type': 'producer', 'compression.gzip.level': '-1',
  'compression.lz4.level': '9', 'compression.zstd.level': '3', 'unclean.leader.election.enable': 'false',
  'num.partitions': '1', 'default.replication.factor': '1', 'auto.create.topics.enable': 'true', 'delete.topic.enable': 'true',
  'socket.request.max.bytes': '104857600', 'queued.max.request.bytes': '-1', 'max.connections': '2147483647',
  'max.connections.per.ip': '2147483647', 'max.connections.per.ip.overrides': '', 'connections.max.idle.ms': '600000',
  'fetch.max.bytes': '57671680', 'transaction.max.timeout.ms': '900000', 'transactional.id.expiration.ms': '604800000',
  'producer.id.expiration.ms': '86400000', 'group.min.session.timeout.ms': '6000', 'group.max.session.timeout.ms': '1800000',
  'group.initial.rebalance.delay.ms': '3000', 'group.max.size': '2147483647', 'offset.metadata.max.bytes': '4096',
  'offsets.retention.minutes': '10080', 'offsets.retention.check.interval.ms': '600000', 'offsets.topic.replication.factor': '3',
  'offsets.topic.num.partitions': '50', 'transaction.state.log.replication.factor': '3', 'transaction.state.log.min.isr': '2',
  'num.network.threads': '3', 'num.io.threads': '8', 'num.replica.fetchers': '1', 'num.recovery.threads.per.data.dir': '1',
  'background.threads': '10', 'queued.max.requests': '500', 'socket.send.buffer.bytes': '102400', 'socket.receive.buffer.bytes': '102400',
  'node.id': '-1', 'broker.id': '-1', 'process.roles': '', listeners: 'PLAINTEXT://:9092', 'advertised.listeners': null,
  'log.dirs': null, 'log.dir': '/tmp/kafka-logs',
};

/** Dynamic in Kafka (DynamicBrokerConfig): alterable at runtime. */
const DYNAMIC = ['log.retention.ms', 'log.retention.bytes', 'log.segment.bytes', 'log.roll.ms', 'log.cleanup.policy', 'message.max.bytes', 'max.connections', 'max.connections.per.ip', 'max.connections.per.ip.overrides', 'log.cleaner.backoff.ms', 'compression.type', 'min.insync.replicas'];
const STATIC = ['log.retention.hours', 'log.roll.hours', 'num.partitions', 'default.replication.factor', 'auto.create.topics.enable', 'socket.request.max.bytes', 'queued.max.request.bytes', 'fetch.max.bytes', 'log.retention.check.interval.ms', 'log.message.format.version', 'node.id'];

const data = tempDir('sluice-configs-');
let broker: RunningBroker;

before(async () => {
  broker = await startBroker({ dataDir: data.dir, port: 0, config: { 'log.retention.hours': 24 } });
});
after(async () => {
  await broker.close();
  data.cleanup();
});

const describe = (resourceType: number, resourceName: string, includeSynonyms = true, version = 4) =>
  rawRequest(broker.bootstrap, ApiKey.DescribeConfigs, version, { resources: [{ resourceType, resourceName, configurationKeys: null }], includeSynonyms, includeDocumentation: true });
const entries = (r: any) => new Map<string, any>(r.results[0].configs.map((c: any) => [c.name, c]));

test('the catalogues hold exactly Kafka 3.9\u2019s topic configs, and Kafka\u2019s broker names with their defaults', () => {
  assert.deepEqual(Object.keys(TOPIC_CONFIGS).sort(), [...KAFKA_39_TOPIC_CONFIGS].sort());
  for (const [name, kafkaDefault] of Object.entries(KAFKA_BROKER_CONFIGS)) {
    assert.ok(BROKER_CONFIGS[name], `broker config ${name} is described`);
    assert.equal(BROKER_CONFIGS[name]!.kafkaDefault, kafkaDefault, `Kafka's default of ${name}`);
  }
  for (const name of DYNAMIC) assert.equal(BROKER_CONFIGS[name]!.dynamic, true, `${name} is dynamic in Kafka`);
  for (const name of STATIC) assert.equal(BROKER_CONFIGS[name]!.dynamic, false, `${name} is read-only in Kafka`);
});

test('CreateTopics accepts every Kafka 3.9 topic config; DescribeConfigs gives each with its source and synonyms', async () => {
  const values: Record<string, string> = {
    'cleanup.policy': 'compact,delete', 'compression.gzip.level': '5', 'compression.lz4.level': '10', 'compression.type': 'zstd', 'compression.zstd.level': '7',
    'delete.retention.ms': '1000', 'file.delete.delay.ms': '1', 'flush.messages': '100', 'flush.ms': '60000', 'follower.replication.throttled.replicas': '0:1',
    'index.interval.bytes': '1024', 'leader.replication.throttled.replicas': '*', 'local.retention.bytes': '-2', 'local.retention.ms': '-2',
    'max.compaction.lag.ms': '100000', 'max.message.bytes': '2000000', 'message.downconversion.enable': 'false', 'message.format.version': '2.8-IV1',
    'message.timestamp.after.max.ms': '3600000', 'message.timestamp.before.max.ms': '86400000000', 'message.timestamp.difference.max.ms': '86400000000',
    'message.timestamp.type': 'LogAppendTime', 'min.cleanable.dirty.ratio': '0.25', 'min.compaction.lag.ms': '10', 'min.insync.replicas': '1', preallocate: 'true',
    'remote.log.copy.disable': 'false', 'remote.log.delete.on.disable': 'false', 'remote.storage.enable': 'false', 'retention.bytes': '104857600', 'retention.ms': '3600000',
    'segment.bytes': '1048576', 'segment.index.bytes': '65536', 'segment.jitter.ms': '10', 'segment.ms': '600000', 'unclean.leader.election.enable': 'true',
  };
  assert.deepEqual(Object.keys(values).sort(), [...KAFKA_39_TOPIC_CONFIGS].sort());
  const created = await rawRequest(broker.bootstrap, ApiKey.CreateTopics, 7, {
    topics: [{ name: 'all-configs', numPartitions: 1, replicationFactor: 1, assignments: [], configs: Object.entries(values).map(([name, value]) => ({ name, value })) }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  assert.equal(created.topics[0].errorCode, ErrorCode.NONE, created.topics[0].errorMessage);
  assert.equal(created.topics[0].configs.length, KAFKA_39_TOPIC_CONFIGS.length, 'CreateTopics v5+ answers every config');
  const described = entries(await describe(2, 'all-configs'));
  assert.equal(described.size, KAFKA_39_TOPIC_CONFIGS.length);
  for (const [name, value] of Object.entries(values)) {
    const e = described.get(name);
    assert.equal(e.value, value, name);
    assert.equal(e.configSource, 1, `${name}: DYNAMIC_TOPIC_CONFIG`);
    assert.equal(e.readOnly, false);
    assert.deepEqual(e.synonyms[0], { name, value, source: 1 }, `${name}: the topic setting is the first synonym`);
    assert.ok(typeof e.documentation === 'string' && e.documentation.length > 10, `${name} is documented`);
  }
  assert.equal(described.get('segment.bytes').configType, 3, 'INT');
  assert.equal(described.get('retention.ms').configType, 5, 'LONG');
  assert.equal(described.get('cleanup.policy').configType, 7, 'LIST');
  assert.equal(described.get('min.cleanable.dirty.ratio').configType, 6, 'DOUBLE');
});

test('a topic without overrides: defaults, broker-derived values and synonyms as Kafka gives them (v0 isDefault too)', async () => {
  await rawRequest(broker.bootstrap, ApiKey.CreateTopics, 5, { topics: [{ name: 'plain', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  const e = entries(await describe(2, 'plain'));
  assert.equal(e.get('retention.ms').value, '86400000', 'from the static log.retention.hours=24');
  assert.equal(e.get('segment.bytes').value, '1073741824');
  assert.equal(e.get('segment.bytes').configSource, 5);
  assert.deepEqual(e.get('segment.bytes').synonyms, [{ name: 'log.segment.bytes', value: '1073741824', source: 5 }]);
  assert.deepEqual(e.get('follower.replication.throttled.replicas').synonyms, [], 'no broker synonym');
  const v0 = entries(await describe(2, 'plain', false, 0));
  assert.equal(v0.get('compression.type').isDefault, true);
  assert.equal(v0.get('compression.type').readOnly, false);
});

test('the broker resource is described under broker names, read-only unless Kafka can change it at runtime', async () => {
  const e = entries(await describe(4, '1'));
  for (const name of ['log.retention.ms', 'num.partitions', 'default.replication.factor', 'auto.create.topics.enable', 'socket.request.max.bytes', 'queued.max.request.bytes']) assert.ok(e.has(name), name);
  assert.equal(e.has('retention.ms'), false, 'no topic names on the broker resource');
  assert.equal(e.get('log.retention.hours').value, '24');
  assert.equal(e.get('log.retention.hours').configSource, 4, 'STATIC_BROKER_CONFIG');
  assert.deepEqual(e.get('log.retention.hours').synonyms, [{ name: 'log.retention.hours', value: '24', source: 4 }, { name: 'log.retention.hours', value: '168', source: 5 }]);
  assert.equal(e.get('log.retention.ms').value, null, 'unset, as in Kafka');
  assert.equal(e.get('log.retention.ms').readOnly, false);
  assert.equal(e.get('num.partitions').readOnly, true);
  assert.equal(e.get('max.connections').value, '1000', 'Sluice\u2019s finite default');
  assert.equal(e.get('queued.max.request.bytes').value, String(256 * 1024 * 1024));
  const other = await describe(4, '7');
  assert.equal(other.results[0].errorCode, ErrorCode.INVALID_REQUEST);
});

test('AlterConfigs and IncrementalAlterConfigs change dynamic broker configs, refuse read-only ones, and the change survives a restart', async () => {
  const alter = (resourceName: string, configs: Array<{ name: string; value: string | null }>) =>
    rawRequest(broker.bootstrap, ApiKey.AlterConfigs, 1, { resources: [{ resourceType: 4, resourceName, configs }], validateOnly: false });
  const readOnly = await alter('1', [{ name: 'num.partitions', value: '3' }]);
  assert.equal(readOnly.responses[0].errorCode, ErrorCode.INVALID_CONFIG);
  const bad = await alter('1', [{ name: 'log.retention.ms', value: 'soon' }]);
  assert.equal(bad.responses[0].errorCode, ErrorCode.INVALID_CONFIG);
  const ok = await alter('1', [{ name: 'log.retention.ms', value: '3600000' }]);
  assert.equal(ok.responses[0].errorCode, ErrorCode.NONE);
  // The topic without its own retention.ms follows the broker's dynamic value.
  const plain = entries(await describe(2, 'plain'));
  assert.equal(plain.get('retention.ms').value, '3600000');
  assert.equal(plain.get('retention.ms').configSource, 2, 'DYNAMIC_BROKER_CONFIG');
  assert.deepEqual(plain.get('retention.ms').synonyms[0], { name: 'log.retention.ms', value: '3600000', source: 2 });
  const incremental = await rawRequest(broker.bootstrap, ApiKey.IncrementalAlterConfigs, 1, {
    resources: [{ resourceType: 4, resourceName: '', configs: [{ name: 'max.connections', configOperation: 0, value: '500' }] }],
    validateOnly: false,
  });
  assert.equal(incremental.responses[0].errorCode, ErrorCode.NONE);
  const cluster = entries(await describe(4, ''));
  assert.deepEqual([...cluster.keys()], ['max.connections'], 'the cluster default lists what is set');
  assert.equal(cluster.get('max.connections').configSource, 3);
  assert.equal(entries(await describe(4, '1')).get('max.connections').value, '500');
  await broker.close();
  broker = await startBroker({ dataDir: data.dir, port: 0, config: { 'log.retention.hours': 24 } });
  const after = entries(await describe(4, '1'));
  assert.equal(after.get('log.retention.ms').value, '3600000', 'dynamic configs are kept across restarts');
  assert.equal(after.get('max.connections').value, '500');
});

test('invalid topic configs are refused with INVALID_CONFIG', async () => {
  const cases: Array<[string, string]> = [
    ['retention.ms', 'abc'], ['cleanup.policy', 'forever'], ['remote.storage.enable', 'true'], ['no.such.config', '1'],
    ['min.insync.replicas', '0'], ['message.timestamp.type', 'Whenever'], ['min.cleanable.dirty.ratio', '1.5'],
  ];
  for (const [name, value] of cases) {
    const r = await rawRequest(broker.bootstrap, ApiKey.CreateTopics, 5, { topics: [{ name: `bad-${name}`, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name, value }] }], timeoutMs: 5000, validateOnly: false });
    assert.equal(r.topics[0].errorCode, ErrorCode.INVALID_CONFIG, `${name}=${value}`);
  }
  const lags = await rawRequest(broker.bootstrap, ApiKey.CreateTopics, 5, {
    topics: [{ name: 'bad-lags', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'min.compaction.lag.ms', value: '10' }, { name: 'max.compaction.lag.ms', value: '5' }] }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  assert.equal(lags.topics[0].errorCode, ErrorCode.INVALID_CONFIG);
});

test('kafkajs describeConfigs of a topic returns every entry Kafka would, with kafkajs\u2019s expected defaults', async () => {
  const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: 'kj-described' }] });
    const all = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kj-described', configNames: [] }], includeSynonyms: false });
    const got = new Map(all.resources[0]!.configEntries.map((c) => [c.configName, c]));
    assert.deepEqual([...got.keys()].sort(), [...KAFKA_39_TOPIC_CONFIGS].sort());
    // The 26 entries of kafkajs's own suite, with the values it expects where Kafka 3.9 has not changed them.
    const kafkajsSuite: Record<string, string> = {
      'compression.type': 'producer', 'file.delete.delay.ms': '60000', 'leader.replication.throttled.replicas': '', 'min.compaction.lag.ms': '0',
      'message.timestamp.type': 'CreateTime', 'min.insync.replicas': '1', 'segment.jitter.ms': '0', preallocate: 'false', 'index.interval.bytes': '4096',
      'min.cleanable.dirty.ratio': '0.5', 'unclean.leader.election.enable': 'false', 'retention.bytes': '-1', 'delete.retention.ms': '86400000',
      'cleanup.policy': 'delete', 'flush.ms': '9223372036854775807', 'follower.replication.throttled.replicas': '', 'segment.bytes': '1073741824',
      'retention.ms': '3600000', 'segment.ms': '604800000', 'message.timestamp.difference.max.ms': '9223372036854775807', 'flush.messages': '9223372036854775807',
      'segment.index.bytes': '10485760', 'message.downconversion.enable': 'true', 'max.compaction.lag.ms': '9223372036854775807',
      'max.message.bytes': '1048588', 'message.format.version': '3.0-IV1',
    };
    for (const [name, value] of Object.entries(kafkajsSuite)) {
      const e = got.get(name)!;
      assert.equal(e.configValue, value, name);
      assert.equal(e.readOnly, false, name);
      assert.equal(e.isSensitive, false, name);
    }
    assert.equal(got.get('compression.type')!.isDefault, true);
    const some = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kj-described', configNames: ['compression.type', 'retention.ms'] }], includeSynonyms: false });
    assert.deepEqual(some.resources[0]!.configEntries.map((c) => c.configName), ['compression.type', 'retention.ms']);
  } finally {
    await admin.disconnect();
  }
});
