// Session windows merge when an element bridges two sessions (out of order within the bound).
import { EventTimeSessionWindows, type DataStream, type StreamExecutionEnvironment } from 'sluice';
import { events, type Event, type GoldenContext } from '../lib.ts';

export function build(env: StreamExecutionEnvironment, input: string[], ctx: GoldenContext): DataStream<string> {
  return events(env, input, 5000, ctx)
    .keyBy((e) => e.key)
    .window(EventTimeSessionWindows.withGap<Event>(3000))
    .process<string>((key, c, els, out) => {
      const sum = els.reduce((s, e) => s + e.value, 0);
      out.collect(`${key} [${c.window().start},${c.window().end}) n=${els.length} sum=${sum}`);
    });
}
