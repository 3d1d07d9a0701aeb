// Out-of-order events within the bound of the watermark strategy all land in their windows.
import { TumblingEventTimeWindows, type DataStream, type StreamExecutionEnvironment } from 'sluice';
import { countAgg, events, type GoldenContext } from '../lib.ts';

export function build(env: StreamExecutionEnvironment, input: string[], ctx: GoldenContext): DataStream<string> {
  return events(env, input, 2000, ctx)
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(5000))
    .aggregate<number, number, string>(countAgg, (key, c, counts, out) => out.collect(`${key} [${c.window().start},${c.window().end}) count=${counts[0]}`));
}
