// Probes of the DataStream transformations written from Flink's documentation (Operators overview,
// Joining, KeyGroupRangeAssignment): rolling aggregations, composite keys, key groups, window
// join/coGroup, connected streams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  computeDefaultMaxParallelism, computeKeyGroupRangeForOperatorIndex, computeOperatorIndexForKeyGroup, KeyedCoProcessFunction,
  StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy, type Collector, type KeyedContext,
} from 'sluice';

const timed = <T extends { ts: number }>(env: StreamExecutionEnvironment, items: T[]) =>
  env.fromCollection(items).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<T>().withTimestampAssigner((e) => e.ts));

test('rolling aggregations on tuples: sum/min/max keep the first record\'s other fields; minBy/maxBy return the first record holding the extreme', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const input: [string, number, string][] = [['k', 3, 'a'], ['k', 1, 'b'], ['k', 1, 'c'], ['k', 5, 'd'], ['k', 5, 'e']];
  const ks = () => env.fromCollection(input).keyBy(0);
  assert.deepEqual(await ks().sum(1).executeAndCollect(), [['k', 3, 'a'], ['k', 4, 'a'], ['k', 5, 'a'], ['k', 10, 'a'], ['k', 15, 'a']]);
  assert.deepEqual((await ks().min(1).executeAndCollect()).map((r) => `${r[1]}${r[2]}`), ['3a', '1a', '1a', '1a', '1a']);
  assert.deepEqual((await ks().max(1).executeAndCollect()).map((r) => `${r[1]}${r[2]}`), ['3a', '3a', '3a', '5a', '5a']);
  assert.deepEqual((await ks().minBy(1).executeAndCollect()).map((r) => `${r[1]}${r[2]}`), ['3a', '1b', '1b', '1b', '1b']);
  assert.deepEqual((await ks().maxBy(1).executeAndCollect()).map((r) => `${r[1]}${r[2]}`), ['3a', '3a', '3a', '5d', '5d']);
});

test('keyBy on a composite key (tuple / object) groups by value, not by identity', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
  const input = [{ a: 'x', b: 1, v: 1 }, { a: 'x', b: 2, v: 1 }, { a: 'x', b: 1, v: 1 }, { a: 'y', b: 1, v: 1 }];
  const byTuple = await env.fromCollection(input).keyBy((e) => [e.a, e.b]).sum('v').executeAndCollect();
  assert.deepEqual(byTuple.map((e) => `${e.a}${e.b}=${e.v}`).sort(), ['x1=1', 'x1=2', 'x2=1', 'y1=1']);
  const byObject = await env.fromCollection(input).keyBy((e) => ({ a: e.a, b: e.b })).sum('v').executeAndCollect();
  assert.deepEqual(byObject.map((e) => `${e.a}${e.b}=${e.v}`).sort(), ['x1=1', 'x1=2', 'x2=1', 'y1=1']);
});

test('key groups: Flink\'s default max parallelism and KeyGroupRangeAssignment formulas', () => {
  // roundUpToPowerOfTwo(p + p / 2) (integer division) within [128, 32768]
  assert.equal(computeDefaultMaxParallelism(1), 128);
  assert.equal(computeDefaultMaxParallelism(85), 128);
  assert.equal(computeDefaultMaxParallelism(86), 256);
  assert.equal(computeDefaultMaxParallelism(171), 256);
  assert.equal(computeDefaultMaxParallelism(172), 512);
  assert.equal(computeDefaultMaxParallelism(30_000), 32_768);
  // operator index = keyGroup * parallelism / maxParallelism; ranges are contiguous and cover every group once.
  for (const [maxP, p] of [[128, 3], [10, 4], [7, 7], [128, 1], [100, 30]] as const) {
    let next = 0;
    for (let i = 0; i < p; i++) {
      const r = computeKeyGroupRangeForOperatorIndex(maxP, p, i);
      assert.equal(r.getStartKeyGroup(), next);
      for (let kg = r.getStartKeyGroup(); kg <= r.getEndKeyGroup(); kg++) assert.equal(computeOperatorIndexForKeyGroup(maxP, p, kg), i);
      assert.equal(r.getStartKeyGroup(), Math.floor((i * maxP + p - 1) / p));
      assert.equal(r.getEndKeyGroup(), Math.floor(((i + 1) * maxP - 1) / p));
      next = r.getEndKeyGroup() + 1;
    }
    assert.equal(next, maxP);
  }
});

interface L {
  k: string;
  ts: number;
  l: string;
}
interface R {
  k: string;
  ts: number;
  r: string;
}

test('window join emits every pair of a key and window (inner join), stamped with window.maxTimestamp(); coGroup also sees one-sided groups', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const left = () => timed<L>(env, [{ k: 'a', ts: 1, l: 'l1' }, { k: 'a', ts: 2, l: 'l2' }, { k: 'b', ts: 3, l: 'l3' }, { k: 'a', ts: 12, l: 'l4' }]);
  const right = () => timed<R>(env, [{ k: 'a', ts: 5, r: 'r1' }, { k: 'c', ts: 6, r: 'r2' }, { k: 'a', ts: 15, r: 'r3' }]);
  const joined = await left()
    .join(right())
    .where((x) => x.k)
    .equalTo((y) => y.k)
    .window(TumblingEventTimeWindows.of(10))
    .apply((x, y) => `${x.l}${y.r}`)
    .process<string>((v, ctx, out) => out.collect(`${v}@${ctx.timestamp()}`))
    .executeAndCollect();
  assert.deepEqual(joined.sort(), ['l1r1@9', 'l2r1@9', 'l4r3@19']);
  const grouped = await left()
    .coGroup(right())
    .where((x) => x.k)
    .equalTo((y) => y.k)
    .window(TumblingEventTimeWindows.of(10))
    .apply<string>((xs, ys, out) => out.collect(`${xs.map((x) => x.l).join('')}|${ys.map((y) => y.r).join('')}`))
    .executeAndCollect();
  assert.deepEqual(grouped.sort(), ['l1l2|r1', 'l3|', 'l4|r3', '|r2']);
});

test('interval join: a.ts + lower <= b.ts <= a.ts + upper, bounds made exclusive by lowerBoundExclusive/upperBoundExclusive', async () => {
  const run = async (lowerExcl: boolean, upperExcl: boolean) => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const a = timed<L>(env, [{ k: 'a', ts: 10, l: 'A' }]).keyBy((x) => x.k);
    const b = timed<R>(env, [7, 8, 9, 10, 11, 12, 13].map((ts) => ({ k: 'a', ts, r: String(ts) }))).keyBy((y) => y.k);
    let j = a.intervalJoin(b).between(-2, 2);
    if (lowerExcl) j = j.lowerBoundExclusive();
    if (upperExcl) j = j.upperBoundExclusive();
    const out = await j.process<string>((x, y, ctx, o) => o.collect(`${y.r}@${ctx.getTimestamp()}`)).executeAndCollect();
    return out.sort((p, q) => Number(p.split('@')[0]) - Number(q.split('@')[0]));
  };
  assert.deepEqual(await run(false, false), ['8@10', '9@10', '10@10', '11@11', '12@12']);
  assert.deepEqual(await run(true, false), ['9@10', '10@10', '11@11', '12@12']);
  assert.deepEqual(await run(false, true), ['8@10', '9@10', '10@10', '11@11']);
  assert.throws(() => timed<L>(StreamExecutionEnvironment.getExecutionEnvironment(), []).keyBy((x) => x.k).intervalJoin(
    timed<R>(StreamExecutionEnvironment.getExecutionEnvironment(), []).keyBy((y) => y.k)).between(3, 2), /lower/);
});

test('connected keyed streams: both inputs of one key share keyed state and timers (KeyedCoProcessFunction)', async () => {
  class Match extends KeyedCoProcessFunction<string, L, R, string> {
    processElement1(x: L, ctx: KeyedContext<string>, out: Collector<string>): void {
      out.collect(`1:${ctx.getCurrentKey()}:${x.l}`);
      ctx.timerService().registerEventTimeTimer(100);
    }
    processElement2(y: R, ctx: KeyedContext<string>, out: Collector<string>): void {
      out.collect(`2:${ctx.getCurrentKey()}:${y.r}`);
      ctx.timerService().registerEventTimeTimer(100);
    }
    override onTimer(ts: number, ctx: KeyedContext<string>, out: Collector<string>): void {
      out.collect(`timer:${ctx.getCurrentKey()}:${ts}`);
    }
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const out = await timed<L>(env, [{ k: 'a', ts: 1, l: 'x' }])
    .connect(timed<R>(env, [{ k: 'a', ts: 2, r: 'y' }, { k: 'b', ts: 3, r: 'z' }]))
    .keyBy((x) => x.k, (y) => y.k)
    .process(new Match())
    .executeAndCollect();
  assert.deepEqual(out.sort(), ['1:a:x', '2:a:y', '2:b:z', 'timer:a:100', 'timer:b:100']);
});

test('minBy/maxBy(field, first = false) return the last record holding the extreme on ties', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const input: [string, number, string][] = [['k', 3, 'a'], ['k', 1, 'b'], ['k', 1, 'c'], ['k', 5, 'd'], ['k', 5, 'e']];
  const ks = () => env.fromCollection(input).keyBy(0);
  assert.deepEqual((await ks().minBy(1, false).executeAndCollect()).map((r) => r[2]), ['a', 'b', 'c', 'c', 'c']);
  assert.deepEqual((await ks().maxBy(1, false).executeAndCollect()).map((r) => r[2]), ['a', 'a', 'a', 'd', 'e']);
  assert.deepEqual((await ks().maxBy(1, true).executeAndCollect()).map((r) => r[2]), ['a', 'a', 'a', 'd', 'd']);
});

test('field expressions as in Flink: "f1" names a tuple field, dotted paths reach nested fields, "*" the whole value', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const tuples: [string, number][] = [['a', 1], ['a', 2]];
  assert.deepEqual(await env.fromCollection(tuples).keyBy('f0').sum('f1').executeAndCollect(), [['a', 1], ['a', 3]]);
  const nested = [{ user: { name: 'x', stats: { clicks: 2 } }, tag: 'first' }, { user: { name: 'x', stats: { clicks: 5 } }, tag: 'second' }];
  const sums = await env.fromCollection(nested).keyBy((e) => e.user.name).sum('user.stats.clicks').executeAndCollect();
  assert.deepEqual(sums.map((e) => `${e.user.stats.clicks}:${e.tag}`), ['2:first', '7:first']);
  assert.equal(nested[0]!.user.stats.clicks, 2, 'the input record is not mutated');
  const maxBy = await env.fromCollection(nested).keyBy((e) => e.user.name).maxBy('user.stats.clicks').executeAndCollect();
  assert.deepEqual(maxBy.map((e) => e.tag), ['first', 'second']);
  assert.deepEqual(await env.fromElements(1, 2, 3).keyBy(() => 0).sum('*').executeAndCollect(), [1, 3, 6]);
});
