// The golden matrix: the same event-time job gives identical results at parallelism 1, 2 and 4,
// with punctuated and periodic watermarks, from a non-parallel source (a collection, timestamps
// assigned after it) and from a parallel source (generator splits, timestamps in the source). The
// input has no late records under any split, so every result is deterministic. In BATCH mode the
// same job gives the final results (expected-batch): the same windows, sessions and timer
// results, and only the last rolling count of each key.
import {
  EventTimeSessionWindows, GeneratorSource, KeyedProcessFunction, ListStateDescriptor, TumblingEventTimeWindows, WatermarkStrategy,
  type Collector, type DataStream, type KeyedContext, type ListState, type OnTimerContext, type RuntimeContext,
  type StreamExecutionEnvironment, type WatermarkGenerator, type WatermarkOutput,
} from 'sluice';
import { parseEvents, type Event, type GoldenContext } from '../lib.ts';

const BOUND = 2000;
const variants = ['punctuated, collection', 'punctuated, parallel source', 'periodic, collection', 'periodic, parallel source'];
export const modes = [
  ...[1, 2, 4].flatMap((parallelism) => variants.map((variant) => ({ mode: 'streaming', parallelism, variant }))),
  ...[1, 2, 4].flatMap((parallelism) => [variants[2], variants[3]].map((variant) => ({ mode: 'batch', parallelism, variant }))),
  { mode: 'streaming', parallelism: 2, variant: variants[1], lmdb: true },
];

/** Punctuated: a watermark from every event, emitted after it (highest timestamp - bound - 1). */
class PunctuatedBound implements WatermarkGenerator<Event> {
  #max = Number.NEGATIVE_INFINITY;
  onEvent(_e: Event, ts: number, out: WatermarkOutput): void {
    this.#max = Math.max(this.#max, ts);
    out.emitWatermark(this.#max - BOUND - 1);
  }
  onPeriodicEmit(): void {}
}

/**
 * Event-time timers every 2 s of event time per key: at each, the number of the key's events up
 * to it. A timer fires once the watermark passes it, so every event at or before it has arrived.
 */
class CountAtTimers extends KeyedProcessFunction<string, Event, string> {
  seen!: ListState<number>;
  override open(ctx: RuntimeContext): void {
    this.seen = ctx.getListState(new ListStateDescriptor<number>('seen'));
  }
  processElement(e: Event, ctx: KeyedContext<string>): void {
    this.seen.add(e.ts);
    ctx.timerService().registerEventTimeTimer(Math.floor(e.ts / 2000) * 2000 + 2000);
  }
  override onTimer(ts: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
    out.collect(`timer ${ctx.getCurrentKey()} ${ts} n=${this.seen.get().filter((t) => t <= ts).length}`);
  }
}

const stats = {
  createAccumulator: () => ({ n: 0, sum: 0 }),
  add: (e: Event, a: { n: number; sum: number }) => ({ n: a.n + 1, sum: a.sum + e.value }),
  getResult: (a: { n: number; sum: number }) => a,
  merge: (a: { n: number; sum: number }, b: { n: number; sum: number }) => ({ n: a.n + b.n, sum: a.sum + b.sum }),
};

function source(env: StreamExecutionEnvironment, input: string[], variant: string): DataStream<Event> {
  const items = parseEvents(input);
  const base = variant.startsWith('punctuated')
    ? WatermarkStrategy.forGenerator<Event>(() => new PunctuatedBound())
    : WatermarkStrategy.forBoundedOutOfOrderness<Event>(BOUND);
  const strategy = base.withTimestampAssigner((e) => e.ts);
  if (variant.endsWith('parallel source')) return env.fromSource(new GeneratorSource((i) => items[i]!, { count: items.length }), strategy, 'splits');
  return env.fromCollection(items).assignTimestampsAndWatermarks(strategy);
}

export function build(env: StreamExecutionEnvironment, input: string[], ctx: GoldenContext): DataStream<string> {
  const evs = source(env, input, ctx.variant ?? variants[0]!);
  const tumbling = evs
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(5000))
    .aggregate<{ n: number; sum: number }, { n: number; sum: number }, string>(stats, (k, c, [s], out) =>
      out.collect(`tumbling ${k} [${c.window().start},${c.window().end}) n=${s!.n} sum=${s!.sum}`),
    );
  const sessions = evs
    .keyBy((e) => e.key)
    .window(EventTimeSessionWindows.withGap<Event>(1499))
    .process<string>((k, c, els, out) => out.collect(`session ${k} [${c.window().start},${c.window().end}) n=${els.length}`));
  const rolling = evs
    .map((e) => ({ ...e, value: 1 }))
    .keyBy((e) => e.key)
    .sum('value')
    .map((e) => `rolling ${e.key} ${e.value}`);
  const timers = evs.keyBy((e) => e.key).process(new CountAtTimers());
  return tumbling.union(sessions, rolling, timers);
}

/** A rolling count is final when it is its key's last; windows and timers are final as they are. */
export const finalKey = (line: string): string => (line.startsWith('rolling ') ? line.split(' ').slice(0, 2).join(' ') : line);
