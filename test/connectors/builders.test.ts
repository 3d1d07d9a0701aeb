import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DeliveryGuarantee,
  JsonSchema,
  KafkaConfigError,
  KafkaRecordSerializationSchema,
  KafkaSink,
  KafkaSource,
  OffsetResetStrategy,
  OffsetsInitializer,
  SimpleStringSchema,
  StreamExecutionEnvironment,
  WatermarkStrategy,
  headerValue,
  type Collector,
  type KafkaRecord,
} from '../../src/index.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { arraySink, createTopics, produce, readTopic } from './kafka-helpers.ts';

// Flink's connector API (KafkaSource.builder(), KafkaSink.builder(), KafkaRecordSerializationSchema
// .builder(), OffsetsInitializer), with the defaults and checks of Flink's builders.

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let bootstrap: string;

before(async () => {
  broker = await startTestBroker();
  bootstrap = broker.bootstrap;
  await createTopics(bootstrap, { lines: 2, 'pat-a': 1, 'pat-b': 1, 'xpat-a': 1 });
  await produce(bootstrap, 'lines', [
    ...Array.from({ length: 4 }, (_, i) => ({ partition: 0, key: `k${i}`, value: `a${i}`, timestamp: 1000 + i })),
    ...Array.from({ length: 4 }, (_, i) => ({ partition: 1, key: `k${i}`, value: `b${i}`, timestamp: 2000 + i })),
  ]);
  for (const t of ['pat-a', 'pat-b', 'xpat-a']) await produce(bootstrap, t, [{ value: t }]);
});
after(async () => {
  await broker.stop();
});

const rejects = (f: () => unknown, message: RegExp): void =>
  assert.throws(f, (e: unknown) => e instanceof KafkaConfigError && e.code === 'SLUICE_KAFKA_CONFIG' && message.test(e.message));

/** Runs a source to its end (it must be bounded) and returns what it emitted, sorted. */
async function drain<T>(source: KafkaSource<T>): Promise<T[]> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out: T[] = [];
  env.fromSource(source, WatermarkStrategy.noWatermarks<T>(), 'kafka').sinkTo(arraySink(out));
  await env.execute('drain');
  return out.sort();
}
const base = () => KafkaSource.builder<string>().setBootstrapServers(bootstrap).setValueOnlyDeserializer(new SimpleStringSchema());

test("KafkaSource.builder() checks what Flink's builder checks", () => {
  rejects(() => KafkaSource.builder<string>().setTopics('t').setValueOnlyDeserializer(new SimpleStringSchema()).build(), /no bootstrap servers; call setBootstrapServers/);
  rejects(() => KafkaSource.builder<string>().setBootstrapServers('h:1').setValueOnlyDeserializer(new SimpleStringSchema()).build(), /no subscription; call setTopics/);
  rejects(() => KafkaSource.builder<string>().setBootstrapServers('h:1').setTopics('t').build(), /no deserializer; call setValueOnlyDeserializer/);
  rejects(() => KafkaSource.builder<string>().setTopics('t').setTopicPattern(/t.*/), /setTopicPattern cannot be combined with setTopics/);
  rejects(() => base().setTopics('t').setStartingOffsets(OffsetsInitializer.committedOffsets()).build(), /committedOffsets\(\) needs a group id; call setGroupId/);
  rejects(() => base().setTopics('t').setBounded(OffsetsInitializer.earliest()), /setBounded supports OffsetsInitializer.latest\(\), timestamp\(ms\) and offsets/);
  rejects(() => base().setTopics('t').setStartingOffsets('earliest' as never), /needs an OffsetsInitializer/);
  rejects(() => base().setTopics('t').setProperty('group.idd', 'g').build(), /unknown Kafka property 'group.idd' \(did you mean 'group.id'\?\)/);
  rejects(() => OffsetsInitializer.timestamp(-1), /time in ms >= 0/);
  // Flink's defaults: unbounded, from the earliest offsets.
  assert.equal(base().setTopics('t').build().getBoundedness(), 'unbounded');
  assert.equal(base().setTopics('t').setBounded(OffsetsInitializer.latest()).build().getBoundedness(), 'bounded');
  assert.equal(base().setTopics('t').setUnbounded(OffsetsInitializer.latest()).build().getBoundedness(), 'unbounded');
});

test('KafkaSource.builder(): earliest to latest, committed offsets of the group, timestamp and explicit offsets', async () => {
  const all = ['a0', 'a1', 'a2', 'a3', 'b0', 'b1', 'b2', 'b3'];
  assert.deepEqual(await drain(base().setTopics(['lines']).setBounded(OffsetsInitializer.latest()).build()), all);
  // No committed offsets yet: the reset strategy decides; the run commits its end offsets.
  const grouped = () => base().setTopics('lines').setGroupId('builder-group').setBounded(OffsetsInitializer.latest());
  assert.deepEqual(await drain(grouped().setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST)).build()), all);
  assert.deepEqual(await drain(grouped().setStartingOffsets(OffsetsInitializer.committedOffsets()).build()), []);
  assert.deepEqual(await drain(base().setTopics('lines').setStartingOffsets(OffsetsInitializer.timestamp(1002)).setBounded(OffsetsInitializer.latest()).build()), ['a2', 'a3', 'b0', 'b1', 'b2', 'b3']);
  const offsets = new Map([[{ topic: 'lines', partition: 1 }, 3]]);
  const explicit = base().setTopics('lines').setStartingOffsets(OffsetsInitializer.offsets(offsets, OffsetResetStrategy.LATEST)).setBounded(OffsetsInitializer.latest());
  assert.deepEqual(await drain(explicit.build()), ['b3']);
  // setUnbounded: a streaming source that still stops at its offsets.
  assert.deepEqual(await drain(base().setTopics('lines').setUnbounded(OffsetsInitializer.timestamp(1002)).build()), ['a0', 'a1']);
});

test('KafkaSource.builder(): a topic pattern matches whole names, as Java patterns do', async () => {
  assert.deepEqual(await drain(base().setTopicPattern(/pat-.*/).setBounded(OffsetsInitializer.latest()).build()), ['pat-a', 'pat-b']);
});

test('KafkaSource.builder(): setDeserializer gets whole records and may emit several elements', async () => {
  const split = {
    deserialize(record: KafkaRecord, out: Collector<string>) {
      if (record.value?.toString() === 'a1') throw new Error('rejected');
      out.collect(`${record.keyBytes}=${record.value}`);
      out.collect(`${record.partition}@${record.offset}`);
    },
  };
  const source = KafkaSource.builder<string>()
    .setBootstrapServers(bootstrap)
    .setTopics('lines')
    .setDeserializer(split)
    .setProperties(new Map([['partition.discovery.interval.ms', '0']]))
    .setBounded(OffsetsInitializer.offsets({ lines: { 0: 2, 1: 1 } }))
    .build();
  // With the default policy 'fail' the rejected record fails the job; the job's error names it.
  await assert.rejects(drain(source), /cannot deserialize the record at lines\/0 offset 1: rejected/);
  const fine = KafkaSource.builder<string>().setBootstrapServers(bootstrap).setTopics('lines').setDeserializer({ deserialize: (r, out) => { out.collect(`${r.keyBytes}=${r.value}`); out.collect(`${r.partition}@${r.offset}`); } });
  assert.deepEqual(await drain(fine.setBounded(OffsetsInitializer.offsets({ lines: { 0: 1, 1: 1 } })).build()), ['0@0', '1@0', 'k0=a0', 'k0=b0']);
});

test("KafkaRecordSerializationSchema.builder() and KafkaSink.builder() check what Flink's builders check", () => {
  const schema = () => KafkaRecordSerializationSchema.builder<string>();
  rejects(() => schema().setValueSerializationSchema(new SimpleStringSchema()).build(), /no topic; call setTopic/);
  rejects(() => schema().setTopic('t').build(), /no value serializer; call setValueSerializationSchema/);
  rejects(() => schema().setTopic('t').setTopicSelector(() => 'u'), /topic is already set/);
  rejects(() => schema().setKeySerializationSchema((v) => v).setKeySerializationSchema((v) => v), /key serializer is already set/);
  const ok = schema().setTopic('t').setValueSerializationSchema(new SimpleStringSchema()).build();
  rejects(() => KafkaSink.builder<string>().setRecordSerializer(ok).build(), /no bootstrap servers/);
  rejects(() => KafkaSink.builder<string>().setBootstrapServers('h:1').build(), /no record serializer; call setRecordSerializer/);
  rejects(() => KafkaSink.builder<string>().setBootstrapServers('h:1').setRecordSerializer(ok).setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).build(), /EXACTLY_ONCE needs setTransactionalIdPrefix/);
  const eo = KafkaSink.builder<string>().setBootstrapServers('h:1').setRecordSerializer(ok).setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).setTransactionalIdPrefix('x').build();
  assert.equal(eo.deliveryGuarantee, 'exactly-once');
  assert.equal(eo.transactions.prefix, 'x', 'the prefix names the worker transactions');
  rejects(() => KafkaSink.builder<string>().setBootstrapServers('h:1').setRecordSerializer(ok).setProperty('ack', 'all').build(), /did you mean 'acks'/);
  rejects(() => new KafkaSink<string>({ bootstrapServers: 'h:1', recordSerializer: ok, topic: 't' }), /do not set topic as well/);
});

test('KafkaSink.builder(): keys, headers, a topic selector and a partitioner; the topic is created on demand; addSink', async () => {
  interface Reading {
    sensor: string;
    celsius: number;
  }
  const readings: Reading[] = [
    { sensor: 's1', celsius: 20 },
    { sensor: 's2', celsius: -3 },
    { sensor: 's1', celsius: 21 },
  ];
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const source = env.fromCollection(readings);
  source.addSink(
    KafkaSink.builder<Reading>()
      .setBootstrapServers(bootstrap)
      .setRecordSerializer(
        KafkaRecordSerializationSchema.builder<Reading>()
          .setTopic('readings-by-builder')
          .setKeySerializationSchema((r) => r.sensor)
          .setValueSerializationSchema(new JsonSchema<Reading>())
          .setHeaderProvider((r) => ({ unit: 'C', sensor: r.sensor }))
          .build(),
      )
      .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
      .setKafkaProducerConfig({ 'compression.type': 'lz4' })
      .build(),
  );
  source.sinkTo(
    KafkaSink.builder<Reading>()
      .setBootstrapServers(bootstrap)
      .setRecordSerializer(
        KafkaRecordSerializationSchema.builder<Reading>()
          .setTopicSelector((r) => (r.celsius < 0 ? 'frost-by-builder' : 'mild-by-builder'))
          .setValueSerializationSchema((r) => `${r.sensor}:${r.celsius}`)
          .setPartitioner({ partition: (r, _key, value, topic) => (topic === 'mild-by-builder' && value!.toString() === 's1:21' ? 7 : 0) })
          .build(),
      )
      .build(),
  );
  await env.execute('builders');
  const stored = await readTopic(bootstrap, 'readings-by-builder', 3);
  assert.deepEqual(stored.map((m) => [m.key.toString(), JSON.parse(m.value.toString())]), readings.map((r) => [r.sensor, r]));
  assert.equal(headerValue({ headers: [...stored[1]!.headers].map(([k, v]) => [k.toString(), v] as const) }, 'sensor')?.toString(), 's2');
  assert.deepEqual((await readTopic(bootstrap, 'frost-by-builder', 1)).map((m) => m.value.toString()), ['s2:-3']);
  assert.deepEqual((await readTopic(bootstrap, 'mild-by-builder', 2)).map((m) => m.value.toString()).sort(), ['s1:20', 's1:21']);
});

test('a KafkaRecordSerializationSchema written by hand makes the whole record (null writes nothing)', async () => {
  await createTopics(bootstrap, { 'by-hand': 3 });
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  env.fromElements(1, 2, 3, 4).addSink(
    KafkaSink.builder<number>()
      .setBootstrapServers(bootstrap)
      .setRecordSerializer({
        serialize: (n, ctx, timestamp) =>
          n === 3 ? null : { topic: 'by-hand', key: `n${n}`, value: `${n} of ${ctx.getNumberOfParallelInstances()}`, partition: n % 3, timestamp: timestamp ?? 5000 + n },
      })
      .build(),
  );
  await env.execute('by hand');
  const stored = (await readTopic(bootstrap, 'by-hand', 3)).sort((a, b) => a.key.toString().localeCompare(b.key.toString()));
  assert.deepEqual(stored.map((m) => [m.key.toString(), m.value.toString(), m.partition, Number(m.timestamp)]), [
    ['n1', '1 of 2', 1, 5001],
    ['n2', '2 of 2', 2, 5002],
    ['n4', '4 of 2', 1, 5004],
  ]);
});

test('env.addSource takes a KafkaSource as Flink programs pass it', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out: string[] = [];
  env.addSource(base().setTopics('pat-b').setBounded(OffsetsInitializer.latest()).build(), 'Kafka').sinkTo(arraySink(out));
  await env.execute('addSource');
  assert.deepEqual(out, ['pat-b']);
});
