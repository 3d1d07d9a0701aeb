import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KeyedCoProcessFunction, OutputTag, PrintSink, ProcessFunction, RichMapFunction, StreamExecutionEnvironment, ValueStateDescriptor,
  type Collector, type FlatMapFunction, type KeyedContext, type MapFunction, type ProcessContext, type RuntimeContext, type ValueState,
} from 'sluice';
import { TestSink } from 'sluice/testing';

class UpperCaseMapFunction implements MapFunction<string, string> {
  map(value: string): string {
    return value.toUpperCase();
  }
}

test('the seed program reads naturally: a MapFunction class, then env.execute(name)', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const sink = new TestSink<string>();
  env.fromElements('hello', 'sluice').map(new UpperCaseMapFunction()).sinkTo(sink);
  const result = await env.execute('my_flink_job');
  assert.deepEqual(sink.values, ['HELLO', 'SLUICE']);
  assert.equal(result.jobName, 'my_flink_job');
  assert.equal(result.recordsIn, 2);
  assert.equal(result.status, 'finished');
});

test('functions: plain functions, objects, classes; flatMap by collector or returned iterable', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  class Split implements FlatMapFunction<string, string> {
    flatMap(line: string, out: Collector<string>) {
      for (const w of line.split(' ')) out.collect(w);
    }
  }
  const a = await env.fromElements('a b', 'c').flatMap(new Split()).executeAndCollect();
  const b = await env.fromElements('a b', 'c').flatMap((l: string) => l.split(' ')).executeAndCollect();
  const c = await env.fromElements(1, 2, 3, 4).filter({ filter: (n) => n % 2 === 0 }).map({ map: (n) => n * 10 }).executeAndCollect();
  assert.deepEqual(a, ['a', 'b', 'c']);
  assert.deepEqual(b, ['a', 'b', 'c']);
  assert.deepEqual(c, [20, 40]);
});

test('lifecycle: open(ctx) then records then close(), once per parallel instance, each on its own copy', async () => {
  const events: string[] = [];
  class Tag extends RichMapFunction<number, string> {
    prefix = '';
    override open(ctx: RuntimeContext) {
      this.prefix = `${ctx.getIndexOfThisSubtask()}/${ctx.getNumberOfParallelSubtasks()}`;
      events.push(`open ${this.prefix} ${ctx.getTaskName()}`);
    }
    map(n: number) {
      return `${this.prefix}:${n}`;
    }
    override close() {
      events.push(`close ${this.prefix}`);
    }
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const out = await env.fromElements(1, 2, 3, 4).rebalance().map(new Tag()).name('tagger').executeAndCollect();
  assert.deepEqual(out.sort(), ['0/2:1', '0/2:3', '1/2:2', '1/2:4']);
  assert.deepEqual(events.sort(), ['close 0/2', 'close 1/2', 'open 0/2 tagger', 'open 1/2 tagger']);
});

test('keyBy: per-key order is kept; rolling reduce, sum/min/max/minBy/maxBy by field', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
  const rows = [
    { k: 'a', n: 3, t: 1 },
    { k: 'b', n: 1, t: 2 },
    { k: 'a', n: 1, t: 3 },
    { k: 'a', n: 5, t: 4 },
  ];
  const keyed = () => env.fromCollection(rows).keyBy('k');
  const sum = await keyed().sum('n').executeAndCollect();
  assert.deepEqual(sum.filter((r) => r.k === 'a').map((r) => [r.n, r.t]), [[3, 1], [4, 1], [9, 1]], 'other fields from the first record');
  const min = await keyed().min('n').executeAndCollect();
  assert.deepEqual(min.filter((r) => r.k === 'a').map((r) => [r.n, r.t]), [[3, 1], [1, 1], [1, 1]]);
  const maxBy = await keyed().maxBy('n').executeAndCollect();
  assert.deepEqual(maxBy.filter((r) => r.k === 'a').map((r) => r.t), [1, 1, 4]);
  const minBy = await keyed().minBy('n').executeAndCollect();
  assert.deepEqual(minBy.filter((r) => r.k === 'a').map((r) => r.t), [1, 3, 3]);
  const max = await keyed().max('n').executeAndCollect();
  assert.deepEqual(max.filter((r) => r.k === 'a').map((r) => r.n), [3, 3, 5]);
  const tuples = await env.fromElements<[string, number]>(['x', 1], ['x', 2]).keyBy((t) => t[0]).sum(1).executeAndCollect();
  assert.deepEqual(tuples, [['x', 1], ['x', 3]]);
  const numbers = await env.fromElements(1, 2, 3).keyBy(() => 0).sum().executeAndCollect();
  assert.deepEqual(numbers, [1, 3, 6]);
  const avg = await env
    .fromElements(2, 4, 9)
    .keyBy(() => 'all')
    .aggregate({ createAccumulator: () => [0, 0] as [number, number], add: (v, [s, n]) => [s + v, n + 1] as [number, number], getResult: ([s, n]) => s / n, merge: (a, b) => [a[0] + b[0], a[1] + b[1]] as [number, number] })
    .executeAndCollect();
  assert.deepEqual(avg, [2, 3, 5]);
});

test('map/filter/flatMap after keyBy may use keyed state', async () => {
  class Dedupe extends RichMapFunction<string, string | null> {
    seen!: ValueState<boolean>;
    override open(ctx: RuntimeContext) {
      this.seen = ctx.getState(new ValueStateDescriptor<boolean>('seen', false));
    }
    map(v: string) {
      if (this.seen.value()) return null;
      this.seen.update(true);
      return v;
    }
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const out = await env.fromElements('a', 'b', 'a', 'c', 'b').keyBy((s) => s).map(new Dedupe()).filter((v) => v !== null).executeAndCollect();
  assert.deepEqual(out.sort(), ['a', 'b', 'c']);
});

test('keyed state outside a keyed stream fails when the function opens, saying to keyBy', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  class Bad extends RichMapFunction<number, number> {
    override open(ctx: RuntimeContext) {
      ctx.getState(new ValueStateDescriptor('x'));
    }
    map(n: number) {
      return n;
    }
  }
  await assert.rejects(env.fromElements(1).map(new Bad()).executeAndCollect(), /keyed state only works on a keyed stream: call keyBy/);
});

test('process function with side outputs; union; connect with CoMap', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const odd = new OutputTag<number>('odd');
  class Route extends ProcessFunction<number, number> {
    processElement(n: number, ctx: ProcessContext, out: Collector<number>) {
      if (n % 2) ctx.output(odd, n);
      else out.collect(n);
    }
  }
  const main = env.fromElements(1, 2, 3, 4).process(new Route());
  const sink = new TestSink<string>();
  main
    .map((n) => `even ${n}`)
    .union(main.getSideOutput(odd).map((n) => `odd ${n}`))
    .sinkTo(sink);
  await env.execute();
  assert.deepEqual(sink.values.sort(), ['even 2', 'even 4', 'odd 1', 'odd 3']);

  const env2 = StreamExecutionEnvironment.getExecutionEnvironment();
  const co = await env2
    .fromElements(1, 2)
    .connect(env2.fromElements('x'))
    .map({ map1: (n: number) => `n${n}`, map2: (s: string) => `s${s}` })
    .executeAndCollect();
  assert.deepEqual(co.sort(), ['n1', 'n2', 'sx']);
});

test('connected keyed streams share keyed state (KeyedCoProcessFunction)', async () => {
  class Enrich extends KeyedCoProcessFunction<string, { user: string; name: string }, { user: string; amount: number }, string> {
    name!: ValueState<string>;
    override open(ctx: RuntimeContext) {
      this.name = ctx.getState(new ValueStateDescriptor<string>('name', '?'));
    }
    processElement1(u: { user: string; name: string }) {
      this.name.update(u.name);
    }
    processElement2(o: { user: string; amount: number }, ctx: KeyedContext<string>, out: Collector<string>) {
      out.collect(`${ctx.getCurrentKey()} ${this.name.value()} ${o.amount}`);
    }
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
  const users = env.fromElements({ user: 'u1', name: 'Ada' }, { user: 'u2', name: 'Bob' });
  const orders = env.fromElements({ user: 'u1', amount: 5 }, { user: 'u2', amount: 7 });
  // Run users first (bounded, processed before orders in this in-process runtime as they are polled first).
  const out = await users.connect(orders).keyBy((u) => u.user, (o) => o.user).process(new Enrich()).executeAndCollect();
  assert.equal(out.length, 2);
  for (const line of out) assert.match(line, /^(u1 (Ada|\?) 5|u2 (Bob|\?) 7)$/);
});

test('print() prefixes the subtask when parallel', async () => {
  const lines: string[] = [];
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  env.fromElements('a', 'b').rebalance().sinkTo(new PrintSink<string>('out', { write: (l) => void lines.push(l) }));
  await env.execute();
  assert.deepEqual(lines.sort(), ['out:1> a', 'out:2> b']);
});

test('function copies per subtask: #private classes with a no-arg constructor work; with arguments they are rejected at parallelism > 1', async () => {
  class Counter implements MapFunction<number, string> {
    #seen = 0;
    map(n: number) {
      this.#seen++;
      return `${n}:${this.#seen}`;
    }
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const out = await env.fromElements(1, 2, 3, 4).rebalance().map(new Counter()).executeAndCollect();
  assert.deepEqual(out.sort(), ['1:1', '2:1', '3:2', '4:2']);

  class Threshold implements MapFunction<number, boolean> {
    #limit: number;
    constructor(limit: number) {
      this.#limit = limit;
    }
    map(n: number) {
      return n > this.#limit;
    }
  }
  assert.deepEqual(await env.fromElements(1, 5).map(new Threshold(2)).setParallelism(1).executeAndCollect(), [false, true]);
  await assert.rejects(env.fromElements(1, 5).map(new Threshold(2)).executeAndCollect(), /uses #private members and a constructor with parameters/);
});

test('addSink accepts a RichSinkFunction (invoke, open, close), one copy per subtask', async () => {
  const seen: string[] = [];
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  env
    .fromElements('a', 'b')
    .rebalance()
    .addSink({
      prefix: '',
      open(ctx: { subtaskIndex: number }) {
        this.prefix = `${ctx.subtaskIndex}`;
      },
      invoke(v: string) {
        seen.push(`${this.prefix}:${v}`);
      },
      close() {
        seen.push(`close ${this.prefix}`);
      },
    } as { prefix: string; open(c: { subtaskIndex: number }): void; invoke(v: string): void; close(): void });
  await env.execute();
  assert.deepEqual(seen.sort(), ['0:a', '1:b', 'close 0', 'close 1']);
});

test('executeAndStream: records as an async iterator; break cancels the job; failures are thrown', async () => {
  const { GeneratorSource, WatermarkStrategy } = await import('sluice');
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const got: number[] = [];
  for await (const n of env.fromSource(new GeneratorSource((i) => i), WatermarkStrategy.noWatermarks(), 'endless').map((i) => i * 2).executeAndStream('live', { highWaterMark: 16 })) {
    got.push(n);
    if (got.length === 50) break;
  }
  assert.equal(got.length, 50);
  const bounded: string[] = [];
  for await (const s of env.fromElements('a', 'b').executeAndStream()) bounded.push(s);
  assert.deepEqual(bounded, ['a', 'b']);
  const failing = env.fromElements(1).map(() => {
    throw new Error('nope');
  });
  await assert.rejects(async () => {
    for await (const _ of failing.executeAndStream()) void _;
  }, /nope/);
});

test('the execution plan as data', () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  env.fromElements(1, 2).map((n) => n).keyBy((n) => n % 2).sum().print();
  const plan = env.getExecutionPlanJson('p');
  assert.deepEqual(
    plan.stages.map((s) => [s.id, s.parallelism, s.operators.map((o) => o.name), s.inputs.map((i) => i.partitioning)]),
    [
      [0, 1, ['Source: Collection Source'], []],
      [1, 2, ['Map'], ['rebalance']],
      [2, 2, ['Sum()', 'Sink: Print to Std. Out'], ['hash']],
    ],
  );
});

test('a "#" inside a string is not a private member: such classes are copied normally', async () => {
  class Tagger implements MapFunction<string, string> {
    readonly tag: string;
    constructor(tag: string) {
      this.tag = tag;
    }
    map(v: string) {
      return `#${this.tag} ${v}`;
    }
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const out = await env.fromElements('a', 'b').rebalance().map(new Tagger('x')).executeAndCollect();
  assert.deepEqual(out.sort(), ['#x a', '#x b']);
});
