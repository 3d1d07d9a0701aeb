// Probes of window semantics written from Flink's documentation (DataStream API > Operators >
// Windows) and the behaviour of Flink's WindowOperator / EvictingWindowOperator: each test states
// the documented rule it checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CountEvictor, CountTrigger, EventTimeSessionWindows, EventTimeTrigger, OutputTag, PurgingTrigger, SlidingEventTimeWindows,
  TimeEvictor, TimeWindow, Trigger, TriggerResult, TumblingEventTimeWindows, ValueStateDescriptor,
  type Collector, type TriggerContext, type WindowContext,
} from 'sluice';
import { ProcessFunctionTestHarnesses } from 'sluice/testing';

interface E {
  k: string;
  v: number;
}
const sumReduce = { reduce: (a: E, b: E): E => ({ k: a.k, v: a.v + b.v }) };
const describe = (key: string, ctx: WindowContext<TimeWindow>, els: E[], out: Collector<string>): void =>
  out.collect(`${key}[${ctx.window().start},${ctx.window().end}):${els.map((e) => e.v).join('+')}`);

test('sliding windows whose size is not a multiple of the slide: an element is in every window whose start > ts - size', () => {
  // Flink: for (start = lastStart; start > timestamp - size; start -= slide)
  const w = SlidingEventTimeWindows.of(10, 3).assignWindows(null, 5).map((x) => [x.start, x.end]);
  assert.deepEqual(w, [[3, 13], [0, 10], [-3, 7]]);
  const neg = SlidingEventTimeWindows.of(10, 4, 1).assignWindows(null, -7).map((x) => [x.start, x.end]);
  assert.deepEqual(neg, [[-7, 3], [-11, -1], [-15, -5]]);
  // Two timestamps with the same last window start can still belong to a different number of windows.
  const assigner = SlidingEventTimeWindows.of(100, 30);
  assert.deepEqual(assigner.assignWindows(null, 241).map((x) => x.start), [240, 210, 180, 150]);
  assert.deepEqual(assigner.assignWindows(null, 269).map((x) => x.start), [240, 210, 180]);
  assert.deepEqual(assigner.assignWindows(null, 241).map((x) => x.start), [240, 210, 180, 150]);
  // Tumbling with a negative offset (|offset| < size is allowed).
  assert.deepEqual(TumblingEventTimeWindows.of(10, -3).assignWindows(null, 5).map((x) => [x.start, x.end]), [[-3, 7]]);
  assert.deepEqual(TumblingEventTimeWindows.of(10, -3).assignWindows(null, 7).map((x) => [x.start, x.end]), [[7, 17]]);
});

test('window results carry window.maxTimestamp(); a window fires when the watermark reaches maxTimestamp (end - 1)', async () => {
  const h = await ProcessFunctionTestHarnesses.forWindow<E, unknown, E, string, string, TimeWindow>({
    keySelector: (e) => e.k, assigner: TumblingEventTimeWindows.of(10), process: { process: describe },
  });
  h.processElement({ k: 'a', v: 1 }, 0);
  h.processElement({ k: 'a', v: 2 }, 9);
  h.processWatermark(8);
  assert.deepEqual(h.output, []);
  h.processWatermark(9);
  assert.deepEqual(h.output, [{ value: 'a[0,10):1+2', timestamp: 9 }]);
});

test('CountTrigger replacing the event-time trigger: partial counts never fire, the cleanup timer only drops them', async () => {
  const h = await ProcessFunctionTestHarnesses.forWindow<E, unknown, E, string, string, TimeWindow>({
    keySelector: (e) => e.k, assigner: TumblingEventTimeWindows.of(10), trigger: CountTrigger.of(2) as never, process: { process: describe },
  });
  for (const [ts, v] of [[1, 1], [2, 2], [3, 3]] as const) h.processElement({ k: 'a', v }, ts);
  assert.deepEqual(h.takeOutput(), ['a[0,10):1+2']);
  h.processElement({ k: 'a', v: 4 }, 4);
  // FIRE (not purge): contents are kept, so the second firing sees all four elements.
  assert.deepEqual(h.takeOutput(), ['a[0,10):1+2+3+4']);
  h.processElement({ k: 'a', v: 5 }, 5);
  h.endInput();
  assert.deepEqual(h.takeOutput(), []);
  assert.equal(h.numKeyedStateEntries(), 0);
});

test('PurgingTrigger.of(CountTrigger): FIRE_AND_PURGE empties the window between firings', async () => {
  const h = await ProcessFunctionTestHarnesses.forWindow<E, unknown, E, string, string, TimeWindow>({
    keySelector: (e) => e.k, assigner: TumblingEventTimeWindows.of(10), trigger: PurgingTrigger.of(CountTrigger.of(2)) as never,
    process: { process: describe },
  });
  for (let i = 1; i <= 5; i++) h.processElement({ k: 'a', v: i }, i);
  assert.deepEqual(h.takeOutput(), ['a[0,10):1+2', 'a[0,10):3+4']);
  h.endInput();
  assert.deepEqual(h.takeOutput(), []);
});

test('a trigger returning PURGE drops the contents without evaluating; later elements start afresh', async () => {
  class PurgeOnNegative extends Trigger<E, TimeWindow> {
    onElement(e: E, _ts: number, w: TimeWindow, ctx: TriggerContext): TriggerResult {
      if (e.v < 0) return TriggerResult.PURGE;
      ctx.registerEventTimeTimer(w.maxTimestamp());
      return TriggerResult.CONTINUE;
    }
    onEventTime(t: number, w: TimeWindow): TriggerResult {
      return t === w.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
    }
    onProcessingTime(): TriggerResult {
      return TriggerResult.CONTINUE;
    }
    clear(w: TimeWindow, ctx: TriggerContext): void {
      ctx.deleteEventTimeTimer(w.maxTimestamp());
    }
  }
  const h = await ProcessFunctionTestHarnesses.forWindow<E, unknown, E, string, string, TimeWindow>({
    keySelector: (e) => e.k, assigner: TumblingEventTimeWindows.of(10), trigger: new PurgeOnNegative(), process: { process: describe },
  });
  h.processElement({ k: 'a', v: 1 }, 1);
  h.processElement({ k: 'a', v: -1 }, 2);
  h.processElement({ k: 'a', v: 7 }, 3);
  h.processWatermark(20);
  assert.deepEqual(h.takeOutput(), ['a[0,10):7']);
});

test('allowed lateness: each late element within the lateness fires the window again; beyond it, exactly the dropped elements go to the side output', async () => {
  const late = new OutputTag<E>('late');
  const h = await ProcessFunctionTestHarnesses.forWindow<E, unknown, E, string, string, TimeWindow>({
    keySelector: (e) => e.k, assigner: TumblingEventTimeWindows.of(10), allowedLateness: 5, lateDataTag: late, process: { process: describe },
  });
  h.processElement({ k: 'a', v: 1 }, 3);
  h.processWatermark(9);
  assert.deepEqual(h.takeOutput(), ['a[0,10):1']);
  h.processElement({ k: 'a', v: 2 }, 4); // late, within lateness: fires again with everything
  assert.deepEqual(h.takeOutput(), ['a[0,10):1+2']);
  h.processWatermark(13);
  h.processElement({ k: 'a', v: 3 }, 0); // watermark 13 < 9 + 5 = 14: still kept
  assert.deepEqual(h.takeOutput(), ['a[0,10):1+2+3']);
  h.processWatermark(14); // cleanup time (maxTimestamp + lateness) reached: state gone
  h.processElement({ k: 'a', v: 4 }, 9);
  h.processElement({ k: 'b', v: 5 }, 8);
  h.processElement({ k: 'a', v: 6 }, 15); // not late
  assert.deepEqual(h.takeOutput(), []);
  assert.deepEqual(h.getSideOutput(late), [{ value: { k: 'a', v: 4 }, timestamp: 9 }, { value: { k: 'b', v: 5 }, timestamp: 8 }]);
});

test('sliding windows and lateness: an element late for some of its windows is added to the others, and is not side-output', async () => {
  const late = new OutputTag<E>('late');
  const h = await ProcessFunctionTestHarnesses.forWindow<E, unknown, E, string, string, TimeWindow>({
    keySelector: (e) => e.k, assigner: SlidingEventTimeWindows.of(10, 5), lateDataTag: late, process: { process: describe },
  });
  h.processElement({ k: 'a', v: 1 }, 7); // windows [0,10) and [5,15)
  h.processWatermark(9); // [0,10) fires and is cleaned up
  assert.deepEqual(h.takeOutput(), ['a[0,10):1']);
  h.processElement({ k: 'a', v: 2 }, 6); // [0,10) is gone, [5,15) is alive
  h.processWatermark(14);
  assert.deepEqual(h.takeOutput(), ['a[5,15):1+2']);
  assert.deepEqual(h.getSideOutput(late), []);
});

test('session windows with allowed lateness: a late element that bridges two fired sessions merges them and fires once for the merge', async () => {
  const late = new OutputTag<E>('late');
  const h = await ProcessFunctionTestHarnesses.forWindow<E, unknown, E, string, string, TimeWindow>({
    keySelector: (e) => e.k, assigner: EventTimeSessionWindows.withGap(10), allowedLateness: 100, lateDataTag: late, process: { process: describe },
  });
  h.processElement({ k: 'a', v: 1 }, 0); // [0,10)
  h.processElement({ k: 'a', v: 2 }, 15); // [15,25)
  h.processWatermark(30);
  assert.deepEqual(h.takeOutput(), ['a[0,10):1', 'a[15,25):2']);
  h.processElement({ k: 'a', v: 3 }, 5); // [5,15) touches both: one session [0,25)
  assert.deepEqual(h.takeOutput(), ['a[0,25):1+2+3']); // merged contents first, the new element added after the merge
  h.processWatermark(124); // cleanup of [0,25) = 24 + 100
  h.processElement({ k: 'a', v: 4 }, 5); // its own window [5,15) is past its cleanup time: late
  assert.deepEqual(h.takeOutput(), []);
  assert.deepEqual(h.getSideOutput(late).map((r) => r.value.v), [4]);
  assert.equal(h.numKeyedStateEntries(), 0);
});

test('reduce with a ProcessWindowFunction: the function receives exactly one pre-aggregated element', async () => {
  const h = await ProcessFunctionTestHarnesses.forWindow<E, unknown, E, string, string, TimeWindow>({
    keySelector: (e) => e.k, assigner: TumblingEventTimeWindows.of(10), reduce: sumReduce,
    process: { process: (k, ctx, els, out) => out.collect(`${k}:${els.length}:${els[0]!.v}@${ctx.window().start}`) },
  });
  for (let i = 1; i <= 4; i++) h.processElement({ k: 'a', v: i }, i);
  h.endInput();
  assert.deepEqual(h.takeOutput(), ['a:1:10@0']);
});

test('aggregate with a ProcessWindowFunction: getResult of the accumulator is the single element', async () => {
  const avg = {
    createAccumulator: (): [number, number] => [0, 0],
    add: (e: E, a: [number, number]): [number, number] => [a[0] + e.v, a[1] + 1],
    getResult: (a: [number, number]): number => a[0] / a[1],
    merge: (a: [number, number], b: [number, number]): [number, number] => [a[0] + b[0], a[1] + b[1]],
  };
  const h = await ProcessFunctionTestHarnesses.forWindow<E, [number, number], number, string, string, TimeWindow>({
    keySelector: (e) => e.k, assigner: EventTimeSessionWindows.withGap(5), aggregate: avg,
    process: { process: (k, ctx, els, out) => out.collect(`${k}:${els.join(',')}@[${ctx.window().start},${ctx.window().end})`) },
  });
  h.processElement({ k: 'a', v: 2 }, 0);
  h.processElement({ k: 'a', v: 6 }, 8); // separate session
  h.processElement({ k: 'a', v: 4 }, 4); // bridges: one session [0,13), accumulators merged
  h.endInput();
  assert.deepEqual(h.takeOutput(), ['a:4@[0,13)']);
});

test('ProcessWindowFunction: windowState is per window and cleared in clear(); globalState is per key across windows', async () => {
  const fires = new ValueStateDescriptor<number>('fires');
  const windowsSeen = new ValueStateDescriptor<number>('windows');
  const h = await ProcessFunctionTestHarnesses.forWindow<E, unknown, E, string, string, TimeWindow>({
    keySelector: (e) => e.k, assigner: TumblingEventTimeWindows.of(10), allowedLateness: 10,
    process: {
      process(k, ctx, els, out) {
        const f = ctx.windowState().getState(fires);
        f.update((f.value() ?? 0) + 1);
        const g = ctx.globalState().getState(windowsSeen);
        g.update((g.value() ?? 0) + 1);
        out.collect(`${k}@${ctx.window().start}: firing ${f.value()}, global ${g.value()}, n=${els.length}`);
      },
      clear(ctx) {
        ctx.windowState().getState(fires).clear();
      },
    },
  });
  h.processElement({ k: 'a', v: 1 }, 1);
  h.processWatermark(9);
  h.processElement({ k: 'a', v: 1 }, 2); // late firing of [0,10)
  h.processElement({ k: 'a', v: 1 }, 12);
  h.processWatermark(19);
  assert.deepEqual(h.takeOutput(), ['a@0: firing 1, global 1, n=1', 'a@0: firing 2, global 2, n=2', 'a@10: firing 1, global 3, n=1']);
  h.processWatermark(40); // both windows cleaned up; only the global state remains
  assert.equal(h.numKeyedStateEntries(), 1);
});

test('TimeEvictor keeps elements with timestamp > max - size; CountEvictor removes from the beginning', () => {
  const els = [5, 1, 9, 10, 3].map((t) => ({ value: t, timestamp: t }));
  const te = [...els];
  TimeEvictor.of(5).evictBefore(te);
  assert.deepEqual(te.map((e) => e.value), [9, 10]); // cutoff 10 - 5 = 5: 5 itself goes
  const ce = [...els];
  CountEvictor.of(2).evictBefore(ce);
  assert.deepEqual(ce.map((e) => e.value), [10, 3]);
  const after = [...els];
  CountEvictor.of(2, true).evictBefore(after);
  assert.equal(after.length, 5);
});

test('EventTimeTrigger fires a late-but-allowed element at once (onElement returns FIRE when maxTimestamp <= watermark)', () => {
  let registered = 0;
  const ctx = { getCurrentWatermark: () => 9, registerEventTimeTimer: () => void registered++ } as unknown as TriggerContext;
  assert.equal(EventTimeTrigger.create().onElement(null, 5, new TimeWindow(0, 10), ctx), TriggerResult.FIRE);
  assert.equal(EventTimeTrigger.create().onElement(null, 15, new TimeWindow(10, 20), ctx), TriggerResult.CONTINUE);
  assert.equal(registered, 1);
});
