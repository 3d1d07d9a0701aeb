// Probes of async I/O written from Flink's documentation (Asynchronous I/O for External Data
// Access): an AsyncFunction completes a ResultFuture with a collection of results (zero, one or
// more), timeout(input, resultFuture) may complete it instead of failing, and an exceptional
// completion fails the job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncDataStream, StreamExecutionEnvironment, UserFunctionError, type AsyncFunction, type ResultFuture } from 'sluice';
import { ManualClock, TestSource } from 'sluice/testing';
import { WatermarkStrategy } from 'sluice';

/**
 * Flink's documentation example, as a TypeScript user would port it. The "database" answers 'a'
 * only after it answered 'c' (no timing involved), so unordered output shows completion order.
 */
class AsyncDatabaseRequest implements AsyncFunction<string, [string, string]> {
  cDone!: Promise<void>;
  releaseA!: () => void;
  open(): void {
    this.cDone = new Promise((resolve) => (this.releaseA = resolve));
  }
  asyncInvoke(key: string, resultFuture: ResultFuture<[string, string]>): void {
    const answered = key === 'a' ? this.cDone : Promise.resolve();
    void answered.then(() => {
      resultFuture.complete([[key, `value-of-${key}`]]);
      if (key === 'c') this.releaseA();
    });
  }
}

test('AsyncFunction completing a ResultFuture (Flink\'s example), ordered and unordered', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const ordered = await AsyncDataStream.orderedWait(env.fromElements('a', 'b', 'c'), new AsyncDatabaseRequest(), 1000, 100).executeAndCollect();
  assert.deepEqual(ordered, [['a', 'value-of-a'], ['b', 'value-of-b'], ['c', 'value-of-c']]);
  const unordered = await AsyncDataStream.unorderedWait(env.fromElements('a', 'b', 'c'), new AsyncDatabaseRequest(), 1000, 100).executeAndCollect();
  assert.deepEqual(unordered.map((r) => r[0]), ['b', 'c', 'a']);
});

test('a ResultFuture takes zero or more results; only its first completion counts', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out = await env
    .fromElements(0, 1, 2, 3)
    .mapAsync(
      (n: number, rf: ResultFuture<string>) => {
        rf.complete(Array.from({ length: n }, (_, i) => `${n}.${i}`));
        rf.complete(['ignored']);
      },
      { ordered: true },
    )
    .executeAndCollect();
  assert.deepEqual(out, ['1.0', '2.0', '2.1', '3.0', '3.1', '3.2']);
});

test('timeout(input, resultFuture) completes a call that took too long; completeExceptionally fails the job', async () => {
  const clock = new ManualClock(0);
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ clock });
  const never: AsyncFunction<string, string> = {
    asyncInvoke(): void {},
    timeout(input: string, rf: ResultFuture<string>): void {
      rf.complete([`${input} timed out`]);
    },
  };
  const src = new TestSource<string>({ clock }).emit('x').advanceTime(5000);
  const out = await AsyncDataStream.unorderedWait(env.fromSource(src, WatermarkStrategy.noWatermarks(), 'in'), never, 1000).executeAndCollect();
  assert.deepEqual(out, ['x timed out']);

  const failing = env.fromElements('y').mapAsync((_v: string, rf: ResultFuture<string>) => rf.completeExceptionally(new Error('db down')));
  await assert.rejects(failing.executeAndCollect(), (e: unknown) => e instanceof UserFunctionError && /db down/.test(String((e as Error).cause)));
});
