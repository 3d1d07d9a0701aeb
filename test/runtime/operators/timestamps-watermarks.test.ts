// assignTimestampsAndWatermarks runs at its input's parallelism, chained to it (Flink's
// DataStream#assignTimestampsAndWatermarks takes the input transformation's parallelism).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from 'sluice';
import { ManualClock } from 'sluice/testing';

interface Ev {
  key: string;
  ts: number;
}
const strategy = WatermarkStrategy.forBoundedOutOfOrderness<Ev>(0).withTimestampAssigner((e) => e.ts);

test('after a non-parallel source, assignTimestampsAndWatermarks runs as one subtask chained to it', () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 4 });
  env.fromCollection<Ev>([{ key: 'a', ts: 1 }]).assignTimestampsAndWatermarks(strategy).keyBy((e) => e.key).print();
  const plan = env.getExecutionPlanJson('p');
  assert.deepEqual(
    plan.stages.map((s) => [s.parallelism, s.operators.map((o) => o.name), s.inputs.map((i) => i.partitioning)]),
    [
      [1, ['Source: Collection Source', 'Timestamps/Watermarks'], []],
      [4, ['Sink: Print to Std. Out'], ['hash']],
    ],
  );
});

test('after a parallel source it takes the source parallelism; an explicit setParallelism still wins', () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const src = env.fromSequence(0, 9).setParallelism(3).map((n) => ({ key: 'k', ts: n })).setParallelism(3);
  src.assignTimestampsAndWatermarks(strategy).map((e) => e.ts).setParallelism(3).print();
  src.assignTimestampsAndWatermarks(strategy).setParallelism(1).print();
  const stages = env.getExecutionPlanJson('p').stages.map((s) => [s.parallelism, s.operators.map((o) => o.name).join(' -> ')]);
  assert.deepEqual(stages, [
    [3, 'Source: Sequence Source -> Map -> Timestamps/Watermarks -> Map'],
    [2, 'Sink: Print to Std. Out'],
    [1, 'Timestamps/Watermarks'],
    [2, 'Sink: Print to Std. Out'],
  ]);
});

test('which records are late does not depend on the default parallelism', async () => {
  // Bound 0: a@2000 arrives after the watermark 11999 and is late for [0,10000).
  const input: Ev[] = [{ key: 'a', ts: 1000 }, { key: 'a', ts: 12_000 }, { key: 'a', ts: 2000 }];
  const run = async (parallelism: number): Promise<string[]> => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism, clock: new ManualClock(0), autoWatermarkInterval: 'every-record' });
    const s = env
      .fromCollection(input)
      .assignTimestampsAndWatermarks(strategy)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(10_000))
      .process<string>((k, c, els, out) => out.collect(`${k} [${c.window().start}) ${els.length}`));
    return (await s.executeAndCollect()).sort();
  };
  const p1 = await run(1);
  assert.deepEqual(p1, ['a [0) 1', 'a [10000) 1']);
  assert.deepEqual(await run(4), p1);
});
