// The worker's poll loop must not starve processing time: when sources always have input and
// each record costs time (here: every record advances the manual clock by 1 ms), periodic
// watermarks and processing-time timers still fire at their interval, as in Flink, where the
// mailbox runs due timers between records; and every source still gets its turn. Before: a round
// polled each reader up to 512 times (131,072 records of a KafkaSource) before any timer ran, so
// a CPU-heavy job saw its first watermark only at the end of its input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedProcessFunction, StreamExecutionEnvironment, WatermarkStrategy, type Collector, type KeyedContext, type OnTimerContext } from 'sluice';
import { ManualClock } from 'sluice/testing';

const N = 20_000;

interface Timed {
  n: number;
  ts: number;
}

class WatermarkTracer extends KeyedProcessFunction<number, Timed, string> {
  timerSet = false;
  processElement(r: Timed, ctx: KeyedContext<number>, out: Collector<string>): void {
    out.collect(`record ${r.ts} watermark ${ctx.timerService().currentWatermark()}`);
    if (!this.timerSet && r.ts >= 1000) {
      this.timerSet = true;
      ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 500);
    }
  }
  override onTimer(ts: number, ctx: OnTimerContext<number>, out: Collector<string>): void {
    out.collect(`timer ${ts} at ${ctx.timerService().currentProcessingTime()}`);
  }
}

for (const sources of [1, 2]) {
  test(`periodic watermarks and processing-time timers fire while ${sources} busy source subtask(s) still have input`, async () => {
    const clock = new ManualClock(0);
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1, clock, autoWatermarkInterval: 200 });
    const out = await env
      .fromSequence(0, N - 1)
      .setParallelism(sources)
      .map((n): Timed => {
        clock.advance(1); // 1 ms of "work" per record; its event time is when it was done
        return { n, ts: clock.now() };
      })
      .setParallelism(sources)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Timed>().withTimestampAssigner((r) => r.ts))
      .setParallelism(sources)
      .keyBy(() => 0)
      .process(new WatermarkTracer())
      .executeAndCollect();

    const records = out.filter((l) => l.startsWith('record')).map((l) => l.split(' ').map(Number));
    assert.equal(records.length, N);
    // A watermark every 200 ms (= 200 records), the minimum over the source subtasks: each must
    // have had its turn lately. Allow polls of up to 256 records and one turn of each source.
    for (const [, ts, , wm] of records) if (ts! >= 2_000) assert.ok(wm! >= ts! - 1_000 * sources, `the record of ${ts} saw the watermark ${wm}: periodic watermarks did not fire, or a source did not get its turn`);
    // The processing-time timer set at 1000 for +500 ms fired while records still flowed.
    const timer = out.findIndex((l) => l.startsWith('timer'));
    assert.ok(timer >= 0, 'the processing-time timer fired');
    assert.ok(timer < out.length - 1_000, `the timer fired before only the last ${out.length - timer - 1} records: processing-time timers starved`);
    const at = Number(out[timer]!.split(' ')[3]);
    assert.ok(at <= 1_500 + 1_000, `the timer due at about 1500 fired at ${at}`);
  });
}
