// Probes of the Operators page of Flink's documentation, with each function given as an object
// implementing Flink's interface (as Flink's anonymous classes do): JoinFunction, CoGroupFunction,
// WindowFunction, AllWindowFunction, ReduceFunction, KeySelector, CoMapFunction, Partitioner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy, type Collector, type CoGroupFunction, type JoinFunction, type TimeWindow,
  type WindowFunction,
} from 'sluice';

const timed = (env: StreamExecutionEnvironment, vs: [string, number][]) =>
  env.fromCollection(vs).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<[string, number]>().withTimestampAssigner((v) => v[1]));

test('join/coGroup with JoinFunction and CoGroupFunction objects; windowed apply with a WindowFunction object; windowAll apply', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const a = () => timed(env, [['x', 1], ['y', 2]]);
  const b = () => timed(env, [['x', 3], ['x', 4]]);
  const join: JoinFunction<[string, number], [string, number], string> = { join: (l, r) => `${l[0]}:${l[1]}-${r[1]}` };
  const joined = await a().join(b()).where({ getKey: (v: [string, number]) => v[0] }).equalTo((v) => v[0]).window(TumblingEventTimeWindows.of(10)).apply(join).executeAndCollect();
  assert.deepEqual(joined.sort(), ['x:1-3', 'x:1-4']);
  const cg: CoGroupFunction<[string, number], [string, number], string> = {
    coGroup: (ls, rs, out) => out.collect(`${[...ls].length}/${[...rs].length}`),
  };
  const grouped = await a().coGroup(b()).where((v) => v[0]).equalTo((v) => v[0]).window(TumblingEventTimeWindows.of(10)).apply(cg).executeAndCollect();
  assert.deepEqual(grouped.sort(), ['1/0', '1/2']);
  const wf: WindowFunction<[string, number], string, string, TimeWindow> = {
    apply: (key, window, input, out) => out.collect(`${key}[${window.getStart()},${window.getEnd()}):${[...input].length}`),
  };
  assert.deepEqual(await b().keyBy((v) => v[0]).window(TumblingEventTimeWindows.of(10)).apply(wf).executeAndCollect(), ['x[0,10):2']);
  const all = await b()
    .windowAll(TumblingEventTimeWindows.of(10))
    .apply((window: TimeWindow, values: [string, number][], out: Collector<number>) => out.collect(window.maxTimestamp() + values.length))
    .executeAndCollect();
  assert.deepEqual(all, [11]);
});

test('reduce, filter, flatMap, coMap and partitionCustom with Flink-style objects', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const out = await env
    .fromElements(1, 2, 3, 4, 5)
    .filter({ filter: (v: number) => v !== 3 })
    .flatMap({ flatMap: (v: number, c: Collector<number>) => void c.collect(v * 10) })
    .partitionCustom({ partition: (key: number, n: number) => key % n }, (v) => v / 10)
    .keyBy({ getKey: (v: number) => v % 2 })
    .reduce({ reduce: (x: number, y: number) => x + y })
    .executeAndCollect();
  assert.deepEqual(out.sort((p, q) => p - q).at(-1), 120);
  const co = await env.fromElements(1).connect(env.fromElements('a')).map({ map1: (v: number) => `n${v}`, map2: (s: string) => `s${s}` }).executeAndCollect();
  assert.deepEqual(co.sort(), ['n1', 'sa']);
});

test('windowAll reduce/aggregate followed by a ProcessAllWindowFunction (ctx, elements, out) or an AllWindowFunction, as Flink\'s AllWindowedStream', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const sum = (x: [string, number], y: [string, number]): [string, number] => [x[0], x[1] + y[1]];
  const viaProcess = await timed(env, [['a', 1], ['b', 2], ['c', 13]])
    .windowAll(TumblingEventTimeWindows.of(10))
    .reduce(sum, (ctx: { window(): TimeWindow }, els: [string, number][], out: Collector<string>) => out.collect(`${ctx.window().getStart()}:${els[0]![1]}`))
    .executeAndCollect();
  assert.deepEqual(viaProcess, ['0:3', '10:13']);
  const count = { createAccumulator: () => 0, add: (_v: [string, number], a: number) => a + 1, getResult: (a: number) => a, merge: (a: number, b: number) => a + b };
  const viaApply = await timed(env, [['a', 1], ['b', 2], ['c', 13]])
    .windowAll(TumblingEventTimeWindows.of(10))
    .aggregate(count, { apply: (window: TimeWindow, counts: number[], out: Collector<string>) => out.collect(`${window.getStart()}#${counts[0]}`) })
    .executeAndCollect();
  assert.deepEqual(viaApply, ['0#2', '10#1']);
  const keyedWithWindowFunction = await timed(env, [['a', 1], ['a', 2]])
    .keyBy((v) => v[0])
    .window(TumblingEventTimeWindows.of(10))
    .reduce(sum, { apply: (key: string, window: TimeWindow, input: [string, number][], out: Collector<string>) => out.collect(`${key}@${window.getStart()}=${input[0]![1]}`) })
    .executeAndCollect();
  assert.deepEqual(keyedWithWindowFunction, ['a@0=3']);
});
