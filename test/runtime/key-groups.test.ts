import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  assignToKeyGroup,
  computeDefaultMaxParallelism,
  computeKeyGroupRangeForOperatorIndex,
  computeOperatorIndexForKeyGroup,
  JobConfigurationError,
  KeyedProcessFunction,
  SluiceError,
  StreamExecutionEnvironment,
  subtaskForKey,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type KeyedContext,
  type RuntimeContext,
  type ValueState,
} from 'sluice';
import { TestSink, TestSource } from 'sluice/testing';
import { Partitioners } from 'kafkajs';
import { murmur2 } from '../../src/util/murmur2.ts';

const enc = new TextEncoder();
/** Kafka's DefaultPartitioner / BuiltInPartitioner for a keyed record: toPositive(murmur2(keyBytes)) % numPartitions. */
const kafkaPartition = (keyBytes: Uint8Array, numPartitions: number): number => (murmur2(keyBytes) & 0x7fffffff) % numPartitions;

test('the key group of a key is the partition Kafka\'s producer picks for its serialized key among maxParallelism partitions', () => {
  // '21' hashes to a negative number in Kafka's test vectors: toPositive is applied before the modulo.
  assert.equal(assignToKeyGroup('21', 128), ((-973932308 & 0x7fffffff) % 128));
  fc.assert(
    fc.property(fc.string({ maxLength: 30 }), fc.integer({ min: 1, max: 32768 }), (key, n) => assignToKeyGroup(key, n) === kafkaPartition(enc.encode(key), n)),
  );
  assert.equal(assignToKeyGroup(1234, 64), kafkaPartition(enc.encode('1234'), 64), 'numbers as decimal text');
  assert.equal(assignToKeyGroup({ b: 1, a: 'x' }, 64), kafkaPartition(enc.encode('{"a":"x","b":1}'), 64), 'objects as stable JSON');
  assert.equal(assignToKeyGroup(['u', 7], 64), kafkaPartition(enc.encode('["u",7]'), 64), 'tuples as JSON arrays');
});

test('a key group is the partition a third-party Kafka producer (kafkajs, Java-compatible) picks among maxParallelism partitions', () => {
  const partitioner = Partitioners.DefaultPartitioner();
  for (const n of [1, 7, 128, 1000]) {
    const partitionMetadata = Array.from({ length: n }, (_, p) => ({ partitionErrorCode: 0, partitionId: p, leader: 0, replicas: [0], isr: [0] }));
    for (const key of ['user-42', 'ü', '0', '12345', 'a-little-bit-longer-string', '{"a":1}']) {
      assert.equal(assignToKeyGroup(key, n), partitioner({ topic: 't', partitionMetadata, message: { key, value: 'v' } }), `key ${key} over ${n}`);
    }
    // Number and object keys use the bytes Sluice writes as their record key.
    assert.equal(assignToKeyGroup(12345, n), partitioner({ topic: 't', partitionMetadata, message: { key: '12345', value: 'v' } }));
    assert.equal(assignToKeyGroup({ a: 1 }, n), partitioner({ topic: 't', partitionMetadata, message: { key: '{"a":1}', value: 'v' } }));
  }
});

test("default max parallelism: roundUpToPowerOfTwo(p + p/2) bounded to [128, 32768], as Flink's", () => {
  assert.equal(computeDefaultMaxParallelism(1), 128);
  assert.equal(computeDefaultMaxParallelism(85), 128);
  assert.equal(computeDefaultMaxParallelism(86), 256);
  assert.equal(computeDefaultMaxParallelism(1000), 2048);
  assert.equal(computeDefaultMaxParallelism(30000), 32768);
});

test('key group ranges: contiguous, covering, balanced, and consistent with the key group -> subtask function', () => {
  const range = (max: number, p: number, i: number) => {
    const r = computeKeyGroupRangeForOperatorIndex(max, p, i);
    return [r.start, r.end];
  };
  assert.deepEqual(range(128, 3, 0), [0, 42]);
  assert.deepEqual(range(128, 3, 1), [43, 85]);
  assert.deepEqual(range(128, 3, 2), [86, 127]);
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 600 }), (a, b) => {
      const [parallelism, maxParallelism] = a <= b ? [a, b] : [b, a];
      let next = 0;
      const sizes: number[] = [];
      for (let i = 0; i < parallelism; i++) {
        const r = computeKeyGroupRangeForOperatorIndex(maxParallelism, parallelism, i);
        if (r.start !== next) return false;
        for (let kg = r.start; kg <= r.end; kg++) if (computeOperatorIndexForKeyGroup(maxParallelism, parallelism, kg) !== i) return false;
        sizes.push(r.size);
        next = r.end + 1;
      }
      return next === maxParallelism && Math.max(...sizes) - Math.min(...sizes) <= 1;
    }),
  );
});

/** Records each key with the subtask and max parallelism that processed it. */
class WhereAmI extends KeyedProcessFunction<string, string, string> {
  index = -1;
  max = -1;
  override open(ctx: RuntimeContext): void {
    this.index = ctx.getIndexOfThisSubtask();
    this.max = ctx.getMaxNumberOfParallelSubtasks();
  }
  processElement(key: string, _ctx: KeyedContext<string>, out: Collector<string>): void {
    out.collect(`${key}@${this.index}/${this.max}`);
  }
}

test('keyBy sends each key to the subtask that owns its key group (default and configured max parallelism)', async () => {
  const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
  for (const [parallelism, max] of [[3, undefined], [4, 7], [5, 300]] as const) {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism });
    if (max !== undefined) env.setMaxParallelism(max);
    const sink = new TestSink<string>();
    env.fromCollection(keys).keyBy((k) => k).process(new WhereAmI()).sinkTo(sink);
    await env.execute('route');
    const maxP = max ?? 128;
    const expected = keys.map((k) => `${k}@${subtaskForKey(k, parallelism, maxP)}/${maxP}`).sort();
    assert.deepEqual(sink.values.sort(), expected);
  }
});

test('setMaxParallelism: bounds checked; parallelism above it is refused at build time', () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 4 });
  assert.throws(() => env.setMaxParallelism(0), JobConfigurationError);
  assert.throws(() => env.setMaxParallelism(32769), /between 1 and 32768/);
  env.setMaxParallelism(2);
  env.fromElements('a').keyBy((k) => k).process(new WhereAmI()).print();
  assert.throws(() => env.getExecutionPlan(), /parallelism 4, above the max parallelism 2/);
  const env2 = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 4 });
  env2.fromElements('a').keyBy((k) => k).process(new WhereAmI()).setMaxParallelism(3).print();
  assert.throws(() => env2.getExecutionPlan(), /above its max parallelism 3/);
  const env3 = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  env3.fromElements('a').keyBy((k) => k).process(new WhereAmI()).setMaxParallelism(16).uid('p').print();
  const op = env3.getExecutionPlanJson().stages.flatMap((s) => s.operators).find((o) => o.uid === 'p')!;
  assert.equal(op.maxParallelism, 16, 'the operator setting wins over the default');
  assert.equal(env.getMaxParallelism(), 2);
  assert.equal(env3.getMaxParallelism(), -1, 'unset');
});

/** Counts per key; emits the running count. */
class Count extends KeyedProcessFunction<string, string, string> {
  count!: ValueState<number>;
  override open(ctx: RuntimeContext): void {
    this.count = ctx.getState(new ValueStateDescriptor<number>('count', 0));
  }
  processElement(key: string, _ctx: KeyedContext<string>, out: Collector<string>): void {
    this.count.update(this.count.value() + 1);
    out.collect(`${key}=${this.count.value()}`);
  }
}

async function countJob(parallelism: number, input: string[], options: { max?: number; opMax?: number; keepOpen?: boolean }) {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism });
  if (options.max !== undefined) env.setMaxParallelism(options.max);
  let reached: () => void = () => {};
  const all = new Promise<void>((resolve) => (reached = resolve));
  const sink = new TestSink<string>({ onRecord: (_r, records) => void (records.length === input.length && reached()) });
  const source = new TestSource<string>().emitAll(input);
  if (options.keepOpen) source.keepOpen();
  const counted = env.fromSource(source, WatermarkStrategy.noWatermarks(), 'keys').keyBy((k) => k).process(new Count()).uid('count');
  if (options.opMax !== undefined) counted.setMaxParallelism(options.opMax);
  counted.sinkTo(sink);
  return { env, sink, all };
}

test('savepoints store keyed state by key group; restore at another parallelism moves whole key groups', async () => {
  const keys = Array.from({ length: 60 }, (_, i) => `key-${i}`);
  const { env, sink, all } = await countJob(3, keys, { max: 64, keepOpen: true });
  const running = await env.executeAsync('first');
  await all;
  const savepoint = structuredClone(await running.triggerSavepoint());
  running.cancel();
  await running.result.catch(() => {});
  assert.equal(sink.values.length, 60);
  const snaps = savepoint.operators.count!;
  assert.equal(snaps.length, 3);
  for (const s of snaps) {
    assert.equal(s.keyed!.maxParallelism, 64);
    const range = computeKeyGroupRangeForOperatorIndex(64, 3, s.subtaskIndex);
    for (const g of s.keyed!.keyGroups) {
      assert.ok(range.contains(g.keyGroup), `subtask ${s.subtaskIndex} wrote key group ${g.keyGroup} outside ${range}`);
      for (const [key] of g.states.count ?? []) assert.equal(assignToKeyGroup(key, 64), g.keyGroup);
    }
  }
  // Restore at parallelism 5 (max parallelism adopted from the savepoint): every key continues from its count.
  const { env: env2, sink: sink2 } = await countJob(5, keys, {});
  await env2.execute('restored', { restoreFrom: { ...savepoint, sources: {} } });
  const seen = new Set(sink.values);
  assert.equal(sink2.values.length, 60);
  for (const v of sink2.values) {
    const [k, n] = v.split('=');
    assert.ok(seen.has(`${k}=1`));
    assert.equal(n, '2', `${k} restored with its count`);
  }
  const plan = env2.getExecutionPlanJson().stages.flatMap((s) => s.operators).find((o) => o.uid === 'count')!;
  assert.equal(plan.maxParallelism, 128, 'the plan without a savepoint uses the default');

  // An explicitly different max parallelism is refused, naming the operator and both numbers.
  const { env: env3 } = await countJob(2, keys, { opMax: 32 });
  await assert.rejects(env3.execute('refused', { restoreFrom: { ...savepoint, sources: {} } }), (e: unknown) => {
    assert.ok(e instanceof SluiceError);
    assert.equal(e.code, 'SLUICE_SAVEPOINT_INCOMPATIBLE');
    assert.match(e.message, /uid 'count'.*max parallelism 32.*64 key groups/s);
    return true;
  });
  // The same explicit max parallelism is fine.
  const { env: env4, sink: sink4 } = await countJob(4, keys, { max: 64 });
  await env4.execute('same', { restoreFrom: { ...savepoint, sources: {} } });
  assert.ok(sink4.values.every((v) => v.endsWith('=2')));
});
