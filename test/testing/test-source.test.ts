import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamExecutionEnvironment, WatermarkStrategy, TumblingEventTimeWindows } from 'sluice';
import { ManualClock, TestSink, TestSource } from 'sluice/testing';

test('test source: source timestamps, explicit watermarks; test sink sees timestamps and subtasks', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const sink = new TestSink<string>();
  env
    .fromSource(new TestSource<string>().emit('a', 1).emit('b', 2).watermark(10_000).emit('late', 3), WatermarkStrategy.noWatermarks(), 'src')
    .keyBy((s) => s)
    .window(TumblingEventTimeWindows.of(10_000))
    .process<string>((k, _c, els, out) => out.collect(`${k}${els.length}`))
    .sinkTo(sink);
  await env.execute();
  assert.deepEqual(sink.values.sort(), ['a1', 'b1'], "the explicit watermark made 'late' late");
  assert.deepEqual([...new Set(sink.records.map((r) => r.timestamp))], [9999]);
});

test('advanceTime needs a manual clock', () => {
  assert.throws(() => new TestSource().advanceTime(1), /needs a ManualClock/);
  const clock = new ManualClock(5);
  let moved = 0;
  const off = clock.onAdvance(() => moved++);
  clock.advance(1);
  clock.set(10);
  off();
  clock.advance(1);
  assert.equal(moved, 2);
  assert.equal(clock.now(), 11);
});

test('a TestSource that advances another clock than the job clock is a configuration error', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ clock: new ManualClock() });
  const s = env.fromSource(new TestSource<string>({ clock: new ManualClock() }).emit('a').advanceTime(5), WatermarkStrategy.noWatermarks(), 'src');
  await assert.rejects(s.executeAndCollect(), /not the job clock/);
});
