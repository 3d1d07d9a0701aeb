import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { JsonSchema, KafkaSink, StreamExecutionEnvironment, kafkaPartitionForKey } from '../../src/index.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { createTopics, readTopic } from './kafka-helpers.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let bootstrap: string;
const KEYS = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? `user-${i}` : i % 3 === 1 ? `ключ-${i}-é` : `${i}`.repeat(i % 7)));

before(async () => {
  broker = await startTestBroker();
  bootstrap = broker.bootstrap;
  await createTopics(bootstrap, { 'by-kafkajs': 7, 'by-sluice': 7, routed: 2, 'routed-even': 1, 'routed-odd': 1 });
});
after(async () => {
  await broker.stop();
});

test('kafkaPartitionForKey computes what kafkajs DefaultPartitioner computes', () => {
  const partitioner = Partitioners.DefaultPartitioner();
  for (const n of [1, 2, 3, 7, 12, 100]) {
    const partitionMetadata = Array.from({ length: n }, (_, p) => ({ partitionErrorCode: 0, partitionId: p, leader: 0, replicas: [0], isr: [0] }));
    for (const key of KEYS.filter((k) => k !== '')) {
      const expected = partitioner({ topic: 't', partitionMetadata, message: { key, value: 'v' } });
      assert.equal(kafkaPartitionForKey(Buffer.from(key), n), expected, `key ${key} over ${n} partitions`);
    }
  }
});

test('a KafkaSink puts every key in the partition kafkajs put it in', async () => {
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'kafkajs-writer', logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const keys = KEYS.filter((k) => k !== '');
  await producer.send({ topic: 'by-kafkajs', messages: keys.map((key) => ({ key, value: key })) });
  await producer.disconnect();

  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  env
    .fromCollection(keys)
    .sinkTo(new KafkaSink<string>({ bootstrapServers: bootstrap, topic: 'by-sluice', keySerializer: (k) => k, serializer: (k) => k }));
  await env.execute('write keys');

  const partitionOf = async (topic: string): Promise<Map<string, number>> =>
    new Map((await readTopic(bootstrap, topic, keys.length)).map((m) => [m.key.toString(), m.partition]));
  const [theirs, ours] = [await partitionOf('by-kafkajs'), await partitionOf('by-sluice')];
  assert.equal(ours.size, keys.length);
  for (const k of keys) assert.equal(ours.get(k), theirs.get(k), `key ${k}`);
  assert.ok(new Set(ours.values()).size > 4, 'keys spread over the partitions');
});

test('topic from the record, headers, JSON values, event timestamps; flushed at the end of a bounded job', async () => {
  interface Reading {
    id: number;
    at: number;
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env
    .fromElements<Reading>({ id: 1, at: 1000 }, { id: 2, at: 2000 }, { id: 3, at: 3000 }, { id: 4, at: 4000 })
    .sinkTo(
      new KafkaSink<Reading>({
        bootstrapServers: bootstrap,
        topic: (r) => (r.id % 2 === 0 ? 'routed-even' : 'routed-odd'),
        serializer: new JsonSchema<Reading>(),
        headers: (r) => ({ source: 'sensor', id: String(r.id) }),
        timestamp: (r) => r.at,
        deliveryGuarantee: 'none',
        properties: { 'linger.ms': 1000, 'compression.type': 'gzip' },
      }),
    );
  await env.execute('routed');
  const even = await readTopic(bootstrap, 'routed-even', 2);
  const odd = await readTopic(bootstrap, 'routed-odd', 2);
  assert.deepEqual(even.map((m) => JSON.parse(m.value.toString())), [{ id: 2, at: 2000 }, { id: 4, at: 4000 }]);
  assert.deepEqual(odd.map((m) => m.timestamp), [1000n, 3000n]);
  assert.deepEqual([...even[0]!.headers].map(([k, v]) => [k.toString(), v.toString()]), [['source', 'sensor'], ['id', '2']]);
});

test('a sink to a missing topic asks Kafka to create it, as Kafka producers do (fixed and per-record topics)', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.fromElements('a', 'b').sinkTo(new KafkaSink<string>({ bootstrapServers: bootstrap, topic: 'made-by-sink' }));
  env.fromElements(1, 2).sinkTo(new KafkaSink<number>({ bootstrapServers: bootstrap, topic: (n) => `made-per-record-${n}` }));
  await env.execute('auto-created');
  assert.deepEqual((await readTopic(bootstrap, 'made-by-sink', 2)).map((m) => m.value.toString()), ['a', 'b']);
  assert.deepEqual((await readTopic(bootstrap, 'made-per-record-2', 1)).map((m) => m.value.toString()), ['2']);
});

/** The job's failure, whose message must name the topic and say it once (no repeated client cause). */
async function missingTopicFailure(server: string, topic: string, properties?: Record<string, string>): Promise<Error & { code?: string }> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.fromElements('x').sinkTo(new KafkaSink<string>({ bootstrapServers: server, topic, ...(properties && { properties }) }));
  const e = await env.execute('missing').then(() => assert.fail('the job should fail'), (err: Error & { code?: string }) => err);
  assert.equal(e.code, 'SLUICE_KAFKA_UNKNOWN_TOPIC');
  assert.equal(e.message.split(topic).length - 1, 2, `the topic named in the sentence and in the command only: ${e.message}`);
  assert.doesNotMatch(e.message, /Unknown topic/);
  return e;
}

test('allow.auto.create.topics=false: a missing topic fails when the job starts, with one clear message', async () => {
  const e = await missingTopicFailure(bootstrap, 'nowhere', { 'allow.auto.create.topics': 'false' });
  assert.equal(e.message, "KafkaSink: topic 'nowhere' does not exist (the sink does not ask for it to be created: allow.auto.create.topics is false); create it first (sluice topics create nowhere --partitions N)");
});

test('a cluster that does not create topics: the sink fails when the job starts, saying so', async () => {
  const strict = await startTestBroker({ autoCreateTopics: false });
  try {
    const e = await missingTopicFailure(strict.bootstrap, 'not-created');
    assert.match(e.message, /^KafkaSink: topic 'not-created' does not exist and the cluster did not create it/);
  } finally {
    await strict.stop();
  }
});

test('records whose event times are far apart keep their timestamps', async () => {
  await createTopics(bootstrap, { 'far-times': 1 });
  const times = [1_700_000_005_000, 1_000, 1_700_000_000_000, 5_000_000_000_000];
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.fromCollection(times).sinkTo(new KafkaSink<number>({ bootstrapServers: bootstrap, topic: 'far-times', timestamp: (t) => t }));
  await env.execute('far');
  assert.deepEqual((await readTopic(bootstrap, 'far-times', times.length)).map((m) => Number(m.timestamp)), times);
});
