// Probes of rich functions written from Flink's documentation (Working with State: the
// CountWindowAverage example acquires state with getRuntimeContext().getState(...) in open()):
// every rich function class offers getRuntimeContext(), per parallel instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AsyncDataStream, KeyedCoProcessFunction, KeyedProcessFunction, ProcessAllWindowFunction, ProcessFunction, ProcessJoinFunction, ProcessWindowFunction,
  RichAsyncFunction, RichCoFlatMapFunction, RichCoMapFunction, RichFilterFunction, RichFlatMapFunction, RichMapFunction, RichSinkFunction,
  StreamExecutionEnvironment, TumblingEventTimeWindows, ValueStateDescriptor, WatermarkStrategy, type Collector, type ProcessJoinContext, type ResultFuture, type KeyedContext, type ProcessContext, type TimeWindow, type ValueState, type WindowContext,
} from 'sluice';

// Flink's documentation example, as a TypeScript user would port it.
class CountWindowAverage extends RichFlatMapFunction<[number, number], [number, number]> {
  sum!: ValueState<[number, number]>;
  flatMap(input: [number, number], out: Collector<[number, number]>): void {
    const current = this.sum.value() ?? [0, 0];
    const next: [number, number] = [current[0] + 1, current[1] + input[1]];
    this.sum.update(next);
    if (next[0] >= 2) {
      out.collect([input[0], next[1] / next[0]]);
      this.sum.clear();
    }
  }
  override open(): void {
    this.sum = this.getRuntimeContext().getState(new ValueStateDescriptor<[number, number]>('average'));
  }
}

test('Flink\'s CountWindowAverage: state acquired with this.getRuntimeContext() in open()', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const out = await env
    .fromElements<[number, number]>([1, 3], [1, 5], [1, 7], [1, 4], [1, 2])
    .keyBy((v) => v[0])
    .flatMap(new CountWindowAverage())
    .executeAndCollect();
  assert.deepEqual(out, [[1, 4], [1, 5.5]]);
});

test('getRuntimeContext() in every rich function kind gives that instance\'s subtask', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const tag = (self: { getRuntimeContext(): { getIndexOfThisSubtask(): number; getNumberOfParallelSubtasks(): number } }, what: string) =>
    `${what}:${self.getRuntimeContext().getNumberOfParallelSubtasks()}`;
  class M extends RichMapFunction<number, string> {
    map(v: number): string {
      return `${tag(this, 'map')}:${v}`;
    }
  }
  class F extends RichFilterFunction<string> {
    filter(v: string): boolean {
      return tag(this, 'map') === 'map:2' && v.length > 0;
    }
  }
  class P extends ProcessFunction<string, string> {
    processElement(v: string, _ctx: ProcessContext, out: Collector<string>): void {
      out.collect(`${v}|${tag(this, 'process')}`);
    }
  }
  class KP extends KeyedProcessFunction<string, string, string> {
    processElement(v: string, _ctx: KeyedContext<string>, out: Collector<string>): void {
      out.collect(`${v}|${tag(this, 'keyed')}`);
    }
  }
  const out = await env.fromSequence(1, 4).map(new M()).filter(new F()).process(new P()).keyBy((s) => s).process(new KP()).executeAndCollect();
  assert.deepEqual(out.sort(), [1, 2, 3, 4].map((v) => `map:2:${v}|process:2|keyed:2`));
});

test('getRuntimeContext() in window and co-process functions', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const timed = () => env.fromElements(1, 2, 3).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((v) => v));
  class PW extends ProcessWindowFunction<number, string, string, TimeWindow> {
    process(k: string, _c: WindowContext<TimeWindow>, els: number[], out: Collector<string>): void {
      out.collect(`${k}:${els.length}:${this.getRuntimeContext().getIndexOfThisSubtask()}`);
    }
  }
  class PAW extends ProcessAllWindowFunction<number, string, TimeWindow> {
    process(_c: WindowContext<TimeWindow>, els: number[], out: Collector<string>): void {
      out.collect(`all:${els.length}:${this.getRuntimeContext().getNumberOfParallelSubtasks()}`);
    }
  }
  class CP extends KeyedCoProcessFunction<number, number, number, string> {
    processElement1(v: number, _c: KeyedContext<number>, out: Collector<string>): void {
      out.collect(`1:${v}:${this.getRuntimeContext().getIndexOfThisSubtask()}`);
    }
    processElement2(v: number, _c: KeyedContext<number>, out: Collector<string>): void {
      out.collect(`2:${v}:${this.getRuntimeContext().getIndexOfThisSubtask()}`);
    }
  }
  assert.deepEqual(await timed().keyBy(() => 'k').window(TumblingEventTimeWindows.of(10)).process(new PW()).executeAndCollect(), ['k:3:0']);
  assert.deepEqual(await timed().keyBy(() => 'k').window(TumblingEventTimeWindows.of(10)).reduce((a, b) => a + b, new PW()).executeAndCollect(), ['k:1:0']);
  assert.deepEqual(await timed().windowAll(TumblingEventTimeWindows.of(10)).process(new PAW()).executeAndCollect(), ['all:3:1']);
  const co = await env.fromElements(1).connect(env.fromElements(2)).keyBy((v) => v, (v) => v).process(new CP()).executeAndCollect();
  assert.deepEqual(co.sort(), ['1:1:0', '2:2:0']);
});

test('getRuntimeContext() before open (in a constructor) fails with advice', () => {
  class Early extends RichMapFunction<number, number> {
    constructor() {
      super();
      this.getRuntimeContext();
    }
    map(v: number): number {
      return v;
    }
  }
  assert.throws(() => new Early(), (e: Error & { code?: string }) => e.code === 'SLUICE_INVALID_JOB' && /open\(\)/.test(e.message));
});

test('Flink\'s other abstract function classes can be extended: ProcessJoinFunction, RichAsyncFunction, RichCoMapFunction, RichCoFlatMapFunction, RichSinkFunction', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const timed = (vs: number[]) => env.fromCollection(vs).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((v) => v));
  class Pair extends ProcessJoinFunction<number, number, string> {
    override processElement(a: number, b: number, ctx: ProcessJoinContext, out: Collector<string>): void {
      out.collect(`${a},${b}@${ctx.getTimestamp()}#${this.getRuntimeContext!().getIndexOfThisSubtask()}`);
    }
  }
  const joined = await timed([10]).keyBy(() => 'k').intervalJoin(timed([9, 12]).keyBy(() => 'k')).between(-1, 1).process(new Pair()).executeAndCollect();
  assert.deepEqual(joined, ['10,9@10#0']);

  class Lookup extends RichAsyncFunction<number, string> {
    asyncInvoke(v: number, rf: ResultFuture<string>): void {
      rf.complete([`${v}:${this.getRuntimeContext().getNumberOfParallelSubtasks()}`]);
    }
  }
  assert.deepEqual(await AsyncDataStream.orderedWait(env.fromElements(1, 2), new Lookup(), 1000).executeAndCollect(), ['1:1', '2:1']);

  class CoM extends RichCoMapFunction<number, string, string> {
    map1(v: number): string {
      return `n${v}@${this.getRuntimeContext().getIndexOfThisSubtask()}`;
    }
    map2(v: string): string {
      return `s${v}`;
    }
  }
  class CoF extends RichCoFlatMapFunction<number, string, string> {
    flatMap1(v: number, out: Collector<string>): void {
      out.collect(`n${v}`);
    }
    flatMap2(v: string, out: Collector<string>): void {
      out.collect(`s${v}@${this.getRuntimeContext().getIndexOfThisSubtask()}`);
    }
  }
  assert.deepEqual((await env.fromElements(1).connect(env.fromElements('a')).map(new CoM()).executeAndCollect()).sort(), ['n1@0', 'sa']);
  assert.deepEqual((await env.fromElements(1).connect(env.fromElements('a')).flatMap(new CoF()).executeAndCollect()).sort(), ['n1', 'sa@0']);

  const got: number[] = [];
  class CollectSink extends RichSinkFunction<number> {
    override invoke(v: number): void {
      got.push(v);
    }
  }
  env.fromElements(1, 2, 3).addSink(new CollectSink());
  await env.execute();
  assert.deepEqual(got, [1, 2, 3]);
});
