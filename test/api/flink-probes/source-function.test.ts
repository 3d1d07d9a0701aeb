// Probes of Flink's legacy SourceFunction (env.addSource(new MySource())), as Flink's docs and
// examples write sources: run(ctx) with collect / collectWithTimestamp / emitWatermark, cancel().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamExecutionEnvironment, TumblingEventTimeWindows, type SourceContext, type SourceFunction } from 'sluice';

test('a SourceFunction with its own timestamps and watermarks feeds event-time windows; the job ends when run() returns', async () => {
  class Clicks implements SourceFunction<string> {
    isRunning = true;
    async run(ctx: SourceContext<string>): Promise<void> {
      const events: [string, number][] = [['a', 1000], ['b', 2000], ['a', 9000], ['a', 11_000], ['b', 3000]];
      for (const [user, ts] of events) {
        if (!this.isRunning) return;
        ctx.collectWithTimestamp(user, ts);
        ctx.emitWatermark({ getTimestamp: () => ts - 1 });
        await new Promise((r) => setImmediate(r));
      }
    }
    cancel(): void {
      this.isRunning = false;
    }
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out = await env
    .addSource(new Clicks())
    .keyBy((u) => u)
    .window(TumblingEventTimeWindows.of(10_000))
    .process<string>({ process: (k, ctx, els, o) => o.collect(`${k}@${ctx.window().start}:${els.length}`) })
    .executeAndCollect();
  // b at 3000 is late (the watermark was already 10999): dropped, as Flink would.
  assert.deepEqual(out.sort(), ['a@0:2', 'a@10000:1', 'b@0:1']);
});

test('cancel() is called when the job stops before run() returns; a synchronous run() works too', async () => {
  let cancelled = false;
  const endless: SourceFunction<number> = {
    async run(ctx) {
      for (let i = 0; !cancelled; i++) {
        ctx.collect(i);
        await new Promise((r) => setImmediate(r));
      }
    },
    cancel() {
      cancelled = true;
    },
  };
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  assert.deepEqual(await env.addSource(endless).executeAndCollect(3), [0, 1, 2]);
  assert.equal(cancelled, true);
  const sync: SourceFunction<string> = {
    run(ctx) {
      for (const w of ['x', 'y', 'z']) ctx.collect(w);
    },
    cancel() {},
  };
  assert.deepEqual(await env.addSource(sync).map((w) => w.toUpperCase()).executeAndCollect(), ['X', 'Y', 'Z']);
});

test('an error thrown by run() fails the job', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const broken: SourceFunction<number> = {
    run() {
      throw new Error('cannot connect');
    },
    cancel() {},
  };
  await assert.rejects(env.addSource(broken).executeAndCollect(), /cannot connect/);
});
