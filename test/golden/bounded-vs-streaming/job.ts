// The same job over the same data gives the same results bounded or unbounded (an open source
// whose last watermark is +infinity), at parallelism 1 and 4. In BATCH mode the rolling sum emits
// only the final value of each key (Flink: rolling operations are not rolling in BATCH), so BATCH
// gives the final results (expected-batch): the windows, and the last rolling value per key.
import { TumblingEventTimeWindows, type DataStream, type StreamExecutionEnvironment } from 'sluice';
import { events, type Event, type GoldenContext } from '../lib.ts';

export const modes = [
  { mode: 'streaming', parallelism: 1 },
  { mode: 'streaming', parallelism: 4 },
  { mode: 'batch', parallelism: 1 },
  { mode: 'batch', parallelism: 4 },
  { mode: 'streaming', parallelism: 1, unbounded: true },
  { mode: 'streaming', parallelism: 4, unbounded: true },
];

const stats = {
  createAccumulator: () => ({ n: 0, sum: 0, max: Number.NEGATIVE_INFINITY }),
  add: (e: Event, a: { n: number; sum: number; max: number }) => ({ n: a.n + 1, sum: a.sum + e.value, max: Math.max(a.max, e.value) }),
  getResult: (a: { n: number; sum: number; max: number }) => a,
  merge: (a: { n: number; sum: number; max: number }, b: { n: number; sum: number; max: number }) => ({ n: a.n + b.n, sum: a.sum + b.sum, max: Math.max(a.max, b.max) }),
};

export function build(env: StreamExecutionEnvironment, input: string[], ctx: GoldenContext): DataStream<string> {
  const evs = events(env, input, 3000, ctx);
  const windowed = evs
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(10_000))
    .aggregate<{ n: number; sum: number; max: number }, { n: number; sum: number; max: number }, string>(stats, (key, c, [s], out) =>
      out.collect(`window ${key} [${c.window().start},${c.window().end}) n=${s!.n} sum=${s!.sum} max=${s!.max}`),
    );
  const rolling = evs
    .map((e) => ({ ...e }))
    .keyBy((e) => e.key)
    .sum('value')
    .map((e) => `rolling ${e.key} ${e.value}`);
  return windowed.union(rolling);
}

/** A window result is final as it is; a rolling line is final when it is its key's last. */
export const finalKey = (line: string): string => (line.startsWith('rolling ') ? line.split(' ').slice(0, 2).join(' ') : line);
