// Results do not depend on parallelism: keys are spread over subtasks by hash, per-key order is
// kept. Windows, rolling aggregates and a keyed process function at parallelism 1, 2, 3, 4 and 8.
import { SlidingEventTimeWindows, type DataStream, type StreamExecutionEnvironment } from 'sluice';
import { countAgg, events, type GoldenContext } from '../lib.ts';

export const modes = [1, 2, 3, 4, 8].map((parallelism) => ({ mode: 'streaming', parallelism })).concat([{ mode: 'batch', parallelism: 3 }]);

export function build(env: StreamExecutionEnvironment, input: string[], ctx: GoldenContext): DataStream<string> {
  const evs = events(env, input, 0, ctx);
  const windows = evs
    .keyBy((e) => e.key)
    .window(SlidingEventTimeWindows.of(20_000, 10_000))
    .aggregate<number, number, string>(countAgg, (k, c, [n], out) => out.collect(`w ${k} ${c.window().start} ${n}`));
  const maxBy = evs.keyBy((e) => e.key).maxBy('value').map((e) => `maxBy ${e.key} ${e.ts} ${e.value}`);
  const seq = evs
    .keyBy((e) => e.value % 3)
    .process<string>((e, c, out) => out.collect(`mod${c.getCurrentKey()} ${e.key}@${e.ts}`));
  return windows.union(maxBy, seq);
}
