// Shared helpers of the golden jobs: parsing input lines and building event-time streams.
import { CollectionSource, MAX_WATERMARK, WatermarkStrategy, type DataStream, type StreamExecutionEnvironment } from 'sluice';
import { TestSource, type ManualClock } from 'sluice/testing';

export interface Event {
  key: string;
  ts: number;
  value: number;
}

/** `key,timestamp[,value]` per line; blank lines and `#` comments are skipped by the runner. */
export function parseEvents(lines: readonly string[]): Event[] {
  return lines.map((l) => {
    const [key, ts, value] = l.split(',').map((s) => s.trim());
    return { key: key!, ts: Number(ts), value: value === undefined ? 1 : Number(value) };
  });
}

export interface GoldenContext {
  clock: ManualClock;
  /** Feed the input through an unbounded source that emits a final +infinity watermark. */
  unbounded: boolean;
  /** The job variant of this mode (e.g. which watermark generator or source), when the job has several. */
  variant: string | undefined;
}

/** Events with timestamps from the `ts` field, bounded out-of-orderness `bound` ms, assigned in the source. */
export function events(env: StreamExecutionEnvironment, lines: readonly string[], bound: number, ctx?: GoldenContext): DataStream<Event> {
  const items = parseEvents(lines);
  const strategy = WatermarkStrategy.forBoundedOutOfOrderness<Event>(bound).withTimestampAssigner((e) => e.ts);
  if (ctx?.unbounded) {
    const src = new TestSource<Event>({ clock: ctx.clock }).emitAll(items).watermark(MAX_WATERMARK).keepOpen();
    return env.fromSource(src, strategy, 'events');
  }
  return env.fromSource(new CollectionSource(items), strategy, 'events');
}

/** Count aggregate. */
export const countAgg = {
  createAccumulator: (): number => 0,
  add: (_e: unknown, acc: number): number => acc + 1,
  getResult: (acc: number): number => acc,
  merge: (a: number, b: number): number => a + b,
};
