import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DataStreamUtils,
  KeyedProcessFunction,
  ProcessFunction,
  RichMapFunction,
  SluiceError,
  StreamExecutionEnvironment,
  UserFunctionError,
  WatermarkStrategy,
  subtaskForKey,
  type Collector,
  type KeyedContext,
  type ProcessContext,
  type RuntimeContext,
} from 'sluice';
import { TestSink, TestSource } from 'sluice/testing';

/** Tags each record with the index of the subtask that saw it. */
class Tag extends RichMapFunction<string, string> {
  index = -1;
  override open(ctx: RuntimeContext): void {
    this.index = ctx.getIndexOfThisSubtask();
  }
  map(v: string): string {
    return `${v}@${this.index}`;
  }
}
/** Emits `value>receiver wm=current watermark`. */
class Receive extends ProcessFunction<string, string> {
  index = -1;
  override open(ctx: RuntimeContext): void {
    this.index = ctx.getIndexOfThisSubtask();
  }
  processElement(v: string, ctx: ProcessContext, out: Collector<string>): void {
    out.collect(`${v}>${this.index} wm=${ctx.timerService().currentWatermark()}`);
  }
}

const letters = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + from + i));

test('rescale: each sender round-robins over its own block of receivers, and only they get its watermarks', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 4 });
  const sink = new TestSink<string>();
  const src = new TestSource<string>().emitAll(letters(8)).watermark(1000).emitAll(letters(8, 8));
  env
    .fromSource(src, WatermarkStrategy.noWatermarks(), 'letters')
    .map(new Tag()).setParallelism(2) // 1 -> 2: records alternate between the two senders
    .rescale()
    .process(new Receive()).setParallelism(4)
    .sinkTo(sink);
  await env.execute('rescale');
  const edges = new Set<string>();
  for (const v of sink.values) {
    const m = /^([a-p])@(\d)>(\d) wm=(.*)$/.exec(v)!;
    edges.add(`${m[2]}->${m[3]}`);
    // Records after the watermark see it: each receiver has exactly one (connected) sender.
    if (m[1]! >= 'i') assert.equal(m[4], '1000', v);
    else assert.equal(m[4], '-Infinity', v);
  }
  assert.deepEqual([...edges].sort(), ['0->0', '0->1', '1->2', '1->3']);
  // Round robin within the block: each receiver got 4 of the 16 records.
  for (const r of [0, 1, 2, 3]) assert.equal(sink.values.filter((v) => v.includes(`>${r} `)).length, 4);
});

test('rescale with more senders than receivers: blocks of senders feed one receiver', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 4 });
  const sink = new TestSink<string>();
  env.fromCollection(letters(16)).map(new Tag()).setParallelism(4).rescale().process(new Receive()).setParallelism(2).sinkTo(sink);
  await env.execute('rescale-in');
  const edges = new Set(sink.values.map((v) => /@(\d)>(\d)/.exec(v)!.slice(1).join('->')));
  assert.deepEqual([...edges].sort(), ['0->0', '1->0', '2->1', '3->1']);
  assert.match(env.getExecutionPlan(), /rescale from stage/);
});

test('shuffle: every record reaches exactly one receiver, spread over all of them, the same way in every run', async () => {
  const run = async (): Promise<string[]> => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 4 });
    const sink = new TestSink<string>();
    env.fromCollection(Array.from({ length: 400 }, (_, i) => `r${i}`)).shuffle().process(new Receive()).sinkTo(sink);
    await env.execute('shuffle');
    return sink.values;
  };
  const a = await run();
  assert.equal(a.length, 400);
  assert.equal(new Set(a.map((v) => v.split('>')[0])).size, 400);
  const perReceiver = [0, 1, 2, 3].map((r) => a.filter((v) => v.includes(`>${r} `)).length);
  for (const n of perReceiver) assert.ok(n > 60 && n < 140, `uneven shuffle ${perReceiver}`);
  assert.deepEqual((await run()).sort(), [...a].sort());
});

test('partitionCustom: the partitioner picks the receiver from the key; a bad index fails the job with a clear error', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
  const sink = new TestSink<string>();
  env
    .fromElements('apple', 'banana', 'cherry', 'avocado', 'blueberry')
    .partitionCustom({ partition: (first: string, n: number) => (first.charCodeAt(0) - 97) % n }, (s) => s[0]!)
    .process(new Receive())
    .sinkTo(sink);
  await env.execute('custom');
  assert.deepEqual(sink.values.map((v) => v.split(' ')[0]).sort(), ['apple>0', 'avocado>0', 'banana>1', 'blueberry>1', 'cherry>2']);

  const env2 = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  env2.fromElements('x').partitionCustom((_k: string, n: number) => n, (s) => s).print();
  await assert.rejects(env2.execute('bad'), (e: unknown) => e instanceof UserFunctionError && /must return an integer in \[0, 2\)/.test(e.message));
});

test('chaining: startNewChain and disableChaining cut stages; disableOperatorChaining cuts all; descriptions and slot sharing groups show in the plan', () => {
  const build = (env: StreamExecutionEnvironment, how: 'none' | 'head' | 'never') => {
    const a = env.fromElements(1).map((x) => x).name('a');
    const b = a.map((x) => x).name('b');
    if (how === 'head') b.startNewChain();
    if (how === 'never') b.disableChaining();
    b.map((x) => x).name('c').setDescription('the last map').slotSharingGroup('tail').print();
    return env.getExecutionPlanJson().stages.map((s) => s.operators.map((o) => o.name));
  };
  const env = () => StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
  assert.deepEqual(build(env(), 'none'), [['Source: Collection Source', 'a', 'b', 'c', 'Sink: Print to Std. Out']]);
  assert.deepEqual(build(env(), 'head'), [['Source: Collection Source', 'a'], ['b', 'c', 'Sink: Print to Std. Out']]);
  assert.deepEqual(build(env(), 'never'), [['Source: Collection Source', 'a'], ['b'], ['c', 'Sink: Print to Std. Out']]);
  const off = env().disableOperatorChaining();
  assert.equal(off.isChainingEnabled(), false);
  assert.equal(build(off, 'none').length, 5);
  const e = env();
  build(e, 'none');
  const c = e.getExecutionPlanJson().stages[0]!.operators.find((o) => o.name === 'c')!;
  assert.equal(c.description, 'the last map');
  assert.equal(c.slotSharingGroup, 'tail');
  assert.match(e.getExecutionPlan(), /c \[c-3\] \(the last map\)/);
});

test('chaining settings do not change results', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 }).disableOperatorChaining();
  const out = await env.fromSequence(1, 10).map((n) => n * 2).disableChaining().filter((n) => n % 4 === 0).startNewChain().executeAndCollect();
  assert.deepEqual(out.sort((a, b) => a - b), [4, 8, 12, 16, 20]);
});

/** Counts per key and reports the subtask. */
class CountAt extends KeyedProcessFunction<string, string, string> {
  index = -1;
  n = new Map<string, number>();
  override open(ctx: RuntimeContext): void {
    this.index = ctx.getIndexOfThisSubtask();
  }
  processElement(v: string, ctx: KeyedContext<string>, out: Collector<string>): void {
    out.collect(`${ctx.getCurrentKey()}@${this.index}`);
  }
}

test('reinterpretAsKeyedStream: a stream partitioned by keyBy stays keyed through maps without a second exchange', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
  const sink = new TestSink<string>();
  const keys = Array.from({ length: 30 }, (_, i) => `k${i % 10}`);
  const mapped = env.fromCollection(keys).keyBy((k) => k).map((k) => k.toUpperCase());
  DataStreamUtils.reinterpretAsKeyedStream(mapped, (k: string) => k.toLowerCase()).process(new CountAt()).sinkTo(sink);
  await env.execute('reinterpret');
  assert.equal(sink.values.length, 30);
  for (const v of sink.values) {
    const [k, at] = v.split('@');
    assert.equal(Number(at), subtaskForKey(k!.toLowerCase(), 3), v);
  }
  const plan = env.getExecutionPlanJson();
  const inputs = plan.stages.flatMap((s) => s.inputs.map((i) => i.partitioning));
  assert.equal(inputs.filter((p) => p === 'hash').length, 1, 'one keyBy exchange only');
});

test('reinterpretAsKeyedStream on input that is not partitioned by the key fails instead of splitting state wrongly', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
  const rebalanced = env.fromCollection(Array.from({ length: 30 }, (_, i) => `k${i}`)).rebalance().map((k) => k);
  rebalanced.reinterpretAsKeyedStream((k) => k).process(new CountAt()).print();
  await assert.rejects(env.execute('wrong'), (e: unknown) => e instanceof SluiceError && e.code === 'SLUICE_NOT_PARTITIONED_BY_KEY' && /Use keyBy/.test(e.message));
});

test('project keeps tuple fields; forceNonParallel runs one subtask; setBufferTimeout is accepted', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
  env.setBufferTimeout(100);
  const tagged = env
    .fromElements<[number, number, string]>([1, 30, 'ann'], [2, 40, 'bob'])
    .rebalance()
    .project<[string, number]>(2, 0)
    .map(new Tag() as unknown as RichMapFunction<[string, number], string>)
    .forceNonParallel()
    .setBufferTimeout(0);
  tagged.sinkTo(new TestSink<string>());
  const plan = env.getExecutionPlanJson('p');
  assert.ok(plan.stages.some((s) => s.parallelism === 1 && s.operators.some((o) => o.maxParallelism === 1 && o.name === 'Map')));
  const out = await tagged.executeAndCollect();
  assert.deepEqual(out.sort(), ['ann,1@0', 'bob,2@0']);
  assert.throws(() => env.fromElements([1]).project(), /one or more indexes/);
});
