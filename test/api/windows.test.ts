import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ContinuousEventTimeTrigger, CountEvictor, CountTrigger, EventTimeSessionWindows, GlobalWindows, ProcessWindowFunction,
  StreamExecutionEnvironment, TimeEvictor, Time, TimeWindow, TumblingEventTimeWindows, TumblingProcessingTimeWindows,
  ValueStateDescriptor, WatermarkStrategy, SlidingEventTimeWindows, EventTimeTrigger, PurgingTrigger, TriggerResult,
  type Collector, type TriggerContext, type WindowContext,
} from 'sluice';
import { ManualClock, TestSink, TestSource } from 'sluice/testing';

interface E {
  k: string;
  ts: number;
  v: number;
}
const ev = (k: string, ts: number, v = 1): E => ({ k, ts, v });

function timed(env: StreamExecutionEnvironment, items: E[], bound = 0) {
  return env.fromCollection(items).assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<E>(bound).withTimestampAssigner((e) => e.ts));
}

test('window assignment: tumbling with offset, sliding, negative timestamps; Time helpers', () => {
  assert.equal(TimeWindow.getWindowStartWithOffset(12_345, 0, 10_000), 10_000);
  assert.equal(TimeWindow.getWindowStartWithOffset(-1, 0, 10_000), -10_000);
  assert.equal(TimeWindow.getWindowStartWithOffset(12_345, 3_000, 10_000), 3_000);
  const tumbling = TumblingEventTimeWindows.of(Time.seconds(10), Time.seconds(3));
  assert.deepEqual(tumbling.assignWindows(null, 12_345).map((w) => [w.start, w.end]), [[3_000, 13_000]]);
  const sliding = SlidingEventTimeWindows.of(10_000, 5_000);
  assert.deepEqual(sliding.assignWindows(null, 12_345).map((w) => [w.start, w.end]), [[10_000, 20_000], [5_000, 15_000]]);
  assert.equal(new TimeWindow(0, 10).maxTimestamp(), 9);
  assert.throws(() => TumblingEventTimeWindows.of(0), /size must be/);
  assert.throws(() => TumblingEventTimeWindows.of(10, 10), /offset/);
});

test('countWindow(n) fires every n elements per key (partial windows never fire); countWindow(n, slide)', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const input = [1, 2, 3, 4, 5, 6, 7].map((v) => ({ k: v % 2 ? 'odd' : 'even', v }));
  const tumbling = await env.fromCollection(input).keyBy('k').countWindow(2).reduce((a, b) => ({ k: a.k, v: a.v + b.v })).executeAndCollect();
  assert.deepEqual(tumbling.map((r) => `${r.k}=${r.v}`).sort(), ['even=6', 'odd=12', 'odd=4']);
  const sliding = await env
    .fromCollection(input)
    .keyBy('k')
    .countWindow(3, 2)
    .process<string>((k, _c, els, out) => out.collect(`${k}:${els.map((e) => e.v).join('')}`))
    .executeAndCollect();
  assert.deepEqual(sliding.sort(), ['even:24', 'odd:13', 'odd:357']);
});

test('global windows with a custom count trigger and a count evictor (keep last 2)', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out = await env
    .fromElements(1, 2, 3, 4, 5, 6)
    .keyBy(() => 'k')
    .window(GlobalWindows.create<number>())
    .trigger(CountTrigger.of(3))
    .evictor(CountEvictor.of(2))
    .sum()
    .executeAndCollect();
  assert.deepEqual(out, [5, 11]);
});

test('time evictor keeps elements within 1 s of the newest', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out = await timed(env, [ev('a', 100), ev('a', 1500), ev('a', 2000), ev('a', 2600)])
    .keyBy((e) => e.k)
    .window(TumblingEventTimeWindows.of(10_000))
    .evictor(TimeEvictor.of(1000))
    .process<string>((_k, _c, els, out) => out.collect(els.map((e) => e.ts).join(',')))
    .executeAndCollect();
  assert.deepEqual(out, ['2000,2600']);
});

test('windowAll over a non-keyed stream; apply() with a WindowFunction', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 4 });
  const all = await timed(env, [ev('a', 1), ev('b', 2), ev('c', 10_001)])
    .windowAll(TumblingEventTimeWindows.of(10_000))
    .process<string>((ctx, els, out) => out.collect(`${ctx.window().start}:${els.map((e) => e.k).sort().join('')}`))
    .executeAndCollect();
  assert.deepEqual(all, ['0:ab', '10000:c']);
  const applied = await timed(env, [ev('a', 1), ev('a', 2)])
    .keyBy((e) => e.k)
    .window(TumblingEventTimeWindows.of(10))
    .apply<string>({ apply: (key, w, input, out) => out.collect(`${key}@${w.start}-${w.end}:${input.length}`) })
    .executeAndCollect();
  assert.deepEqual(applied, ['a@0-10:2']);
});

test('continuous event-time trigger fires early every interval, then at the end', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ autoWatermarkInterval: 'every-record' });
  const out = await timed(env, [ev('a', 100), ev('a', 1200), ev('a', 2500), ev('a', 9000)])
    .keyBy((e) => e.k)
    .window(TumblingEventTimeWindows.of(10_000))
    .trigger(ContinuousEventTimeTrigger.of(1000))
    .aggregate<number, number, string>(
      { createAccumulator: () => 0, add: (_e, n) => n + 1, getResult: (n) => n, merge: (a, b) => a + b },
      (_k, ctx, [n], out) => out.collect(`${n}@${ctx.currentWatermark()}`),
    )
    .executeAndCollect();
  // Timers at 1000, 2000, ... 9000 (each firing registers the next), then the window end 9999.
  // Records come before the watermark they advance, so 1200 is counted at watermark 1199.
  assert.deepEqual(out, ['2@1199', '3@2499', ...Array(6).fill('4@8999'), '4@Infinity', '4@Infinity']);
});

test('dynamic session gaps; per-window and global state in a ProcessWindowFunction', async () => {
  class Fires extends ProcessWindowFunction<E, string, string, TimeWindow> {
    process(key: string, ctx: WindowContext<TimeWindow>, els: E[], out: Collector<string>) {
      const total = ctx.globalState().getState(new ValueStateDescriptor<number>('total', 0));
      total.update(total.value() + els.length);
      out.collect(`${key} [${ctx.window().start},${ctx.window().end}) ${els.length} total=${total.value()}`);
    }
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out = await timed(env, [ev('a', 0, 1000), ev('a', 500, 1000), ev('a', 5000, 10), ev('a', 5005, 10), ev('a', 9000, 10)])
    .keyBy((e) => e.k)
    .window(EventTimeSessionWindows.withDynamicGap<E>((e) => e.v))
    .process(new Fires())
    .executeAndCollect();
  assert.deepEqual(out, ['a [0,1500) 2 total=2', 'a [5000,5015) 2 total=4', 'a [9000,9010) 1 total=5']);
});

test('processing-time windows fire on the manual clock', async () => {
  const clock = new ManualClock(0);
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ clock });
  const sink = new TestSink<string>();
  env
    .fromSource(
      // The last advance is scripted after a pause (the job has taken the last 'a' at 1200): advanced
      // from the test, it could overtake that record, which would then fall in [2000, 3000).
      new TestSource<string>({ clock }).emit('a').emit('b').advanceTime(600).emit('a').advanceTime(600).emit('a').pause().advanceTime(1000).keepOpen(),
      WatermarkStrategy.noWatermarks(),
      'in',
    )
    .keyBy((s) => s)
    .window(TumblingProcessingTimeWindows.of(1000))
    .process<string>((k, ctx, els, out) => out.collect(`${k} [${ctx.window().start},${ctx.window().end}) ${els.length}`))
    .sinkTo(sink);
  const client = await env.executeAsync();
  try {
    await resultsAtLeast(sink, 3);
    assert.deepEqual(sink.values.slice(0, 2).sort(), ['a [0,1000) 2', 'b [0,1000) 1']);
    assert.deepEqual(sink.values.slice(2), ['a [1000,2000) 1']);
  } finally {
    client.cancel();
    await client.result.catch(() => {});
  }
});

/** Waits (polling, up to 20 s) until the sink holds at least `n` results: the job runs on its own event-loop turns. */
async function resultsAtLeast(sink: TestSink<string>, n: number): Promise<void> {
  for (let waited = 0; sink.values.length < n; waited += 5) {
    if (waited >= 20_000) assert.fail(`expected at least ${n} results within 20 s, got ${JSON.stringify(sink.values)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('late elements without a side output are counted in the job result', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ autoWatermarkInterval: 'every-record' });
  timed(env, [ev('a', 20_000), ev('a', 1000)])
    .keyBy((e) => e.k)
    .window(TumblingEventTimeWindows.of(10_000))
    .sum('v')
    .uid('w')
    .addSink(() => {});
  const result = await env.execute();
  assert.deepEqual(result.lateRecordsDropped, { w: 1 });
});

test('continuous processing-time trigger: early firings every interval, then at the window end', async () => {
  const { ContinuousProcessingTimeTrigger } = await import('sluice');
  const clock = new ManualClock(0);
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ clock });
  const sink = new TestSink<string>();
  env
    .fromSource(new TestSource<string>({ clock }).emit('a').advanceTime(1500).emit('a').advanceTime(1000).keepOpen(), WatermarkStrategy.noWatermarks(), 'in')
    .keyBy((s) => s)
    .window(TumblingProcessingTimeWindows.of(10_000))
    .trigger(ContinuousProcessingTimeTrigger.of(1000))
    .process<string>((_k, ctx, els, out) => out.collect(`${els.length}@${ctx.currentProcessingTime()}`))
    .sinkTo(sink);
  const client = await env.executeAsync();
  await new Promise((r) => setTimeout(r, 20));
  clock.advance(10_000);
  await new Promise((r) => setTimeout(r, 20));
  client.cancel();
  await client.result.catch(() => {});
  // The jump to 12500 catches up the timers at 3000..9000 and the window end (9999): 8 firings.
  assert.deepEqual(sink.values, ['1@1500', '2@2500', ...Array(8).fill('2@12500')]);
});

test('countWindowAll over a non-keyed stream', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
  const out = await env.fromElements(1, 2, 3, 4, 5, 6, 7).countWindowAll(3).reduce((a, b) => a + b).executeAndCollect();
  assert.deepEqual(out, [6, 15]);
});

test('a trigger that extends EventTimeTrigger and overrides onElement sees every element (early firings)', async () => {
  class EarlyOnUrgent extends EventTimeTrigger {
    override onElement(e: unknown, ts: number, w: TimeWindow, ctx: TriggerContext) {
      const r = super.onElement(e, ts, w, ctx);
      return (e as E).v > 1 ? TriggerResult.FIRE : r;
    }
  }
  class OnlyTimers extends EventTimeTrigger {
    override onEventTime(time: number, w: TimeWindow) {
      return time === w.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
    }
  }
  const run = async (trigger: EventTimeTrigger): Promise<string[]> => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ autoWatermarkInterval: 'every-record' });
    return timed(env, [ev('a', 100), ev('a', 200, 5), ev('a', 300), ev('a', 400, 7), ev('a', 20_000)])
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(10_000))
      .trigger(trigger)
      .process<string>((_k, c, els, out) => out.collect(`[${c.window().start}) ${els.map((x) => x.ts).join(',')}`))
      .executeAndCollect();
  };
  assert.deepEqual(await run(new EarlyOnUrgent()), ['[0) 100,200', '[0) 100,200,300,400', '[0) 100,200,300,400', '[20000) 20000']);
  assert.deepEqual(await run(new OnlyTimers()), ['[0) 100,200,300,400', '[20000) 20000']);
  // The capability the operator's fast path reads: declared by the trigger, not by its class.
  assert.equal(EventTimeTrigger.create().onElementIsNoOpForKnownWindow(), true);
  assert.equal(new OnlyTimers().onElementIsNoOpForKnownWindow(), true);
  assert.equal(new EarlyOnUrgent().onElementIsNoOpForKnownWindow(), false);
  assert.equal(PurgingTrigger.of(EventTimeTrigger.create()).onElementIsNoOpForKnownWindow(), true);
  assert.equal(PurgingTrigger.of(new EarlyOnUrgent()).onElementIsNoOpForKnownWindow(), false);
});

test('continuous event-time trigger with negative timestamps: first firing where Flink computes it (truncating %)', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ autoWatermarkInterval: 'every-record' });
  const out = await timed(env, [ev('a', -23), ev('a', -15), ev('a', -5), ev('a', 50)])
    .keyBy((e) => e.k)
    .window(TumblingEventTimeWindows.of(100))
    .trigger(ContinuousEventTimeTrigger.of(10))
    .process<string>((_k, c, els, out) => void (c.window().start < 0 && out.collect(`${els.length}@${c.currentWatermark()}`)))
    .executeAndCollect();
  // -23 - (-23 % 10) = -20, so the first fire time is -10 (not -20), then the window end -1.
  assert.deepEqual(out, ['3@-6', '3@49']);
});

test('continuous triggers work on session (merging) windows: fire times merge to the earliest', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ autoWatermarkInterval: 'every-record' });
  const out = await timed(env, [ev('a', 10), ev('a', 60), ev('a', 200)])
    .keyBy((e) => e.k)
    .window(EventTimeSessionWindows.withGap<E>(100))
    .trigger(ContinuousEventTimeTrigger.of(50))
    .process<string>((_k, c, els, out) => out.collect(`[${c.window().start},${c.window().end}) ${els.length}@${c.currentWatermark()}`))
    .executeAndCollect();
  assert.deepEqual(out, [
    '[10,160) 2@59', // the fire time 50 of [10,110) moved to the merged window
    '[10,160) 2@199', // 100
    '[10,160) 2@199', // 150
    '[10,160) 2@199', // the end, 159
    '[200,300) 1@Infinity', // 250
    '[200,300) 1@Infinity', // 299
  ]);

  const { ContinuousProcessingTimeTrigger, ProcessingTimeSessionWindows } = await import('sluice');
  const clock = new ManualClock(0);
  const penv = StreamExecutionEnvironment.getExecutionEnvironment({ clock });
  const sink = new TestSink<string>();
  penv
    .fromSource(new TestSource<string>({ clock }).emit('a').advanceTime(30).emit('a').keepOpen(), WatermarkStrategy.noWatermarks(), 'in')
    .keyBy((s) => s)
    .window(ProcessingTimeSessionWindows.withGap<string>(100))
    .trigger(ContinuousProcessingTimeTrigger.of(50))
    .process<string>((_k, c, els, o) => o.collect(`[${c.window().start},${c.window().end}) ${els.length}@${c.currentProcessingTime()}`))
    .sinkTo(sink);
  const client = await penv.executeAsync();
  await new Promise((r) => setTimeout(r, 20));
  clock.advance(20); // 50: the merged window [0,130) fires at the fire time of [0,100)
  await new Promise((r) => setTimeout(r, 20));
  clock.advance(100); // 150: 100, then its end 129
  await new Promise((r) => setTimeout(r, 20));
  client.cancel();
  await client.result.catch(() => {});
  assert.deepEqual(sink.values, ['[0,130) 2@50', '[0,130) 2@150', '[0,130) 2@150']);
});

test('allowedLateness is accepted on processing-time and count windows, where it has no effect (as in Flink)', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const counts = await env.fromElements(1, 2, 3, 4, 5).keyBy(() => 0).countWindow(2).allowedLateness(60_000).sum().executeAndCollect();
  assert.deepEqual(counts, [3, 7]);
  assert.doesNotThrow(() => env.fromElements(1).keyBy(() => 0).window(TumblingProcessingTimeWindows.of(1000)).allowedLateness(5000));
  assert.doesNotThrow(() => env.fromElements(1).windowAll(TumblingProcessingTimeWindows.of(1000)).allowedLateness(5000));
  assert.throws(() => env.fromElements(1).keyBy(() => 0).countWindow(2).allowedLateness(-1), /lateness must be/);
});
