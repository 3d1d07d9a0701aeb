import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CountEvictor, CountTrigger, OutputTag, PurgingTrigger, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy, type DataStream,
} from 'sluice';
import { TestSink, TestSource } from 'sluice/testing';

interface Ev {
  k: string;
  ts: number;
  v: string;
}
const timed = (env: StreamExecutionEnvironment, items: Ev[]): DataStream<Ev> =>
  env.fromCollection(items).assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Ev>(1000).withTimestampAssigner((e) => e.ts));

const left: Ev[] = [
  { k: 'a', ts: 1000, v: 'L1' },
  { k: 'a', ts: 3000, v: 'L2' },
  { k: 'b', ts: 1500, v: 'L3' },
  { k: 'a', ts: 12_000, v: 'L4' },
];
const right: Ev[] = [
  { k: 'a', ts: 2000, v: 'R1' },
  { k: 'b', ts: 11_000, v: 'R2' },
  { k: 'a', ts: 14_000, v: 'R3' },
];

for (const parallelism of [1, 3]) {
  test(`window join and coGroup (parallelism ${parallelism})`, async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism });
    const joined = await timed(env, left)
      .join(timed(env, right))
      .where((e) => e.k)
      .equalTo((e) => e.k)
      .window(TumblingEventTimeWindows.of(10_000))
      .apply((l, r) => `${l.v}+${r.v}`)
      .executeAndCollect();
    assert.deepEqual(joined.sort(), ['L1+R1', 'L2+R1', 'L4+R3']);
    const groups = await timed(env, left)
      .coGroup(timed(env, right))
      .where((e) => e.k)
      .equalTo((e) => e.k)
      .window(TumblingEventTimeWindows.of(10_000))
      .apply<string>((ls, rs, out) => out.collect(`${ls.map((e) => e.v).sort().join('')}|${rs.map((e) => e.v).join('')}`))
      .executeAndCollect();
    assert.deepEqual(groups.sort(), ['L1L2|R1', 'L3|', 'L4|R3', '|R2']);
  });

  test(`interval join: a.ts + lower <= b.ts <= a.ts + upper (parallelism ${parallelism})`, async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism, autoWatermarkInterval: 'every-record' });
    const out = await timed(env, left)
      .keyBy((e) => e.k)
      .intervalJoin(timed(env, right).keyBy((e) => e.k))
      .between(-1000, 2000)
      .process<string>((l, r, ctx, o) => o.collect(`${l.v}+${r.v}@${ctx.getTimestamp()}`))
      .executeAndCollect();
    // L1(1000)-R1(2000): 2000 in [0,3000]; L2(3000)-R1(2000): in [2000,5000]; L4(12000)-R3(14000): in [11000,14000].
    assert.deepEqual(out.sort(), ['L1+R1@2000', 'L2+R1@3000', 'L4+R3@14000']);
  });
}

test('interval join bounds can be exclusive', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out = await timed(env, left)
    .keyBy((e) => e.k)
    .intervalJoin(timed(env, right).keyBy((e) => e.k))
    .between(-1000, 2000)
    .upperBoundExclusive()
    .lowerBoundExclusive()
    .process<string>((l, r, _c, o) => o.collect(`${l.v}+${r.v}`))
    .executeAndCollect();
  // (-1000, 2000) exclusive: L2-R1 (-1000) and L4-R3 (+2000) are out.
  assert.deepEqual(out, ['L1+R1']);
});

const src = (steps: (s: TestSource<Ev>) => TestSource<Ev>) => steps(new TestSource<Ev>());

test('interval join: late elements of either side go to their side outputs', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const lateLeft = new OutputTag<Ev>('late-left');
  const lateRight = new OutputTag<Ev>('late-right');
  const l = src((s) => s.emit({ k: 'a', ts: 1000, v: 'L1' }, 1000).watermark(5000).pause().pause().emit({ k: 'a', ts: 2000, v: 'Llate' }, 2000));
  const r = src((s) => s.emit({ k: 'a', ts: 1500, v: 'R1' }, 1500).watermark(5000).pause().pause().emit({ k: 'b', ts: 1000, v: 'Rlate' }, 1000));
  const joined = env
    .fromSource(l, WatermarkStrategy.noWatermarks(), 'left')
    .keyBy((e) => e.k)
    .intervalJoin(env.fromSource(r, WatermarkStrategy.noWatermarks(), 'right').keyBy((e) => e.k))
    .between(-1000, 1000)
    .sideOutputLeftLateData(lateLeft)
    .sideOutputRightLateData(lateRight)
    .process<string>((x, y, _ctx, o) => o.collect(`${x.v}+${y.v}`));
  const pairs = new TestSink<string>();
  const lefts = new TestSink<Ev>();
  const rights = new TestSink<Ev>();
  joined.sinkTo(pairs);
  joined.getSideOutput(lateLeft).sinkTo(lefts);
  joined.getSideOutput(lateRight).sinkTo(rights);
  await env.execute('interval-late');
  assert.deepEqual(pairs.values, ['L1+R1']);
  assert.deepEqual(lefts.records.map((x) => [x.value.v, x.timestamp]), [['Llate', 2000]]);
  assert.deepEqual(rights.records.map((x) => [x.value.v, x.timestamp]), [['Rlate', 1000]]);
});

test('window join: a trigger fires pairs before the window ends (no watermark needed)', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const l = src((s) => s.emitAll([{ k: 'a', ts: 1000, v: 'L1' }], (e) => e.ts).keepOpen());
  const r = src((s) => s.pause().emitAll([{ k: 'a', ts: 2000, v: 'R1' }, { k: 'a', ts: 3000, v: 'R2' }], (e) => e.ts).keepOpen());
  const out = await env
    .fromSource(l, WatermarkStrategy.noWatermarks(), 'left')
    .join(env.fromSource(r, WatermarkStrategy.noWatermarks(), 'right'))
    .where((e) => e.k)
    .equalTo((e) => e.k)
    .window(TumblingEventTimeWindows.of(10_000))
    .trigger(PurgingTrigger.of(CountTrigger.of(2)))
    .apply((x, y) => `${x.v}+${y.v}`)
    .executeAndCollect(1);
  // L1 and R1 make two elements: FIRE_AND_PURGE emits their pair; R2 waits alone.
  assert.deepEqual(out, ['L1+R1']);
});

test('window join: an evictor removes elements before the join function', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out = await timed(env, left)
    .join(timed(env, right))
    .where((e) => e.k)
    .equalTo((e) => e.k)
    .window(TumblingEventTimeWindows.of(10_000))
    .evictor(CountEvictor.of(2)) // keeps the last two elements of each window: [L2, R1] of a's first window
    .apply((x, y) => `${x.v}+${y.v}`)
    .executeAndCollect();
  assert.deepEqual(out.sort(), ['L2+R1', 'L4+R3']);
});

test('window join: allowed lateness re-fires the window for a late element, which is dropped without it', async () => {
  const run = async (lateness: number | undefined): Promise<string[]> => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const l = src((s) => s.emit({ k: 'a', ts: 1000, v: 'L1' }, 1000).watermark(12_000));
    const r = src((s) => s.emit({ k: 'a', ts: 2000, v: 'R1' }, 2000).watermark(12_000).pause().pause().emit({ k: 'a', ts: 3000, v: 'Rlate' }, 3000));
    const w = env
      .fromSource(l, WatermarkStrategy.noWatermarks(), 'left')
      .join(env.fromSource(r, WatermarkStrategy.noWatermarks(), 'right'))
      .where((e) => e.k)
      .equalTo((e) => e.k)
      .window(TumblingEventTimeWindows.of(10_000));
    if (lateness !== undefined) w.allowedLateness(lateness);
    return w.apply((x, y) => `${x.v}+${y.v}`).executeAndCollect();
  };
  assert.deepEqual(await run(undefined), ['L1+R1']);
  assert.deepEqual((await run(5000)).sort(), ['L1+R1', 'L1+R1', 'L1+Rlate']);
});
