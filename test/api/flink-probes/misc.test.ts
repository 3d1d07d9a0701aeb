// Further probes from Flink's documentation: partitioning (broadcast/rebalance/fromSequence),
// rolling reduce timestamps, interval joins with both bounds negative, session gaps, processing-time
// sessions, side outputs from window functions and timers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EventTimeSessionWindows, KeyedProcessFunction, OutputTag, ProcessingTimeSessionWindows, StreamExecutionEnvironment, TumblingEventTimeWindows,
  WatermarkStrategy, type Collector, type KeyedContext, type OnTimerContext, type RuntimeContext,
} from 'sluice';
import { ManualClock, TestSink, TestSource } from 'sluice/testing';

const timed = <T>(env: StreamExecutionEnvironment, items: T[], ts: (v: T) => number) =>
  env.fromCollection(items).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<T>().withTimestampAssigner(ts));

test('fromSequence is generated in parallel, each number once; broadcast() sends every record to every subtask', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
  const seq = await env.fromSequence(1, 100).executeAndCollect();
  assert.deepEqual(seq.sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i + 1));
  class Tag {
    i = -1;
    open(rc: RuntimeContext): void {
      this.i = rc.getIndexOfThisSubtask();
    }
    map(v: number): string {
      return `${this.i}:${v}`;
    }
  }
  const b = await env.fromElements(1, 2).broadcast().map(new Tag()).executeAndCollect();
  assert.deepEqual(b.sort(), ['0:1', '0:2', '1:1', '1:2', '2:1', '2:2']);
});

test('rolling reduce: each output carries the timestamp of the record that produced it', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out = await timed(env, [5, 7, 9], (v) => v * 10)
    .keyBy(() => 'k')
    .reduce((a, b) => a + b)
    .process<string>((v, ctx, o) => o.collect(`${v}@${ctx.timestamp()}`))
    .executeAndCollect();
  assert.deepEqual(out, ['5@50', '12@70', '21@90']);
});

test('interval join with both bounds negative: b.ts in [a.ts - 5, a.ts - 1]', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const a = timed(env, [{ k: 'k', ts: 10 }], (e) => e.ts).keyBy((e) => e.k);
  const b = timed(env, [4, 5, 6, 9, 10, 11].map((ts) => ({ k: 'k', ts })), (e) => e.ts).keyBy((e) => e.k);
  const out = await a.intervalJoin(b).between(-5, -1).process<number>((_x, y, _c, o) => o.collect(y.ts)).executeAndCollect();
  assert.deepEqual(out.sort((p, q) => p - q), [5, 6, 9]);
});

test('session windows: a gap must be > 0; a dynamic gap is computed per element', async () => {
  assert.throws(() => EventTimeSessionWindows.withGap(0));
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out = await timed(env, [{ ts: 0, gap: 100 }, { ts: 50, gap: 1 }, { ts: 150, gap: 1 }], (e) => e.ts)
    .keyBy(() => 'k')
    .window(EventTimeSessionWindows.withDynamicGap<{ ts: number; gap: number }>((e) => e.gap))
    .process<string>({ process: (_k, ctx, els, o) => o.collect(`[${ctx.window().start},${ctx.window().end}):${els.length}`) })
    .executeAndCollect();
  assert.deepEqual(out, ['[0,100):2', '[150,151):1']);
});

test('processing-time session windows close after the gap of processing time', async () => {
  const clock = new ManualClock(0);
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ clock });
  const sink = new TestSink<string>();
  const src = new TestSource<string>({ clock }).emit('a').advanceTime(50).emit('a').advanceTime(200).emit('a').advanceTime(200);
  env
    .fromSource(src, WatermarkStrategy.noWatermarks(), 'in')
    .keyBy((v) => v)
    .window(ProcessingTimeSessionWindows.withGap(100))
    .process<string>({ process: (_k, ctx, els, o) => o.collect(`[${ctx.window().start},${ctx.window().end}):${els.length}`) })
    .sinkTo(sink);
  await env.execute();
  assert.deepEqual(sink.values, ['[0,150):2', '[250,350):1']);
});

test('side outputs from a ProcessWindowFunction and from onTimer', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const odd = new OutputTag<string>('odd');
  const windows = timed(env, [1, 2, 3, 11], (v) => v)
    .keyBy(() => 'k')
    .window(TumblingEventTimeWindows.of(10))
    .process<number>({
      process: (_k, ctx, els, out) => {
        const sum = els.reduce((a, b) => a + b, 0);
        if (sum % 2 === 1) ctx.output(odd, `odd ${sum}`);
        else out.collect(sum);
      },
    });
  const side: string[] = [];
  windows.getSideOutput(odd).addSink((v) => void side.push(v));
  assert.deepEqual(await windows.executeAndCollect(), [6]);
  assert.deepEqual(side, ['odd 11']);

  const fired = new OutputTag<number>('fired');
  class T extends KeyedProcessFunction<string, number, string> {
    processElement(v: number, ctx: KeyedContext<string>): void {
      ctx.timerService().registerEventTimeTimer(v + 100);
    }
    override onTimer(ts: number, ctx: OnTimerContext<string>, _out: Collector<string>): void {
      ctx.output(fired, ts);
    }
  }
  const main = timed(env, [1, 2], (v) => v).keyBy(String).process(new T());
  const timers: number[] = [];
  main.getSideOutput(fired).addSink((v) => void timers.push(v));
  assert.deepEqual(await main.executeAndCollect(), []);
  assert.deepEqual(timers.sort(), [101, 102]);
});
