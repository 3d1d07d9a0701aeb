// Probes of BATCH execution written from Flink's documentation (Execution Mode (Batch/Streaming)):
// the same final results as STREAMING on bounded input, no late data, timers at the end of a key,
// and processing time that "jumps to the end".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EventTimeSessionWindows, KeyedProcessFunction, OutputTag, SlidingEventTimeWindows, StreamExecutionEnvironment, TumblingEventTimeWindows,
  TumblingProcessingTimeWindows, ValueStateDescriptor, WatermarkStrategy, type Collector, type KeyedContext, type OnTimerContext,
  type RuntimeContext, type ValueState,
} from 'sluice';
import { ManualClock } from 'sluice/testing';

interface E {
  k: string;
  ts: number;
  v: number;
}
const input: E[] = [];
for (let i = 0; i < 60; i++) input.push({ k: `k${i % 4}`, ts: ((i * 37) % 50) * 10, v: i });

const run = async <T>(mode: 'streaming' | 'batch', build: (env: StreamExecutionEnvironment) => Promise<T[]>): Promise<string[]> => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ runtimeMode: mode, parallelism: 2 });
  return (await build(env)).map((r) => JSON.stringify(r)).sort();
};
const events = (env: StreamExecutionEnvironment, bound: number) =>
  env.fromCollection(input).assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<E>(bound).withTimestampAssigner((e) => e.ts));

test('BATCH gives the STREAMING results for windows when nothing is late (tumbling, sliding with size % slide != 0, sessions)', async () => {
  for (const assigner of [TumblingEventTimeWindows.of(100), SlidingEventTimeWindows.of(100, 30), EventTimeSessionWindows.withGap(15)]) {
    const build = (env: StreamExecutionEnvironment) =>
      events(env, 1000)
        .keyBy((e) => e.k)
        .window(assigner as TumblingEventTimeWindows<E>)
        .process<string>({ process: (k, ctx, els, out) => out.collect(`${k}[${ctx.window().start},${ctx.window().end}):${els.map((e) => e.v).sort((a, b) => a - b).join(',')}`) })
        .executeAndCollect();
    assert.deepEqual(await run('batch', build), await run('streaming', build));
  }
});

test('BATCH has no late data: records STREAMING sends to the late side output land in their windows', async () => {
  const late = new OutputTag<E>('late');
  const counts = async (mode: 'streaming' | 'batch') => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ runtimeMode: mode, autoWatermarkInterval: 'every-record' });
    const w = events(env, 0).keyBy((e) => e.k).window(TumblingEventTimeWindows.of(100)).sideOutputLateData(late)
      .aggregate({ createAccumulator: () => 0, add: (_e: E, a: number) => a + 1, getResult: (a: number) => a, merge: (a: number, b: number) => a + b });
    const sideOut: E[] = [];
    w.getSideOutput(late).addSink((e) => void sideOut.push(e));
    const main = await w.executeAndCollect();
    return { total: main.reduce((a, b) => a + b, 0), late: sideOut.length };
  };
  const streaming = await counts('streaming');
  assert.ok(streaming.late > 0, 'the input is out of order: streaming drops some records');
  assert.equal(streaming.total + streaming.late, input.length);
  assert.deepEqual(await counts('batch'), { total: input.length, late: 0 });
});

test('BATCH: a KeyedProcessFunction with state and an event-time timer per key gives the STREAMING result', async () => {
  class SumAtEnd extends KeyedProcessFunction<string, E, string> {
    sum!: ValueState<number>;
    override open(rc: RuntimeContext): void {
      this.sum = rc.getState(new ValueStateDescriptor<number>('sum', 0));
    }
    processElement(e: E, ctx: KeyedContext<string>): void {
      this.sum.update(this.sum.value() + e.v);
      ctx.timerService().registerEventTimeTimer(10_000);
    }
    override onTimer(ts: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
      out.collect(`${ctx.getCurrentKey()}=${this.sum.value()}@${ts}`);
    }
  }
  const build = (env: StreamExecutionEnvironment) => events(env, 0).keyBy((e) => e.k).process(new SumAtEnd()).executeAndCollect();
  const batch = await run('batch', build);
  assert.deepEqual(batch, await run('streaming', build));
  assert.equal(batch.length, 4);
});

test('BATCH: processing-time windows fire at the end (processing time jumps to the end of input)', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ runtimeMode: 'batch', clock: new ManualClock(0) });
  const out = await env
    .fromCollection(['a', 'b', 'a'])
    .keyBy((v) => v)
    .window(TumblingProcessingTimeWindows.of(1000))
    .process<string>({ process: (k, ctx, els, o) => o.collect(`${k}:${els.length}@${ctx.window().start}`) })
    .executeAndCollect();
  assert.deepEqual(out.sort(), ['a:2@0', 'b:1@0']);
});

test('BATCH: rolling reduce emits only the final value per key', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ runtimeMode: 'batch', parallelism: 2 });
  const out = await env.fromCollection(input).keyBy((e) => e.k).reduce((a, b) => ({ k: a.k, ts: 0, v: a.v + b.v })).executeAndCollect();
  const expected = new Map<string, number>();
  for (const e of input) expected.set(e.k, (expected.get(e.k) ?? 0) + e.v);
  assert.deepEqual(out.map((e) => `${e.k}=${e.v}`).sort(), [...expected].map(([k, v]) => `${k}=${v}`).sort());
});
