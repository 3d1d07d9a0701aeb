// BATCH execution mode, as Flink's execution_mode.md describes it: blocking stages, broadcast
// inputs before keyed ones, keyed input grouped key by key in timestamp order with each key's
// timers fired when the key is done, final-only rolling aggregates, no late data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KeyedCoProcessFunction, KeyedProcessFunction, MapStateDescriptor, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy,
  type Collector, type KeyedBroadcastContext, type KeyedContext, type OnTimerContext, type ReadOnlyBroadcastContext, type RuntimeMode,
} from 'sluice';
import { ManualClock } from 'sluice/testing';

interface Ev {
  key: string;
  ts: number;
  v: number;
}
const ev = (key: string, ts: number, v = 1): Ev => ({ key, ts, v });
const env = (mode: RuntimeMode, parallelism = 1) =>
  StreamExecutionEnvironment.getExecutionEnvironment({ runtimeMode: mode, parallelism, clock: new ManualClock(0), autoWatermarkInterval: 'every-record' });
const timed = (e: StreamExecutionEnvironment, items: Ev[]) =>
  e.fromCollection(items).assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Ev>(0).withTimestampAssigner((x) => x.ts));

test('BATCH reads the broadcast side completely before the keyed side; streaming does not wait', async () => {
  const rules = new MapStateDescriptor<string, number>('rules');
  const run = async (mode: RuntimeMode): Promise<string[]> => {
    const e = env(mode, 2);
    const events = e.fromElements(ev('a', 1, 10), ev('b', 2, 60), ev('a', 3, 70));
    const ruleStream = e.fromElements(['big', 50] as [string, number]).broadcast(rules);
    return events
      .keyBy((x) => x.key)
      .connect(ruleStream)
      .process<string>({
        processElement(x: Ev, ctx: ReadOnlyBroadcastContext & KeyedContext<string>, out: Collector<string>) {
          const min = ctx.getBroadcastState(rules).get('big');
          out.collect(`${x.key} ${x.v} ${min === undefined ? 'no rule yet' : x.v >= min ? 'big' : 'small'}`);
        },
        processBroadcastElement(r: [string, number], ctx: KeyedBroadcastContext, out: Collector<string>) {
          ctx.getBroadcastState(rules).put(r[0], r[1]);
          ctx.applyToKeyedState(new MapStateDescriptor<string, number>('unused'), (k) => out.collect(`keyed state of ${String(k)}`));
        },
      })
      .executeAndCollect();
  };
  assert.deepEqual((await run('batch')).sort(), ['a 10 small', 'a 70 big', 'b 60 big']);
  // Streaming polls the event source first: its records arrive before the rule.
  assert.deepEqual((await run('streaming')).sort(), ['a 10 no rule yet', 'a 70 no rule yet', 'b 60 no rule yet']);
});

test('BATCH: rolling reduce, sum, min, max, minBy, maxBy and aggregate emit only the final value of each key, at +Infinity', async () => {
  const items = [ev('a', 1, 3), ev('b', 2, 5), ev('a', 3, 1), ev('a', 4, 7), ev('b', 5, 2)];
  const e = env('batch', 3);
  const keyed = () => e.fromCollection(items).keyBy((x) => x.key);
  const fmt = (op: string) => (x: Ev) => `${op} ${x.key} ${x.ts} ${x.v}`;
  const streams = [
    keyed().reduce((x, y) => ({ ...x, v: x.v * 10 + y.v })).map(fmt('reduce')),
    keyed().sum('v').map(fmt('sum')),
    keyed().min('v').map(fmt('min')),
    keyed().max('v').map(fmt('max')),
    keyed().minBy('v').map(fmt('minBy')),
    keyed().maxBy('v').map(fmt('maxBy')),
    keyed()
      .aggregate({ createAccumulator: () => 0, add: (x: Ev, n: number) => n + x.v, getResult: (n: number) => `aggregate ${n}`, merge: (x: number, y: number) => x + y })
      .process<string>((s, ctx, out) => out.collect(`${s} @${ctx.timestamp()}`)),
  ];
  const out = await streams[0]!.union(...streams.slice(1)).executeAndCollect();
  assert.deepEqual(out.sort(), [
    'aggregate 11 @Infinity', 'aggregate 7 @Infinity',
    'max a 1 7', 'max b 2 5', 'maxBy a 4 7', 'maxBy b 2 5', 'min a 1 1', 'min b 2 2', 'minBy a 3 1', 'minBy b 5 2',
    'reduce a 1 317', 'reduce b 2 52', 'sum a 1 11', 'sum b 2 7',
  ]);
});

class Tracer extends KeyedProcessFunction<string, Ev, string> {
  processElement(x: Ev, ctx: KeyedContext<string>, out: Collector<string>): void {
    out.collect(`record ${x.key}@${x.ts} watermark ${ctx.timerService().currentWatermark()}`);
    ctx.timerService().registerEventTimeTimer(x.ts + 1000);
    ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 60_000);
  }
  override onTimer(ts: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
    out.collect(`timer ${ctx.getCurrentKey()} ${ts} ${ctx.timeDomain()} watermark ${ctx.timerService().currentWatermark()}`);
    ctx.timerService().registerEventTimeTimer(ts + 1); // ignored: the key is done
  }
}

test('BATCH: keyed input arrives key by key in timestamp order; a key\'s timers fire when it is done', async () => {
  const items = [ev('b', 30), ev('a', 20), ev('b', 10), ev('a', 5), ev('c', 1)];
  const out = await timed(env('batch'), items).keyBy((x) => x.key).process(new Tracer()).executeAndCollect();
  const key = (k: string, t1: number, t2?: number): string[] => [
    `record ${k}@${t1} watermark -Infinity`,
    ...(t2 === undefined ? [] : [`record ${k}@${t2} watermark -Infinity`]),
    `timer ${k} ${t1 + 1000} EVENT_TIME watermark Infinity`,
    ...(t2 === undefined ? [] : [`timer ${k} ${t2 + 1000} EVENT_TIME watermark Infinity`]),
    `timer ${k} 60000 PROCESSING_TIME watermark Infinity`,
  ];
  assert.deepEqual(out, [...key('b', 10, 30), ...key('a', 5, 20), ...key('c', 1)]);
});

test('BATCH: two keyed inputs are merged key by key, in timestamp order across both', async () => {
  const e = env('batch');
  const left = timed(e, [ev('x', 5), ev('y', 1), ev('x', 1)]);
  const right = timed(e, [ev('y', 3), ev('x', 3), ev('x', 7)]);
  const out = await left
    .connect(right)
    .keyBy((l) => l.key, (r) => r.key)
    .process(
      new (class extends KeyedCoProcessFunction<string, Ev, Ev, string> {
        processElement1(l: Ev, _c: KeyedContext<string>, o: Collector<string>) {
          o.collect(`L ${l.key}@${l.ts}`);
        }
        processElement2(r: Ev, _c: KeyedContext<string>, o: Collector<string>) {
          o.collect(`R ${r.key}@${r.ts}`);
        }
      })(),
    )
    .executeAndCollect();
  assert.deepEqual(out, ['L x@1', 'R x@3', 'L x@5', 'R x@7', 'L y@1', 'R y@3']);
});

test('BATCH keeps records that streaming drops as late', async () => {
  const items = [ev('a', 1000), ev('a', 12_000), ev('a', 2000)];
  const count = async (mode: RuntimeMode) =>
    timed(env(mode), items)
      .keyBy((x) => x.key)
      .window(TumblingEventTimeWindows.of(10_000))
      .process<string>((k, c, els, out) => out.collect(`${k} [${c.window().start}) ${els.length}`))
      .executeAndCollect();
  assert.deepEqual(await count('streaming'), ['a [0) 1', 'a [10000) 1']);
  assert.deepEqual(await count('batch'), ['a [0) 2', 'a [10000) 1']);
});

test('BATCH stages are blocking: a stage starts once the stage before it has finished', async () => {
  const run = async (mode: RuntimeMode): Promise<string[]> => {
    const log: string[] = [];
    await env(mode)
      .fromElements(1, 2, 3)
      .map((n) => (log.push(`map ${n}`), n))
      .keyBy((n) => n % 2)
      .process<number>((n, _c, out) => (log.push(`keyed ${n}`), out.collect(n)))
      .executeAndCollect();
    return log;
  };
  assert.deepEqual(await run('batch'), ['map 1', 'map 2', 'map 3', 'keyed 1', 'keyed 3', 'keyed 2']);
  assert.deepEqual(await run('streaming'), ['map 1', 'keyed 1', 'map 2', 'keyed 2', 'map 3', 'keyed 3']);
});

test('BATCH: async I/O in a later stage is drained; executeAndCollect(limit) stops a BATCH job', async () => {
  const e = env('batch', 2);
  const out = await e
    .fromSequence(1, 200)
    .keyBy((n) => n % 7)
    .sum()
    .mapAsync(async (n: number) => n * 2, { capacity: 3 })
    .executeAndCollect();
  const sums = Array.from({ length: 7 }, (_, k) => Array.from({ length: 200 }, (_, i) => i + 1).filter((n) => n % 7 === k).reduce((a, b) => a + b, 0) * 2);
  assert.deepEqual(out.sort((a, b) => a - b), sums.sort((a, b) => a - b));
  const few = await env('batch').fromSequence(1, 10_000).keyBy((n) => n % 100).process<number>((n, _c, o) => o.collect(n)).executeAndCollect(5);
  assert.ok(few.length >= 5 && few.length < 10_000, `stopped early (${few.length} records)`);
});

test('RuntimeExecutionMode.BATCH (Flink\'s name) and upper-case modes are accepted; an unknown mode is refused, not run as streaming', async () => {
  const { RuntimeExecutionMode } = await import('sluice');
  const e = StreamExecutionEnvironment.getExecutionEnvironment().setRuntimeMode(RuntimeExecutionMode.BATCH);
  assert.equal(e.getRuntimeMode(), 'batch');
  assert.deepEqual(await e.fromElements(1, 2, 3).keyBy(() => 0).sum().executeAndCollect(), [6]);
  assert.equal(e.setRuntimeMode('AUTOMATIC').getRuntimeMode(), 'automatic');
  assert.throws(() => e.setRuntimeMode('bach' as never), /runtime mode must be 'streaming', 'batch' or 'automatic'/);
  assert.throws(() => StreamExecutionEnvironment.getExecutionEnvironment({ runtimeMode: 'Streamin' as never }), /runtime mode must be/);
});

test('BATCH: a final rolling value (timestamp +Infinity) fed into an event-time window fails with a clear error instead of vanishing', async () => {
  const e = env('batch');
  const job = timed(e, [ev('a', 1), ev('a', 2)])
    .keyBy((x) => x.key)
    .sum('v')
    .windowAll(TumblingEventTimeWindows.of(1000))
    .process<string>((_c, els, out) => out.collect(String(els.length)));
  await assert.rejects(job.executeAndCollect(), (err: Error & { code?: string }) => err.code === 'SLUICE_MISSING_TIMESTAMP' && /timestamp Infinity/.test(err.message));
});
