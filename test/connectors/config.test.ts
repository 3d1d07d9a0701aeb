import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonSchema, KafkaConfigError, KafkaSink, KafkaSource, RawBytesSchema, SimpleStringSchema, subtaskForPartition, type KafkaSinkOptions, type KafkaSourceOptions } from '../../src/index.ts';

const source = (o: Partial<KafkaSourceOptions<string>>): KafkaSource<string> => new KafkaSource<string>({ bootstrapServers: 'localhost:9092', topics: ['t'], ...o } as KafkaSourceOptions<string>);
const sink = (o: Partial<KafkaSinkOptions<string>>): KafkaSink<string> => new KafkaSink<string>({ bootstrapServers: 'localhost:9092', topic: 't', ...o } as KafkaSinkOptions<string>);
const rejects = (f: () => unknown, message: RegExp): void =>
  assert.throws(f, (e: unknown) => e instanceof KafkaConfigError && e.code === 'SLUICE_KAFKA_CONFIG' && message.test(e.message));

test('Kafka-style properties are accepted in place of options', () => {
  const s = new KafkaSource<string>({
    topics: ['t'],
    properties: { 'bootstrap.servers': 'a:9092,b:9093', 'group.id': 'g', 'auto.offset.reset': 'latest', 'isolation.level': 'read_committed', 'fetch.max.wait.ms': '100', 'enable.auto.commit': 'false' },
  });
  assert.equal(s.getBoundedness(), 'unbounded');
  assert.equal(source({ bounded: true }).getBoundedness(), 'bounded');
  assert.ok(new KafkaSink<string>({ topic: 't', properties: { 'bootstrap.servers': 'localhost:9092', acks: 'all', 'compression.type': 'lz4', 'linger.ms': 10 } }));
});

test('one property set shared by source and sink (as Kafka clients allow): the other client\'s names are ignored, typos still fail', () => {
  const shared = { 'bootstrap.servers': 'localhost:9092', 'group.id': 'g', 'auto.offset.reset': 'earliest', acks: 'all', 'linger.ms': 5 };
  assert.equal(new KafkaSource<string>({ topics: ['t'], properties: shared }).getBoundedness(), 'unbounded');
  assert.ok(new KafkaSink<string>({ topic: 't', properties: shared }));
  rejects(() => sink({ properties: { 'group.idd': 'g' } }), /unknown Kafka property 'group.idd'/);
});

test('bad source settings fail fast with a clear message', () => {
  rejects(() => new KafkaSource<string>({ topics: ['t'] }), /no Kafka to connect to.*bootstrapServers/);
  rejects(() => source({ bootstrapServers: 'localhost' }), /'localhost' is not host:port/);
  rejects(() => source({ properties: { 'group.idd': 'g' } }), /unknown Kafka property 'group.idd' \(did you mean 'group.id'\?\)/);
  rejects(() => source({ properties: { 'fetch.max.wait.ms': 'soon' } }), /'fetch.max.wait.ms' must be an integer/);
  rejects(() => source({ properties: { 'auto.offset.reset': 'smallest' } }), /'earliest', 'latest', 'none'/);
  rejects(() => source({ groupId: 'a', properties: { 'group.id': 'b' } }), /groupId .* and property 'group.id' .* disagree/);
  rejects(() => source({ topics: [] }), /non-empty array/);
  rejects(() => source({ topicPattern: /x/ }), /exactly one of topics .* and topicPattern/);
  rejects(() => source({ topics: ['bad topic'] }), /not a valid topic name/);
  rejects(() => source({ startingOffsets: 'committed' }), /'committed' needs a groupId/);
  rejects(() => source({ startingOffsets: 'beginning' as never }), /startingOffsets must be/);
  rejects(() => source({ startingOffsets: { offsets: { t: { 0: -1 } } } }), /offset for t\/0/);
  rejects(() => source({ bounded: 'yes' as never }), /bounded must be/);
  rejects(() => source({ onDeserializationError: 'dead-letter' }), /needs deadLetterTopic/);
  rejects(() => source({ onDeserializationError: 'ignore' as never }), /'fail', 'skip' or 'dead-letter'/);
  rejects(() => source({ deserializer: 42 as never }), /deserializer must be a function/);
  rejects(() => source({ partitionAssignment: 'group' }), /'group' needs a groupId/);
  rejects(() => source({ partitionAssignment: 'group', groupId: 'g', bounded: true }), /'group' is for unbounded sources/);
  rejects(() => source({ partitionAssignment: 'group', groupId: 'g', startingOffsets: 'earliest' }), /continue from the committed offsets/);
  rejects(() => source({ partitionAssignment: 'group', groupId: 'g', properties: { 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 6000 } }), /heartbeat.interval.ms must be lower/);
});

test('bad sink settings fail fast with a clear message', () => {
  rejects(() => sink({ topic: '' }), /not a valid topic name/);
  rejects(() => sink({ topic: 42 as never }), /topic must be a topic name or a function/);
  rejects(() => sink({ deliveryGuarantee: 'twice' as never }), /'none', 'at-least-once' or 'exactly-once'/);
  rejects(() => sink({ deliveryGuarantee: 'exactly-once', transactionalIdPrefix: 'a b' }), /transactionalIdPrefix must be letters/);
  rejects(() => sink({ deliveryGuarantee: 'exactly-once', properties: { acks: '1' } }), /writes with acks=all/);
  rejects(() => sink({ properties: { acks: '0' } }), /acks=0 cannot give deliveryGuarantee 'at-least-once'/);
  rejects(() => sink({ properties: { 'compression.type': 'brotli' } }), /'none', 'gzip', 'snappy', 'lz4', 'zstd'/);
  rejects(() => sink({ properties: { 'linger.msec': 5 } }), /did you mean 'linger.ms'/);
  rejects(() => sink({ serializer: {} as never }), /serializer must be a function or an object with serialize/);
});

test('schemas: strings, JSON with a validator, raw bytes', () => {
  const s = new SimpleStringSchema();
  assert.equal(s.deserialize(Buffer.from('héllo')), 'héllo');
  assert.equal(s.deserialize(null), null);
  assert.deepEqual(s.serialize('héllo'), Buffer.from('héllo'));
  const j = new JsonSchema<{ n: number }>((v): v is { n: number } => typeof (v as { n?: unknown }).n === 'number');
  assert.deepEqual(j.deserialize(Buffer.from('{"n":1}')), { n: 1 });
  assert.throws(() => j.deserialize(Buffer.from('{"m":1}')), /rejected by the validator/);
  assert.throws(() => j.deserialize(Buffer.from('{')), SyntaxError);
  assert.equal(j.serialize({ n: 2 }).toString(), '{"n":2}');
  const r = new RawBytesSchema();
  assert.deepEqual(r.serialize(new Uint8Array([1, 2])), Buffer.from([1, 2]));
});

test('partitions spread evenly over subtasks, each partition to exactly one', () => {
  for (const parallelism of [1, 2, 3, 8]) {
    const load = new Array<number>(parallelism).fill(0);
    for (let p = 0; p < 24; p++) {
      const s = subtaskForPartition('orders', p, parallelism);
      assert.ok(s >= 0 && s < parallelism);
      load[s]!++;
    }
    assert.ok(Math.max(...load) - Math.min(...load) <= 1, `parallelism ${parallelism}: ${load}`);
  }
});
