// Punctuated watermarks equal to the event's own timestamp: the record leaves before the
// watermark its generator emits for it (Flink's SourceOutputWithWatermarks order), so the event
// at ts=9 still counts in [0,10). Generated in the source and in assignTimestampsAndWatermarks.
import {
  CollectionSource, TumblingEventTimeWindows, WatermarkStrategy, type DataStream, type StreamExecutionEnvironment,
  type WatermarkGenerator, type WatermarkOutput,
} from 'sluice';
import { countAgg, parseEvents, type Event, type GoldenContext } from '../lib.ts';

class WatermarkAtEachEvent implements WatermarkGenerator<Event> {
  onEvent(_e: Event, ts: number, out: WatermarkOutput): void {
    out.emitWatermark(ts);
  }
  onPeriodicEmit(): void {}
}

const punctuated = WatermarkStrategy.forGenerator<Event>(() => new WatermarkAtEachEvent()).withTimestampAssigner((e) => e.ts);

function counts(stream: DataStream<Event>, label: string): DataStream<string> {
  return stream
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(10))
    .aggregate<number, number, string>(countAgg, (key, c, n, out) => out.collect(`${label} ${key} [${c.window().start},${c.window().end}) count=${n[0]}`));
}

export function build(env: StreamExecutionEnvironment, input: string[], _ctx: GoldenContext): DataStream<string> {
  const items = parseEvents(input);
  const inSource = env.fromSource(new CollectionSource(items), punctuated, 'in source');
  const assigned = env.fromCollection(items).assignTimestampsAndWatermarks(punctuated);
  return counts(inSource, 'source').union(counts(assigned, 'assigner'));
}
