// Probes of timers and process functions written from Flink's documentation (Process Function,
// Timers: "timers are deduplicated per key and timestamp", "onTimer() and processElement() are
// synchronized", event-time timers fire when the watermark passes them) and the behaviour of
// Flink's InternalTimerService / KeyedProcessOperator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedProcessFunction, StreamExecutionEnvironment, TimeDomain, WatermarkStrategy, type Collector, type KeyedContext, type OnTimerContext } from 'sluice';
import { ManualClock, ProcessFunctionTestHarnesses, TestSource } from 'sluice/testing';

interface Cmd {
  k: string;
  reg?: number[];
  del?: number[];
  preg?: number[];
}

class Scripted extends KeyedProcessFunction<string, Cmd, string> {
  processElement(c: Cmd, ctx: KeyedContext<string>): void {
    for (const t of c.reg ?? []) ctx.timerService().registerEventTimeTimer(t);
    for (const t of c.del ?? []) ctx.timerService().deleteEventTimeTimer(t);
    for (const t of c.preg ?? []) ctx.timerService().registerProcessingTimeTimer(t);
  }
  override onTimer(ts: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
    assert.ok(ctx.timeDomain() === TimeDomain.EVENT_TIME || ctx.timeDomain() === TimeDomain.PROCESSING_TIME);
    out.collect(`${ctx.getCurrentKey()}:${ctx.timeDomain()}:${ts}:ctx.ts=${ctx.timestamp()}:wm=${ctx.timerService().currentWatermark()}`);
  }
}

test('timers: one per key and timestamp (deduplicated), deleted timers never fire, fire in timestamp order across keys', async () => {
  const h = await ProcessFunctionTestHarnesses.forKeyedProcessFunction(new Scripted(), (c: Cmd) => c.k);
  h.processElement({ k: 'a', reg: [20, 20, 30] }, 1);
  h.processElement({ k: 'a', reg: [20] }, 2);
  h.processElement({ k: 'b', reg: [10, 25] }, 3);
  h.processElement({ k: 'b', del: [25] }, 4);
  h.processElement({ k: 'c', del: [99] }, 5); // deleting a timer that does not exist is fine
  h.processWatermark(30);
  assert.deepEqual(h.extractOutputValues(), [
    'b:EVENT_TIME:10:ctx.ts=10:wm=30',
    'a:EVENT_TIME:20:ctx.ts=20:wm=30',
    'a:EVENT_TIME:30:ctx.ts=30:wm=30',
  ]);
  assert.deepEqual(h.output.map((r) => r.timestamp), [10, 20, 30]); // outputs of event-time timers carry the timer's timestamp
});

test('an event-time timer registered at or behind the current watermark fires with the next watermark, not at once', async () => {
  const h = await ProcessFunctionTestHarnesses.forKeyedProcessFunction(new Scripted(), (c: Cmd) => c.k);
  h.processWatermark(50);
  h.processElement({ k: 'a', reg: [40, 50] }, 60);
  assert.deepEqual(h.extractOutputValues(), []);
  h.processWatermark(51);
  assert.deepEqual(h.extractOutputValues(), ['a:EVENT_TIME:40:ctx.ts=40:wm=51', 'a:EVENT_TIME:50:ctx.ts=50:wm=51']);
});

test('processing-time timers: onTimer sees the timer timestamp in ctx.timestamp(), outputs carry no timestamp', async () => {
  const h = await ProcessFunctionTestHarnesses.forKeyedProcessFunction(new Scripted(), (c: Cmd) => c.k);
  h.processElement({ k: 'a', preg: [100, 100] }, 1);
  h.setProcessingTime(99);
  assert.equal(h.output.length, 0);
  h.setProcessingTime(100);
  assert.equal(h.output.length, 1);
  assert.equal(h.output[0]?.value, 'a:PROCESSING_TIME:100:ctx.ts=100:wm=-Infinity');
  assert.equal(h.output[0]?.timestamp, undefined);
});

test('a timer registered in onTimer at a time the watermark already passed fires within the same watermark advance', async () => {
  class Chain extends KeyedProcessFunction<string, string, number> {
    processElement(_v: string, ctx: KeyedContext<string>): void {
      ctx.timerService().registerEventTimeTimer(10);
    }
    override onTimer(ts: number, ctx: OnTimerContext<string>, out: Collector<number>): void {
      out.collect(ts);
      if (ts < 12) ctx.timerService().registerEventTimeTimer(ts + 1);
    }
  }
  const h = await ProcessFunctionTestHarnesses.forKeyedProcessFunction(new Chain(), (v: string) => v);
  h.processElement('a', 1);
  h.processWatermark(100);
  assert.deepEqual(h.extractOutputValues(), [10, 11, 12]);
});

test('timer at +infinity (Long.MAX_VALUE) fires at the end of a bounded input, processing-time timers are dropped in STREAMING', async () => {
  const clock = new ManualClock(0);
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ clock });
  const out = await env
    .fromSource(new TestSource<Cmd>().emit({ k: 'a', reg: [Number.POSITIVE_INFINITY], preg: [1_000_000] }, 5), WatermarkStrategy.forMonotonousTimestamps(), 'in')
    .keyBy((c) => c.k)
    .process(new Scripted())
    .executeAndCollect();
  assert.deepEqual(out, ['a:EVENT_TIME:Infinity:ctx.ts=Infinity:wm=Infinity']);
});

test('BATCH: processing-time timers fire at the end of their key, after its event-time timers', async () => {
  const clock = new ManualClock(0);
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ clock, runtimeMode: 'batch' });
  const out = await env
    .fromCollection<Cmd>([{ k: 'a', reg: [7], preg: [1_000_000] }, { k: 'b', preg: [5] }])
    .keyBy((c) => c.k)
    .process(new Scripted())
    .executeAndCollect();
  assert.deepEqual(
    out.map((s) => s.split(':ctx.ts')[0]),
    ['a:EVENT_TIME:7', 'a:PROCESSING_TIME:1000000', 'b:PROCESSING_TIME:5'],
  );
});
