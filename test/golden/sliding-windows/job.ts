// Sliding windows: every element is in size/slide windows; incremental reduce + window function.
import { SlidingEventTimeWindows, type DataStream, type StreamExecutionEnvironment } from 'sluice';
import { events, type Event, type GoldenContext } from '../lib.ts';

export function build(env: StreamExecutionEnvironment, input: string[], ctx: GoldenContext): DataStream<string> {
  return events(env, input, 5000, ctx)
    .keyBy((e) => e.key)
    .window(SlidingEventTimeWindows.of<Event>(10_000, 5_000))
    .reduce<string>(
      (a, b) => ({ ...a, value: a.value + b.value }),
      (key, c, sums, out) => out.collect(`${key} [${c.window().start},${c.window().end}) sum=${sums[0]!.value}`),
    );
}
