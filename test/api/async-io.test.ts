import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncDataStream, GeneratorSource, StreamExecutionEnvironment, TumblingEventTimeWindows, UserFunctionError, WatermarkStrategy } from 'sluice';
import { ManualClock, TestSource } from 'sluice/testing';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An async function whose calls for 1, 2, 3 complete in the order 2, 3, 1 whatever the load: the
 * call for 3 waits until the one for 2 has completed, the call for 1 until the one for 3 has (a
 * 30 ms sleep for 1 failed at load 20, when the calls for 2 and 3 started more than 30 ms later).
 */
function completingTwoThreeOne(): (n: number) => Promise<number> {
  const completed = new Map<number, () => void>();
  const done = new Map([1, 2, 3].map((n) => [n, new Promise<void>((resolve) => completed.set(n, resolve))] as const));
  // setImmediate: the operator has seen the earlier call complete (its promise reactions ran).
  const after = async (n: number) => (await done.get(n), await new Promise((r) => setImmediate(r)));
  return async (n: number) => {
    if (n === 1) await after(3);
    if (n === 3) await after(2);
    setImmediate(() => completed.get(n)!());
    return n * 10;
  };
}

test('orderedWait keeps the input order; unorderedWait emits as calls complete', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const ordered = await AsyncDataStream.orderedWait(env.fromElements(1, 2, 3), completingTwoThreeOne(), 0).executeAndCollect();
  assert.deepEqual(ordered, [10, 20, 30]);
  const unordered = await env.fromElements(1, 2, 3).mapAsync(completingTwoThreeOne()).executeAndCollect();
  assert.deepEqual(unordered, [20, 30, 10]);
});

test('capacity bounds the calls in flight; the job waits for all of them', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  let inFlight = 0;
  let max = 0;
  const out = await env
    .fromSource(new GeneratorSource((i) => i, { count: 500 }), WatermarkStrategy.noWatermarks(), 'gen')
    .mapAsync(
      async (n: number) => {
        inFlight++;
        max = Math.max(max, inFlight);
        await sleep(1);
        inFlight--;
        return n;
      },
      { capacity: 10, ordered: true },
    )
    .executeAndCollect();
  assert.equal(out.length, 500);
  assert.deepEqual(out.slice(0, 5), [0, 1, 2, 3, 4]);
  // A source call may emit a small batch after the limit is hit; the bound is soft but tight.
  assert.ok(max <= 10 + 64, `max in flight ${max}`);
});

test('unordered results never cross a watermark: windows after async I/O see every element', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ autoWatermarkInterval: 'every-record' });
  const events = Array.from({ length: 40 }, (_, i) => ({ ts: i * 250 }));
  const withTs = env.fromCollection(events).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ ts: number }>().withTimestampAssigner((e) => e.ts));
  const counts = await withTs
    .mapAsync(async (e) => {
      await sleep(e.ts % 1000 === 0 ? 15 : 0);
      return e;
    })
    .keyBy(() => 'all')
    .window(TumblingEventTimeWindows.of(1000))
    .process<number>((_k, _c, els, out) => out.collect(els.length))
    .executeAndCollect();
  assert.deepEqual(counts, Array(10).fill(4));
});

test('a rejected call fails the job naming the operator and the record', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const s = env.fromElements('ok', 'bad').mapAsync(async (v) => {
    if (v === 'bad') throw new Error('lookup failed');
    return v;
  });
  await assert.rejects(s.executeAndCollect(), (e: unknown) => e instanceof UserFunctionError && e.record === 'bad' && /lookup failed/.test(e.message));
});

test('timeouts run on the job clock: a timeout handler, or failure', async () => {
  const clock = new ManualClock(0);
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ clock });
  const never = () => new Promise<string>(() => {});
  const s = env
    .fromSource(new TestSource<string>({ clock }).emit('a').advanceTime(2000), WatermarkStrategy.noWatermarks(), 'in')
    .mapAsync({ asyncInvoke: never, timeout: (v: string) => `${v} timed out` }, { timeout: 1000 });
  assert.deepEqual(await s.executeAndCollect(), ['a timed out']);

  const env2 = StreamExecutionEnvironment.getExecutionEnvironment({ clock });
  const s2 = env2
    .fromSource(new TestSource<string>({ clock }).emit('b').advanceTime(2000), WatermarkStrategy.noWatermarks(), 'in')
    .mapAsync(never, { timeout: 1000 });
  await assert.rejects(s2.executeAndCollect(), /timed out after 1000 ms/);
});
