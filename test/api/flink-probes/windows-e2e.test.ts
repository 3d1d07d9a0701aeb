// Probes of window features through whole jobs, written from Flink's Windows documentation:
// evictors before/after the function and what stays in the window, global windows without a
// trigger, non-mergeable triggers on session windows, windowAll with ProcessAllWindowFunction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CountEvictor, CountTrigger, EventTimeSessionWindows, GlobalWindows, OutputTag, StreamExecutionEnvironment, Trigger, TriggerResult,
  TumblingEventTimeWindows, ValueStateDescriptor, WatermarkStrategy, type TimeWindow,
} from 'sluice';
import { TestSource } from 'sluice/testing';

const timed = (env: StreamExecutionEnvironment, ts: number[]) =>
  env.fromCollection(ts).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((v) => v));

test('evictor before vs. after: CountEvictor.of(2) trims what the function sees, or (doEvictAfter) what stays for the next firing', async () => {
  const run = async (after: boolean) => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    return timed(env, [1, 2, 3, 4, 5, 6])
      .keyBy(() => 'k')
      .window(GlobalWindows.create<number>())
      .trigger(CountTrigger.of(3))
      .evictor(CountEvictor.of(2, after))
      .process<string>({ process: (_k, _c, els, out) => out.collect(els.join('')) })
      .executeAndCollect();
  };
  assert.deepEqual(await run(false), ['23', '56']); // before: sees the last 2 of {1,2,3}, then of {2,3,4,5,6}
  assert.deepEqual(await run(true), ['123', '23456']); // after: sees all, then keeps the last 2 ({2,3}) for the next firing
});

test('evictor with reduce: the reduction runs over the remaining elements only', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out = await timed(env, [1, 2, 3, 4])
    .keyBy(() => 'k')
    .window(TumblingEventTimeWindows.of(10))
    .evictor(CountEvictor.of(2))
    .reduce((a, b) => a + b)
    .executeAndCollect();
  assert.deepEqual(out, [7]);
});

test('GlobalWindows.create() without a trigger never fires, even at the end of input', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out = await env.fromElements(1, 2, 3).keyBy(() => 'k').window(GlobalWindows.create<number>()).reduce((a, b) => a + b).executeAndCollect();
  assert.deepEqual(out, []);
});

test('a trigger that cannot merge is refused on session windows', () => {
  class NoMerge extends Trigger<number, TimeWindow> {
    onElement(): TriggerResult {
      return TriggerResult.CONTINUE;
    }
    onEventTime(): TriggerResult {
      return TriggerResult.CONTINUE;
    }
    onProcessingTime(): TriggerResult {
      return TriggerResult.CONTINUE;
    }
    clear(): void {}
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  assert.throws(() => timed(env, [1]).keyBy(() => 'k').window(EventTimeSessionWindows.withGap(5)).trigger(new NoMerge()), /merg/i);
});

test('session windows: CountTrigger counts merge with the sessions (mergePartitionedState)', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  // Sessions [0,5) and [8,13) hold one element each; 4 bridges them: the merged count is 3 and fires.
  const out = await env
    .fromSource(
      new TestSource<number>().emit(0, 0).emit(8, 8).emit(4, 4),
      WatermarkStrategy.noWatermarks(),
      'src',
    )
    .keyBy(() => 'k')
    .window(EventTimeSessionWindows.withGap(5))
    .trigger(CountTrigger.of(3))
    .process<string>({ process: (_k, ctx, els, o) => o.collect(`[${ctx.window().start},${ctx.window().end}):${els.slice().sort((a, b) => a - b).join(',')}`) })
    .executeAndCollect();
  assert.deepEqual(out, ['[0,13):0,4,8']);
});

test('windowAll with a ProcessAllWindowFunction: window and global state, late side output', async () => {
  const late = new OutputTag<number>('late');
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ autoWatermarkInterval: 'every-record' });
  const fires = new ValueStateDescriptor<number>('fires');
  const result = timed(env, [1, 2, 11, 3, 12, 25])
    .windowAll(TumblingEventTimeWindows.of(10))
    .sideOutputLateData(late)
    .process<string>({
      process(ctx, els, out) {
        const g = ctx.globalState().getState(fires);
        g.update((g.value() ?? 0) + 1);
        out.collect(`[${ctx.window().start}):${els.join(',')} #${g.value()}`);
      },
    });
  const lateOut: number[] = [];
  result.getSideOutput(late).addSink((v) => void lateOut.push(v));
  assert.deepEqual(await result.executeAndCollect(), ['[0):1,2 #1', '[10):11,12 #2', '[20):25 #3']);
  assert.deepEqual(lateOut, [3]);
});
