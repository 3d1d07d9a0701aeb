import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CountTrigger, DeltaEvictor, DeltaTrigger, GlobalWindows, ProcessingTimeoutTrigger, PurgingTrigger, StreamExecutionEnvironment,
  WatermarkStrategy, type GlobalWindow, type Trigger,
} from 'sluice';
import { ManualClock, TestSink, TestSource } from 'sluice/testing';

const contents = (_k: string, _c: unknown, els: number[], out: { collect(v: string): void }) => out.collect(els.join(','));

test('DeltaTrigger fires when an element is more than the threshold away from the one that fired last', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out = await env
    .fromElements(0, 2, 4, 6, 7, 9, 12, 13)
    .keyBy(() => 'k')
    .window(GlobalWindows.create<number>())
    .trigger(DeltaTrigger.of<number, GlobalWindow>(5, (a, b) => Math.abs(a - b)))
    .process(contents)
    .executeAndCollect();
  // 0 is the reference; 6 is 6 away (fire, new reference 6); 12 is 6 away from 6 (fire). It never purges.
  assert.deepEqual(out, ['0,2,4,6', '0,2,4,6,7,9,12']);
  assert.throws(() => DeltaTrigger.of(Number.NaN, (a: number, b: number) => a - b), /threshold must be a number/);
});

test('DeltaEvictor removes every element at least the threshold away from the last one', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out = await env
    .fromElements(1, 9, 5, 10)
    .keyBy(() => 'k')
    .window(GlobalWindows.create<number>())
    .trigger(CountTrigger.of<GlobalWindow>(4))
    .evictor(DeltaEvictor.of<number, GlobalWindow>(3, { getDelta: (a, b) => Math.abs(a - b) }))
    .process(contents)
    .executeAndCollect();
  assert.deepEqual(out, ['9,10']);
});

async function timeoutRun(trigger: Trigger<number, GlobalWindow>, script: (s: TestSource<number>) => TestSource<number>): Promise<string[]> {
  const clock = new ManualClock(0);
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ clock });
  const sink = new TestSink<string>();
  env
    .fromSource(script(new TestSource<number>({ clock })), WatermarkStrategy.noWatermarks(), 'numbers')
    .keyBy(() => 'k')
    .window(GlobalWindows.create<number>())
    .trigger(trigger)
    .process((_k, ctx, els, out) => out.collect(`${els.join(',')}@${ctx.currentProcessingTime()}`))
    .sinkTo(sink);
  await env.execute('timeout');
  return sink.values;
}

test('ProcessingTimeoutTrigger: the nested trigger fires, or the timeout started by the first element does', async () => {
  const batches = await timeoutRun(PurgingTrigger.of(ProcessingTimeoutTrigger.of(CountTrigger.of<GlobalWindow>(3), 100)), (s) =>
    s.emit(1).emit(2).advanceTime(150).emit(3).emit(4).emit(5).emit(6).advanceTime(40).advanceTime(70),
  );
  // [1,2] by timeout at 100; [3,4,5] by count (clears the timer); [6] by its own timeout at 250.
  assert.deepEqual(batches, ['1,2@150', '3,4,5@150', '6@260']);
});

test('ProcessingTimeoutTrigger: resetTimerOnNewRecord restarts the timer with every element', async () => {
  const script = (s: TestSource<number>) => s.emit(1).advanceTime(80).emit(2).advanceTime(50).advanceTime(100);
  const nested = () => CountTrigger.of<GlobalWindow>(10);
  assert.deepEqual(await timeoutRun(PurgingTrigger.of(ProcessingTimeoutTrigger.of(nested(), 100)), script), ['1,2@130']);
  assert.deepEqual(await timeoutRun(PurgingTrigger.of(ProcessingTimeoutTrigger.of(nested(), 100, true)), script), ['1,2@230']);
});

test('ProcessingTimeoutTrigger: shouldClearOnTimeout clears the nested trigger state (the count restarts)', async () => {
  const script = (s: TestSource<number>) => s.emit(1).emit(2).advanceTime(150).emit(3).emit(4).emit(5);
  // Cleared: after the timeout the count starts again at 3 -> 3,4,5 fire together.
  assert.deepEqual(await timeoutRun(PurgingTrigger.of(ProcessingTimeoutTrigger.of(CountTrigger.of<GlobalWindow>(3), 100)), script), ['1,2@150', '3,4,5@150']);
  // Not cleared: the count is at 2 after the timeout, so 3 makes 3.
  assert.deepEqual(await timeoutRun(PurgingTrigger.of(ProcessingTimeoutTrigger.of(CountTrigger.of<GlobalWindow>(3), 100, false, false)), script), ['1,2@150', '3@150']);
});

test('GlobalWindows.createWithEndOfStreamTrigger fires every key once when the input ends', async () => {
  for (const mode of ['streaming', 'batch'] as const) {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2, runtimeMode: mode });
    const words = 'to be or not to be that is'.split(' ');
    const counts = await env
      .fromCollection(words)
      .keyBy((w) => w)
      .window(GlobalWindows.createWithEndOfStreamTrigger<string>())
      .process((w: string, _c, els, out) => out.collect(`${w}=${els.length}`))
      .executeAndCollect();
    assert.deepEqual(counts.sort(), ['be=2', 'is=1', 'not=1', 'or=1', 'that=1', 'to=2'], mode);
    const total = await env.fromCollection(words).windowAll(GlobalWindows.createWithEndOfStreamTrigger<string>()).process((_c, els, out) => out.collect(els.length)).executeAndCollect();
    assert.deepEqual(total, [8]);
  }
  const never = await StreamExecutionEnvironment.getExecutionEnvironment()
    .fromElements('a').keyBy((w) => w).window(GlobalWindows.create<string>()).process((w: string, _c, els, out) => out.collect(`${w}=${els.length}`)).executeAndCollect();
  assert.deepEqual(never, [], 'GlobalWindows.create() never fires by itself');
});
