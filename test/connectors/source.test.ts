import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consumer } from '@platformatic/kafka';
import { KafkaSource, SimpleStringSchema, StreamExecutionEnvironment, WatermarkStrategy, headerValue, type KafkaSourceOptions } from '../../src/index.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { arraySink, createTopics, produce } from './kafka-helpers.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let bootstrap: string;

before(async () => {
  broker = await startTestBroker();
  bootstrap = broker.bootstrap;
  await createTopics(bootstrap, { positions: 2, keyed: 1 });
  // positions: p0 has a0..a4 at t=1000+i, p1 has b0..b4 at t=2000+i
  await produce(bootstrap, 'positions', [
    ...Array.from({ length: 5 }, (_, i) => ({ partition: 0, value: `a${i}`, timestamp: 1000 + i })),
    ...Array.from({ length: 5 }, (_, i) => ({ partition: 1, value: `b${i}`, timestamp: 2000 + i })),
  ]);
});
after(async () => {
  await broker.stop();
});

/** Runs a bounded KafkaSource to its end and returns what it emitted. */
async function readBounded<T = string>(options: Partial<KafkaSourceOptions<T>>, parallelism = 1): Promise<{ values: T[]; timestamps: Array<number | undefined> }> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism });
  const values: T[] = [];
  const timestamps: Array<number | undefined> = [];
  const source = new KafkaSource<T>({ bootstrapServers: bootstrap, topics: ['positions'], bounded: true, ...options } as KafkaSourceOptions<T>);
  env.fromSource(source, WatermarkStrategy.noWatermarks<T>(), 'src').sinkTo(arraySink(values, timestamps));
  await env.execute('read');
  return { values, timestamps };
}
const sorted = (xs: string[]): string[] => [...xs].sort();

test('startingOffsets earliest reads everything; record timestamps are the event time', async () => {
  const { values, timestamps } = await readBounded({ startingOffsets: 'earliest' });
  assert.deepEqual(sorted(values as string[]), ['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'b3', 'b4']);
  const byValue = new Map(values.map((v, i) => [v, timestamps[i]]));
  assert.equal(byValue.get('a3'), 1003);
  assert.equal(byValue.get('b1'), 2001);
});

test('startingOffsets latest with a bound at the end reads nothing and ends', async () => {
  const { values } = await readBounded({ startingOffsets: 'latest' });
  assert.deepEqual(values, []);
});

test('startingOffsets as explicit offsets, other partitions from the fallback', async () => {
  const { values } = await readBounded({ startingOffsets: { offsets: { positions: { 0: 3 } }, fallback: 'latest' } });
  assert.deepEqual(sorted(values as string[]), ['a3', 'a4']);
});

test('startingOffsets by timestamp: the first record at or after the time, the end where there is none', async () => {
  const { values } = await readBounded({ startingOffsets: { timestamp: 1002 } });
  // p0 from a2; p1's records are all later than 1002, so all of them
  assert.deepEqual(sorted(values as string[]), ['a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'b3', 'b4']);
  const late = await readBounded({ startingOffsets: { timestamp: 5000 } });
  assert.deepEqual(late.values, []);
});

test('startingOffsets committed: the group offsets, the fallback where none; a bounded job commits where it ended', async () => {
  const consumer = new Consumer({ clientId: 'committer', groupId: 'g-committed', bootstrapBrokers: [bootstrap] });
  consumer.generationId = -1;
  await consumer.commit({ offsets: [{ topic: 'positions', partition: 1, offset: 4n, leaderEpoch: -1 }] });
  await consumer.close();
  const first = await readBounded({ groupId: 'g-committed', startingOffsets: { committed: 'earliest' } });
  assert.deepEqual(sorted(first.values as string[]), ['a0', 'a1', 'a2', 'a3', 'a4', 'b4']);
  // The first run committed its end offsets: a second run of the same group reads nothing.
  const second = await readBounded({ groupId: 'g-committed', startingOffsets: 'committed' });
  assert.deepEqual(second.values, []);
  await assert.rejects(readBounded({ groupId: 'g-none', startingOffsets: { committed: 'fail' } }), /no starting offset for positions\/0, positions\/1/);
});

test('bounded by explicit stop offsets, and by timestamp', async () => {
  const { values } = await readBounded({ startingOffsets: 'earliest', bounded: { offsets: { positions: { 0: 2, 1: 1 } } } });
  assert.deepEqual(sorted(values as string[]), ['a0', 'a1', 'b0']);
  const byTime = await readBounded({ startingOffsets: 'earliest', bounded: { timestamp: 1003 } });
  assert.deepEqual(sorted(byTime.values as string[]), ['a0', 'a1', 'a2']);
});

test('parallel subtasks share the partitions: every record once, a subtask without partitions ends too', async () => {
  for (const parallelism of [2, 3]) {
    const { values } = await readBounded({ startingOffsets: 'earliest' }, parallelism);
    assert.equal(values.length, 10, `parallelism ${parallelism}`);
    assert.equal(new Set(values).size, 10);
  }
});

test('the deserializers see topic, partition, offset, timestamp, headers and the (deserialized) key', async () => {
  await produce(bootstrap, 'keyed', [
    { key: 'user-1', value: 'hello', headers: { trace: 't-1' }, timestamp: 42 },
    { value: 'no key', timestamp: 43 },
    { key: 'user-2', value: null, timestamp: 44 }, // a tombstone: SimpleStringSchema drops it
  ]);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out: string[] = [];
  const source = new KafkaSource<string, string | null>({
    bootstrapServers: bootstrap,
    topics: ['keyed'],
    startingOffsets: 'earliest',
    bounded: true,
    keyDeserializer: (bytes) => (bytes === null ? null : bytes.toString().toUpperCase()),
    deserializer: (bytes, r) =>
      bytes === null ? null : `${r.topic}/${r.partition}@${r.offset} t=${r.timestamp} key=${r.key} raw=${r.keyBytes?.toString() ?? '-'} trace=${headerValue(r, 'trace')?.toString() ?? '-'} ${bytes.toString()}`,
  });
  env.fromSource(source, WatermarkStrategy.noWatermarks<string>(), 'keyed').sinkTo(arraySink(out));
  await env.execute('keyed');
  assert.deepEqual(out, ['keyed/0@0 t=42 key=USER-1 raw=user-1 trace=t-1 hello', 'keyed/0@1 t=43 key=null raw=- trace=- no key']);
  // SimpleStringSchema skips tombstones too
  const plain = await readBounded<string>({ topics: ['keyed'], startingOffsets: 'earliest', deserializer: new SimpleStringSchema() });
  assert.deepEqual(plain.values, ['hello', 'no key']);
});

test('a missing topic fails fast with SLUICE_KAFKA_UNKNOWN_TOPIC', async () => {
  await assert.rejects(readBounded({ topics: ['does-not-exist'] }), (e: Error & { code?: string }) => e.code === 'SLUICE_KAFKA_UNKNOWN_TOPIC' && /sluice topics create/.test(e.message));
});
