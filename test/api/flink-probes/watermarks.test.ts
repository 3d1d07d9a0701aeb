// Probes of event time written from Flink's documentation (Generating Watermarks, Timely Stream
// Processing): what watermark an operator sees after each record, that watermarks never go back,
// that assignTimestampsAndWatermarks replaces upstream watermarks, and that a non-keyed process
// function reads the watermark but cannot set timers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamExecutionEnvironment, Watermark, WatermarkStrategy, type WatermarkGenerator, type WatermarkOutput } from 'sluice';
import { TestSource } from 'sluice/testing';

const seen = (v: number, ctx: { timerService(): { currentWatermark(): number } }): string => `${v}@wm=${ctx.timerService().currentWatermark()}`;

test('forBoundedOutOfOrderness(b): each record sees the watermark max - b - 1 of the records before it; forMonotonousTimestamps: max - 1', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ autoWatermarkInterval: 'every-record' });
  const bounded = await env
    .fromCollection([10, 20, 15, 30, 25])
    .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<number>(5).withTimestampAssigner((v) => v))
    .process<string>((v, ctx, out) => out.collect(seen(v, ctx)))
    .executeAndCollect();
  assert.deepEqual(bounded, ['10@wm=-Infinity', '20@wm=4', '15@wm=14', '30@wm=14', '25@wm=24']);
  const monotonous = await env
    .fromCollection([10, 20, 30])
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((v) => v))
    .process<string>((v, ctx, out) => out.collect(seen(v, ctx)))
    .executeAndCollect();
  assert.deepEqual(monotonous, ['10@wm=-Infinity', '20@wm=9', '30@wm=19']);
});

test('watermarks never go back: a generator that emits a lower watermark changes nothing downstream', async () => {
  class Zigzag implements WatermarkGenerator<number> {
    onEvent(v: number, _ts: number, out: WatermarkOutput): void {
      out.emitWatermark(v); // punctuated: 50, then 20 (lower), then 60
    }
    onPeriodicEmit(): void {}
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out = await env
    .fromCollection([50, 20, 60, 1])
    .assignTimestampsAndWatermarks(WatermarkStrategy.forGenerator<number>(() => new Zigzag()).withTimestampAssigner((v) => v))
    .map((v) => v)
    .process<string>((v, ctx, o) => o.collect(seen(v, ctx)))
    .executeAndCollect();
  assert.deepEqual(out, ['50@wm=-Infinity', '20@wm=50', '60@wm=50', '1@wm=60']);
});

test('a source watermark that goes back is ignored downstream too', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const src = new TestSource<number>().emit(1, 1).watermark(10).watermark(5).emit(2, 2).watermark(12).emit(3, 3);
  const out = await env.fromSource(src, WatermarkStrategy.noWatermarks(), 'src').process<string>((v, ctx, o) => o.collect(seen(v, ctx))).executeAndCollect();
  assert.deepEqual(out, ['1@wm=-Infinity', '2@wm=10', '3@wm=12']);
});

test('assignTimestampsAndWatermarks drops the watermarks coming from upstream and generates its own', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ autoWatermarkInterval: 'every-record' });
  const src = new TestSource<number>().emit(100, 100).watermark(1000).emit(200, 200);
  const out = await env
    .fromSource(src, WatermarkStrategy.noWatermarks(), 'src')
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((v) => v))
    .process<string>((v, ctx, o) => o.collect(seen(v, ctx)))
    .executeAndCollect();
  assert.deepEqual(out, ['100@wm=-Infinity', '200@wm=99']);
});

test('the timestamp assigner receives the record\'s previous timestamp; records without one read ctx.timestamp() as undefined', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const src = new TestSource<string>().emit('a', 42).emit('b', 7);
  const out = await env
    .fromSource(src, WatermarkStrategy.noWatermarks(), 'src')
    .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks<string>().withTimestampAssigner((v, prev) => prev + (v === 'a' ? 1 : 2)))
    .process<string>((v, ctx, o) => o.collect(`${v}:${ctx.timestamp()}`))
    .executeAndCollect();
  assert.deepEqual(out, ['a:43', 'b:9']);
  const untimed = await env.fromElements('x').process<string>((v, ctx, o) => o.collect(`${v}:${ctx.timestamp()}`)).executeAndCollect();
  assert.deepEqual(untimed, ['x:undefined']);
});

test('a non-keyed ProcessFunction reads the watermark and processing time but cannot register timers', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const job = env.fromElements(1).process<string>((_v, ctx) => ctx.timerService().registerEventTimeTimer(5));
  await assert.rejects(job.executeAndCollect(), /timer/i);
});

test('Flink\'s BoundedOutOfOrdernessGenerator example: output.emitWatermark(new Watermark(...)), in the source and after it', async () => {
  class BoundedOutOfOrdernessGenerator implements WatermarkGenerator<number> {
    readonly maxOutOfOrderness = 5;
    currentMaxTimestamp = Number.NEGATIVE_INFINITY;
    onEvent(_v: number, eventTimestamp: number): void {
      this.currentMaxTimestamp = Math.max(this.currentMaxTimestamp, eventTimestamp);
    }
    onPeriodicEmit(output: WatermarkOutput): void {
      output.emitWatermark(new Watermark(this.currentMaxTimestamp - this.maxOutOfOrderness - 1));
    }
  }
  const strategy = WatermarkStrategy.forGenerator<number>(() => new BoundedOutOfOrdernessGenerator()).withTimestampAssigner((v) => v);
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ autoWatermarkInterval: 'every-record' });
  const after = await env.fromCollection([10, 20, 30]).assignTimestampsAndWatermarks(strategy)
    .process<string>((v, ctx, o) => o.collect(seen(v, ctx))).executeAndCollect();
  assert.deepEqual(after, ['10@wm=-Infinity', '20@wm=4', '30@wm=14']);
  const inSource = await env.fromSource(new TestSource<number>().emit(10).emit(20).emit(30), strategy, 'src')
    .process<string>((v, ctx, o) => o.collect(seen(v, ctx))).executeAndCollect();
  assert.deepEqual(inSource, ['10@wm=-Infinity', '20@wm=4', '30@wm=14']);
});
