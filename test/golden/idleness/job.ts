// An idle input does not hold back the watermark: source B goes silent (but stays open); after
// the idle timeout (processing time, manual clock) windows fire on source A's watermark alone.
import { TumblingEventTimeWindows, WatermarkStrategy, type DataStream, type StreamExecutionEnvironment } from 'sluice';
import { TestSource } from 'sluice/testing';
import { countAgg, type Event, type GoldenContext } from '../lib.ts';

export const modes = [
  { mode: 'streaming', parallelism: 1 },
  { mode: 'streaming', parallelism: 4 },
];
export const unbounded = true;
export const autoWatermarkInterval = 1000;

export function build(env: StreamExecutionEnvironment, input: string[], ctx: GoldenContext): DataStream<string> {
  const sources = { A: new TestSource<Event>({ clock: ctx.clock }), B: new TestSource<Event>({ clock: ctx.clock }) };
  for (const line of input) {
    const [src, op, a, b] = line.split(/\s+/) as ['A' | 'B', string, string, string];
    if (op === 'emit') sources[src].emit({ key: a, ts: Number(b), value: 1 });
    else sources[src].advanceTime(Number(a));
  }
  const strategy = WatermarkStrategy.forBoundedOutOfOrderness<Event>(0)
    .withTimestampAssigner((e) => e.ts)
    .withIdleness(3000);
  const a = env.fromSource(sources.A.keepOpen(), strategy, 'A');
  const b = env.fromSource(sources.B.keepOpen(), strategy, 'B');
  return a
    .union(b)
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(10_000))
    .aggregate<number, number, string>(countAgg, (key, c, n, out) => out.collect(`${key} [${c.window().start},${c.window().end}) count=${n[0]}`));
}
