import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FileSource, GeneratorSource, InputStatus, JobCancelledError, KeyedProcessFunction, StreamExecutionEnvironment,
  TumblingEventTimeWindows, ValueStateDescriptor, WatermarkStrategy, type Collector, type KeyedContext, type OnTimerContext,
  type RuntimeContext, type Source, type ValueState,
} from 'sluice';
import { ManualClock, TestSink, TestSource } from 'sluice/testing';

const tick = () => new Promise((r) => setTimeout(r, 5));
/** Waits for `condition` (the job runs in this process: on a loaded machine one tick may not be enough). */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (const end = Date.now() + 60_000; !condition(); await tick()) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

test('executeAndCollect(limit) stops an unbounded job', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const out = await env.fromSource(new GeneratorSource((i) => i), WatermarkStrategy.noWatermarks(), 'endless').map((i) => i * 2).executeAndCollect(100);
  assert.equal(out.length, 100);
});

test('cancel() ends an unbounded job with JobCancelledError', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const sink = new TestSink<number>();
  env.fromSource(new TestSource<number>().emit(1).keepOpen(), WatermarkStrategy.noWatermarks(), 'open').sinkTo(sink);
  const client = await env.executeAsync('open');
  try {
    await until(() => sink.values.length > 0, 'the first record');
    assert.deepEqual(sink.values, [1]);
    assert.equal(client.getJobStatus(), 'RUNNING');
  } finally {
    client.cancel();
  }
  await assert.rejects(client.result, JobCancelledError);
  assert.equal(client.getJobStatus(), 'CANCELED');
});

class Reminder extends KeyedProcessFunction<string, string, string> {
  count!: ValueState<number>;
  override open(ctx: RuntimeContext) {
    this.count = ctx.getState(new ValueStateDescriptor<number>('count', 0));
  }
  processElement(v: string, ctx: KeyedContext<string>) {
    this.count.update(this.count.value() + 1);
    ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 1000);
  }
  override onTimer(ts: number, ctx: OnTimerContext<string>, out: Collector<string>) {
    out.collect(`${ctx.getCurrentKey()}:${this.count.value()}@${ts}:${ctx.timeDomain()}:${ctx.timestamp()}`);
  }
}

test('processing-time timers fire when the manual clock advances', async () => {
  const clock = new ManualClock(0);
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ clock, parallelism: 2 });
  const sink = new TestSink<string>();
  env
    .fromSource(new TestSource<string>({ clock }).emit('a').emit('b').emit('a').advanceTime(500).emit('b').keepOpen(), WatermarkStrategy.noWatermarks(), 'in')
    .keyBy((s) => s)
    .process(new Reminder())
    .sinkTo(sink);
  const client = await env.executeAsync('timers');
  await tick();
  assert.deepEqual(sink.values, []);
  clock.advance(500);
  await until(() => sink.values.length >= 2, 'the timers at 1000');
  assert.deepEqual(sink.values.sort(), ['a:2@1000:PROCESSING_TIME:1000', 'b:2@1000:PROCESSING_TIME:1000']);
  const metrics = client.getMetrics();
  assert.deepEqual(metrics.sources, [{ uid: 'source-in-0', subtaskIndex: 0, recordsOut: 4, ended: false }]);
  const keyed = metrics.operators.filter((m) => m.name === 'KeyedProcess');
  assert.equal(keyed.reduce((n, m) => n + m.keyedStateEntries, 0), 2);
  assert.equal(keyed.reduce((n, m) => n + m.processingTimeTimers, 0), 1, 'b has a timer at 1500 left');
  assert.equal(metrics.operators.filter((m) => m.name === 'Sink').reduce((n, m) => n + (m.recordsIn ?? 0), 0), 2);
  clock.advance(500);
  await until(() => sink.values.length >= 3, 'the timer at 1500');
  assert.deepEqual(sink.values.slice(2), ['b:2@1500:PROCESSING_TIME:1500']);
  assert.equal(sink.records[2]!.timestamp, undefined, 'processing-time timer outputs carry no timestamp');
  client.cancel();
  await client.result.catch(() => {});
});

test('batch mode fires pending processing-time timers at the end of input; streaming drops them', async () => {
  for (const [mode, expected] of [['batch', 2], ['streaming', 0]] as const) {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ runtimeMode: mode, clock: new ManualClock(0) });
    const out = await env.fromElements('a', 'b').keyBy((s) => s).process(new Reminder()).executeAndCollect();
    assert.equal(out.length, expected, mode);
  }
});

test('savepoint, then restore into a job with a different parallelism', async () => {
  const build = (env: StreamExecutionEnvironment, src: Source<string>, sink: TestSink<string>) =>
    env.fromSource(src, WatermarkStrategy.noWatermarks(), 'in').keyBy((s) => s).map(new CountingMap()).uid('counter').sinkTo(sink);
  const env1 = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const sink1 = new TestSink<string>();
  build(env1, new TestSource<string>().emitAll(['a', 'b', 'a', 'c']).keepOpen(), sink1);
  const client = await env1.executeAsync('first');
  await tick();
  const savepoint = structuredClone(await client.triggerSavepoint());
  client.cancel();
  await client.result.catch(() => {});
  assert.deepEqual(sink1.values.sort(), ['a=1', 'a=2', 'b=1', 'c=1']);
  assert.ok('counter' in savepoint.operators, 'state is keyed by the operator uid');
  assert.equal(savepoint.operators.counter!.length, 2, 'one snapshot per subtask');

  const env2 = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
  const sink2 = new TestSink<string>();
  build(env2, new CollectionSourceOf(['a', 'b', 'c', 'd']), sink2);
  await env2.execute('second', { restoreFrom: { ...savepoint, sources: {} } });
  assert.deepEqual(sink2.values.sort(), ['a=3', 'b=2', 'c=2', 'd=1']);
});

class CountingMap {
  n!: ValueState<number>;
  open(ctx: RuntimeContext) {
    this.n = ctx.getState(new ValueStateDescriptor<number>('n', 0));
  }
  map(s: string) {
    this.n.update(this.n.value() + 1);
    return `${s}=${this.n.value()}`;
  }
}

class CollectionSourceOf<T> implements Source<T> {
  readonly maxParallelism = 1;
  readonly items: T[];
  constructor(items: T[]) {
    this.items = items;
  }
  getBoundedness() {
    return 'bounded' as const;
  }
  createReader() {
    let i = 0;
    return {
      pollNext: (out: { collect(v: T): void }) => (i < this.items.length ? (out.collect(this.items[i++]!), InputStatus.MORE_AVAILABLE) : InputStatus.END_OF_INPUT),
      isAvailable: () => Promise.resolve(),
    };
  }
}

test('a source reader with splits gets per-split watermarks (minimum over splits)', async () => {
  // Two "partitions" in one reader: p1 lags; windows wait for it.
  const source: Source<{ p: string; ts: number }> = {
    providesTimestamps: true,
    getBoundedness: () => 'bounded',
    createReader: () => {
      const rows = [
        { p: 'p0', ts: 1000 },
        { p: 'p0', ts: 15_000 },
        { p: 'p1', ts: 2000 },
        { p: 'p1', ts: 16_000 },
      ];
      let i = 0;
      return {
        pollNext(out) {
          // Splits (partitions) are announced when assigned, before their records arrive.
          if (i === 0) for (const p of ['p0', 'p1']) out.createOutputForSplit(p);
          const r = rows[i++];
          if (r === undefined) return InputStatus.END_OF_INPUT;
          out.createOutputForSplit(r.p).collect(r, r.ts);
          return InputStatus.MORE_AVAILABLE;
        },
        isAvailable: () => Promise.resolve(),
      };
    },
  };
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ autoWatermarkInterval: 'every-record' });
  const fired: string[] = [];
  env
    .fromSource(source, WatermarkStrategy.forMonotonousTimestamps(), 'split-source')
    .keyBy(() => 'all')
    .window(TumblingEventTimeWindows.of(10_000))
    .process<string>((_k, ctx, els, out) => out.collect(`${ctx.window().start}:${els.map((e) => e.p + e.ts).join(',')}:wm=${ctx.currentWatermark()}`))
    .addSink((v) => void fired.push(v));
  await env.execute();
  // If p0's watermark alone counted, [0,10000) would fire before p1's 2000 arrived.
  assert.deepEqual(fired, ['0:p01000,p12000:wm=14999', '10000:p015000,p116000:wm=Infinity']);
});

test('file source reads lines (files split over subtasks); iterables and async iterables as sources', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-'));
  writeFileSync(join(dir, 'a.txt'), 'one\ntwo\r\nthree');
  writeFileSync(join(dir, 'b.txt'), 'four\n\nfive\n');
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const lines = await env.fromSource(FileSource.forLines(join(dir, 'a.txt'), join(dir, 'b.txt')), WatermarkStrategy.noWatermarks(), 'files').executeAndCollect();
  assert.deepEqual(lines.sort(), ['', 'five', 'four', 'one', 'three', 'two']);

  const env2 = StreamExecutionEnvironment.getExecutionEnvironment();
  async function* gen() {
    for (let i = 0; i < 3; i++) {
      await tick();
      yield i;
    }
  }
  assert.deepEqual(await env2.addSource(gen()).executeAndCollect(), [0, 1, 2]);
  assert.deepEqual(await env2.addSource(new Set(['x', 'y'])).executeAndCollect(), ['x', 'y']);
  assert.deepEqual(await env2.fromSequence(1, 5).executeAndCollect(), [1, 2, 3, 4, 5]);
});

test('the generator source can be rate limited by the job clock', async () => {
  const clock = new ManualClock(0);
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ clock });
  const sink = new TestSink<number>();
  env.fromSource(new GeneratorSource((i) => i, { count: 100, ratePerSecond: 10 }), WatermarkStrategy.noWatermarks(), 'slow').sinkTo(sink);
  const client = await env.executeAsync();
  await until(() => sink.values.length >= 1, 'the first record');
  await tick();
  assert.equal(sink.values.length, 1);
  clock.advance(1000);
  await until(() => sink.values.length >= 11, 'a second of records');
  await tick();
  assert.equal(sink.values.length, 11);
  client.cancel();
  await client.result.catch(() => {});
});

test('the execution plan shows stages cut at exchanges', () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 4 });
  env
    .fromSource(new GeneratorSource((i) => i, { count: 10 }), WatermarkStrategy.noWatermarks(), 'gen')
    .map((i) => i)
    .filter(() => true)
    .keyBy((i) => i % 3)
    .reduce((a, b) => a + b)
    .rebalance()
    .print();
  const plan = env.getExecutionPlan('plan');
  assert.match(plan, /stage 0 \(parallelism 4\): Source: gen \[source-gen-0\] -> Map \[map-1\] -> Filter \[filter-2\]/);
  assert.match(plan, /stage 1 \(parallelism 4\) <- hash from stage 0: Keyed Reduce/);
  assert.match(plan, /stage 2 \(parallelism 4\) <- rebalance from stage 1: Sink: Print to Std. Out/);
});

test('an asynchronous sink can pause the input while writes are in flight, flush at the end, and fail the job', async () => {
  const written: number[] = [];
  let maxInFlight = 0;
  const asyncSink = (failOn?: number): Source<never> & { createWriter: unknown } =>
    ({
      createWriter: (ctx: { backpressure?: { hold(): void; release(): void }; fail?: (e: Error) => void }) => {
        let inFlight = 0;
        const pending = new Set<Promise<void>>();
        return {
          write: (v: number) => {
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            if (inFlight >= 8) ctx.backpressure?.hold();
            const p: Promise<void> = new Promise<void>((r) => setTimeout(r, 1)).then(() => {
              pending.delete(p);
              if (v === failOn) return ctx.fail?.(new Error(`write ${v} failed`));
              written.push(v);
              if (--inFlight < 8) ctx.backpressure?.release();
            });
            pending.add(p);
          },
          flush: async () => {
            while (pending.size > 0) await Promise.all([...pending]);
          },
        };
      },
    }) as never;
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.fromSource(new GeneratorSource((i) => i, { count: 200 }), WatermarkStrategy.noWatermarks(), 'gen').sinkTo(asyncSink() as never);
  await env.execute();
  assert.equal(written.length, 200);
  assert.ok(maxInFlight <= 8 + 64, `in flight ${maxInFlight}`);

  const env2 = StreamExecutionEnvironment.getExecutionEnvironment();
  env2.fromSource(new GeneratorSource((i) => i), WatermarkStrategy.noWatermarks(), 'endless').sinkTo(asyncSink(50) as never);
  await assert.rejects(env2.execute(), /write 50 failed/);
});

test('windows and timers survive a savepoint restored at another parallelism', async () => {
  const build = (env: StreamExecutionEnvironment, src: Source<{ k: string; ts: number }>, sink: TestSink<string>) =>
    env
      .fromSource(src, WatermarkStrategy.forMonotonousTimestamps<{ k: string; ts: number }>().withTimestampAssigner((e) => e.ts), 'in')
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(10_000))
      .aggregate<number, number, string>({ createAccumulator: () => 0, add: (_e, n) => n + 1, getResult: (n) => n, merge: (a, b) => a + b }, (k, c, [n], out) =>
        out.collect(`${k}@${c.window().start}=${n}`),
      )
      .uid('counts')
      .sinkTo(sink);
  const first = ['a', 'b', 'c', 'd', 'e'].flatMap((k, i) => [{ k, ts: 1000 + i }, { k, ts: 2000 + i }]);
  const env1 = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const sink1 = new TestSink<string>();
  build(env1, new TestSource<{ k: string; ts: number }>().emitAll(first).keepOpen(), sink1);
  const client = await env1.executeAsync();
  await tick();
  const savepoint = structuredClone(await client.triggerSavepoint());
  client.cancel();
  await client.result.catch(() => {});
  assert.deepEqual(sink1.values, [], 'nothing fired yet');

  const env2 = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
  const sink2 = new TestSink<string>();
  build(env2, new CollectionSourceOf([{ k: 'a', ts: 3000 }, { k: 'e', ts: 12_000 }]), sink2);
  await env2.execute('restored', { restoreFrom: { ...savepoint, sources: {} } });
  assert.deepEqual(sink2.values.sort(), ['a@0=3', 'b@0=2', 'c@0=2', 'd@0=2', 'e@0=2', 'e@10000=1']);
});
