// Late elements within allowed lateness re-fire their window; later ones go to the side output.
// BATCH has no late data (Flink: "perfect watermarks"): every element lands in its window, each
// window fires once, the side output stays empty (expected-batch).
import { OutputTag, TumblingEventTimeWindows, type DataStream, type StreamExecutionEnvironment } from 'sluice';
import { countAgg, events, type Event, type GoldenContext } from '../lib.ts';

export const modes = [
  { mode: 'streaming', parallelism: 1 },
  { mode: 'streaming', parallelism: 4 },
  { mode: 'streaming', parallelism: 2, lmdb: true },
  { mode: 'batch', parallelism: 1 },
  { mode: 'batch', parallelism: 4 },
];

export function build(env: StreamExecutionEnvironment, input: string[], ctx: GoldenContext): DataStream<string> {
  const late = new OutputTag<Event>('late');
  const counts = events(env, input, 0, ctx)
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(10_000))
    .allowedLateness(5_000)
    .sideOutputLateData(late)
    .aggregate<number, number, string>(countAgg, (key, c, n, out) => out.collect(`${key} [${c.window().start},${c.window().end}) count=${n[0]}`));
  return counts.union(counts.getSideOutput(late).map((e) => `LATE ${e.key}@${e.ts}`));
}
