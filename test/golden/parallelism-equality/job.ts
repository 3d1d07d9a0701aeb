// Results do not depend on parallelism: keys are spread over subtasks by hash, per-key order is
// kept. Windows, rolling aggregates and a keyed process function at parallelism 1, 2, 3, 4 and 8.
// In BATCH mode maxBy emits only the final value of each key (Flink: rolling operations are not
// rolling in BATCH): expected-batch holds those final results.
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

/** A maxBy line is final when it is its key's last; the other results are final as they are. */
export const finalKey = (line: string): string => (line.startsWith('maxBy ') ? line.split(' ').slice(0, 2).join(' ') : line);
