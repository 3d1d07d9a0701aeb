// Property tests: for random inputs whose disorder stays within the watermark bound (no late
// data), windowed results equal a brute-force offline computation, at any parallelism, in
// streaming and batch mode, with the heap backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CollectionSource, EventTimeSessionWindows, SlidingEventTimeWindows, StreamExecutionEnvironment, TumblingEventTimeWindows,
  WatermarkStrategy, type DataStream,
} from 'sluice';

interface E {
  k: string;
  ts: number;
}
const BOUND = 500;

/** Events whose timestamps are at most BOUND ms behind the maximum seen before them. */
const eventsArb = fc
  .array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: BOUND })), { minLength: 1, maxLength: 60 })
  .map((rows) => {
    let clock = 0;
    return rows.map(([k, step, back]): E => {
      clock += step;
      return { k, ts: Math.max(0, clock - back) };
    });
  });
const setup = fc.record({ parallelism: fc.integer({ min: 1, max: 4 }), batch: fc.boolean() });

function stream(events: E[], o: { parallelism: number; batch: boolean }): DataStream<E> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: o.parallelism, runtimeMode: o.batch ? 'batch' : 'streaming', autoWatermarkInterval: 'every-record' });
  return env.fromSource(new CollectionSource(events), WatermarkStrategy.forBoundedOutOfOrderness<E>(BOUND).withTimestampAssigner((e) => e.ts), 'events');
}
const count = { createAccumulator: () => 0, add: (_e: E, n: number) => n + 1, getResult: (n: number) => n, merge: (a: number, b: number) => a + b };

test('property: tumbling and sliding window counts equal the offline computation', async () => {
  await fc.assert(
    fc.asyncProperty(eventsArb, setup, fc.constantFrom([1000, 1000], [3000, 1000], [2000, 500]), async (events, o, [size, slide]) => {
      const expected = new Map<string, number>();
      for (const e of events) {
        const last = e.ts - (e.ts % slide);
        for (let start = last; start > e.ts - size; start -= slide) expected.set(`${e.k}@${start}`, (expected.get(`${e.k}@${start}`) ?? 0) + 1);
      }
      const assigner = size === slide ? TumblingEventTimeWindows.of(size) : SlidingEventTimeWindows.of(size, slide);
      const out = await stream(events, o)
        .keyBy((e) => e.k)
        .window(assigner)
        .aggregate<number, number, string>(count, (k, c, [n], collector) => collector.collect(`${k}@${c.window().start}=${n}`))
        .executeAndCollect();
      assert.deepEqual(out.sort(), [...expected].map(([w, n]) => `${w}=${n}`).sort());
    }),
    { numRuns: 40 },
  );
});

test('property: session windows equal offline sessionization (sort by time, split at gaps)', async () => {
  const GAP = 1500;
  await fc.assert(
    fc.asyncProperty(eventsArb, setup, async (events, o) => {
      const expected: string[] = [];
      const byKey = new Map<string, number[]>();
      for (const e of events) byKey.set(e.k, [...(byKey.get(e.k) ?? []), e.ts]);
      for (const [k, tss] of byKey) {
        tss.sort((x, y) => x - y);
        let start = tss[0]!;
        let end = start + GAP;
        let n = 0;
        for (const t of tss) {
          if (t > end) {
            expected.push(`${k}[${start},${end})=${n}`);
            start = t;
            n = 0;
          }
          end = Math.max(end, t + GAP);
          n++;
        }
        expected.push(`${k}[${start},${end})=${n}`);
      }
      const out = await stream(events, o)
        .keyBy((e) => e.k)
        .window(EventTimeSessionWindows.withGap(GAP))
        .aggregate<number, number, string>(count, (k, c, [n], collector) => collector.collect(`${k}[${c.window().start},${c.window().end})=${n}`))
        .executeAndCollect();
      assert.deepEqual(out.sort(), expected.sort());
    }),
    { numRuns: 40 },
  );
});
