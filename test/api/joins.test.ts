import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy, type DataStream } from 'sluice';

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
