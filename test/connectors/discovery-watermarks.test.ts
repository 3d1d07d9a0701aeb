import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { KafkaSource, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy, type JobClient } from '../../src/index.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { arraySink, createTopics, eventually, produce } from './kafka-helpers.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let bootstrap: string;

before(async () => {
  broker = await startTestBroker();
  bootstrap = broker.bootstrap;
});
after(async () => {
  await broker.stop();
});

async function stop(job: JobClient): Promise<void> {
  job.cancel();
  await job.result.catch(() => {});
}

test('partition discovery: new partitions of a topic and new topics matching a pattern are read from their start', async () => {
  await createTopics(bootstrap, { grow: 1, 'pat-1': 1 });
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const out: string[] = [];
  const options = { bootstrapServers: bootstrap, startingOffsets: 'earliest' as const, partitionDiscoveryIntervalMs: 100 };
  env.fromSource(new KafkaSource<string>({ ...options, topics: ['grow'] }), WatermarkStrategy.noWatermarks<string>(), 'grow').sinkTo(arraySink(out));
  env.fromSource(new KafkaSource<string>({ ...options, topicPattern: /^pat-/ }), WatermarkStrategy.noWatermarks<string>(), 'pat').sinkTo(arraySink(out));
  const job = await env.executeAsync('discovery');
  try {
    await produce(bootstrap, 'grow', [{ partition: 0, value: 'grow/0' }]);
    await produce(bootstrap, 'pat-1', [{ value: 'pat-1' }]);
    await eventually(() => out.length === 2, 10_000, 'the first records');
    const admin = new Admin({ clientId: 'grower', bootstrapBrokers: [bootstrap] });
    await admin.createPartitions({ topics: [{ name: 'grow', count: 3 }] });
    await admin.createTopics({ topics: ['pat-2', 'other'], partitions: 1, replicas: 1 });
    await admin.close();
    // written before the source discovers them: read from the start of the new partitions
    await produce(bootstrap, 'grow', [{ partition: 1, value: 'grow/1' }, { partition: 2, value: 'grow/2' }]);
    await produce(bootstrap, 'pat-2', [{ value: 'pat-2' }]);
    await produce(bootstrap, 'other', [{ value: 'other' }]);
    await eventually(() => out.length >= 5, 10_000, 'records of the discovered partitions');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual([...out].sort(), ['grow/0', 'grow/1', 'grow/2', 'pat-1', 'pat-2']);
  } finally {
    await stop(job);
  }
});

test('per-partition watermarks: a partition that lags holds the window back, and its records are not late', async () => {
  await createTopics(bootstrap, { sensors: 2 });
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const seen: number[] = [];
  const windows: string[] = [];
  const source = new KafkaSource<number>({ bootstrapServers: bootstrap, topics: ['sensors'], startingOffsets: 'earliest', deserializer: (b) => Number(b!.toString()) });
  // Event time = the Kafka record timestamp (the strategy has no timestamp assigner).
  env
    .fromSource(source, WatermarkStrategy.forBoundedOutOfOrderness<number>(0), 'sensors')
    .map((v) => (seen.push(v), v))
    .windowAll(TumblingEventTimeWindows.of(10_000))
    .process<string>((ctx, elements, out) => out.collect(`${ctx.window().start}:${elements.length}`))
    .sinkTo(arraySink(windows));
  const job = await env.executeAsync('per-partition watermarks');
  try {
    // partition 0 runs ahead to t=25 s ...
    await produce(bootstrap, 'sensors', Array.from({ length: 26 }, (_, i) => ({ partition: 0, value: String(i), timestamp: i * 1000 })));
    await eventually(() => seen.length === 26, 10_000, 'partition 0');
    // ... partition 1 is at t=1..5 s: with one watermark per source these would be late
    await produce(bootstrap, 'sensors', Array.from({ length: 5 }, (_, i) => ({ partition: 1, value: String(100 + i), timestamp: (i + 1) * 1000 })));
    await eventually(() => seen.length === 31, 10_000, 'partition 1');
    await new Promise((r) => setTimeout(r, 500)); // a few periodic watermarks
    assert.deepEqual(windows, [], 'no window fires while partition 1 is at 5 s');
    // partition 1 jumps to 30 s: the watermark is now partition 0's (25 s)
    await produce(bootstrap, 'sensors', [{ partition: 1, value: '200', timestamp: 30_000 }]);
    await eventually(() => windows.length === 2, 10_000, `two windows (got ${windows.join(', ')})`);
    assert.deepEqual(windows, ['0:15', '10000:10']);
    await produce(bootstrap, 'sensors', [{ partition: 0, value: '300', timestamp: 40_000 }]);
    await eventually(() => windows.length === 3, 10_000, `the third window (got ${windows.join(', ')})`);
    assert.deepEqual(windows, ['0:15', '10000:10', '20000:6']);
  } finally {
    await stop(job);
  }
});
