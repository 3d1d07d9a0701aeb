/**
 * The two engine workloads and their hand-written equivalents. Events are generated from their
 * index, identically for the engine and the plain loops.
 */
import {
  GeneratorSource,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type AggregateFunction,
} from '../../src/index.ts';

export const KEYS = 100_000;
export const WINDOW_MS = 10_000;
export const BOUND_MS = 1_000;
const BASE = 1_700_000_000_000;

export interface Event {
  key: number;
  ts: number;
  value: number;
}

/** 100 events per ms of event time, up to 499 ms out of order, keys spread over KEYS. */
export function makeEvent(i: number): Event {
  return { key: (i * 7919) % KEYS, ts: BASE + Math.floor(i / 100) - ((i * 31) % 500), value: i & 1023 };
}

export interface Result {
  records: number;
  checksum: number;
}

// (a) map -> filter ---------------------------------------------------------------------------

export async function engineMapFilter(n: number): Promise<Result> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
  const res: Result = { records: 0, checksum: 0 };
  env
    .fromSource(new GeneratorSource(makeEvent, { count: n }), WatermarkStrategy.noWatermarks<Event>(), 'events')
    .map((e) => e.value * 2 + 1)
    .filter((v) => v % 3 !== 0)
    .addSink((v) => {
      res.records++;
      res.checksum = (res.checksum + v) % 1_000_000_007;
    });
  await env.execute('bench-map-filter');
  return res;
}

export function loopMapFilter(n: number): Result {
  const res: Result = { records: 0, checksum: 0 };
  for (let i = 0; i < n; i++) {
    const e = makeEvent(i);
    const v = e.value * 2 + 1;
    if (v % 3 !== 0) {
      res.records++;
      res.checksum = (res.checksum + v) % 1_000_000_007;
    }
  }
  return res;
}

// (b) keyBy -> 10 s tumbling event-time window count ------------------------------------------

const count: AggregateFunction<Event, number, number> = {
  createAccumulator: () => 0,
  add: (_e, acc) => acc + 1,
  getResult: (acc) => acc,
  merge: (a, b) => a + b,
};

function addToChecksum(res: Result, key: number, windowEnd: number, n: number): void {
  res.records++;
  res.checksum = (res.checksum + ((key * 31 + windowEnd / WINDOW_MS) % 1_000_003) * n) % 1_000_000_007;
}

export async function engineWindowCount(n: number): Promise<Result> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
  const res: Result = { records: 0, checksum: 0 };
  env
    .fromSource(
      new GeneratorSource(makeEvent, { count: n }),
      WatermarkStrategy.forBoundedOutOfOrderness<Event>(BOUND_MS).withTimestampAssigner((e) => e.ts),
      'events',
    )
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(WINDOW_MS))
    .aggregate<number, number, readonly [number, number, number]>(count, (key: number, ctx, counts, out) => out.collect([key, ctx.window().end, counts[0]!] as const))
    .addSink(([key, end, c]) => addToChecksum(res, key, end, c));
  await env.execute('bench-window-count');
  return res;
}

/** The same computation as a plain loop: per-window maps, fired when the watermark passes. */
export function loopWindowCount(n: number): Result {
  const res: Result = { records: 0, checksum: 0 };
  const windows = new Map<number, Map<number, number>>();
  let maxTs = Number.NEGATIVE_INFINITY;
  const fire = (watermark: number): void => {
    for (const [start, counts] of windows) {
      if (start + WINDOW_MS - 1 > watermark) continue;
      for (const [key, c] of counts) addToChecksum(res, key, start + WINDOW_MS, c);
      windows.delete(start);
    }
  };
  for (let i = 0; i < n; i++) {
    const e = makeEvent(i);
    if (e.ts > maxTs) maxTs = e.ts;
    const start = e.ts - (e.ts % WINDOW_MS);
    let counts = windows.get(start);
    if (counts === undefined) windows.set(start, (counts = new Map()));
    counts.set(e.key, (counts.get(e.key) ?? 0) + 1);
    if ((i & 0xffff) === 0) fire(maxTs - BOUND_MS - 1);
  }
  fire(Number.POSITIVE_INFINITY);
  return res;
}

// (c) keyBy at parallelism 4 -> keyed map -> sink: the key -> subtask exchange on every record ------

export const KEYED_PARALLELISM = 4;

export async function engineKeyedExchange(n: number): Promise<Result> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: KEYED_PARALLELISM });
  const res: Result = { records: 0, checksum: 0 };
  env
    .fromSource(new GeneratorSource(makeEvent, { count: n }), WatermarkStrategy.noWatermarks<Event>(), 'events')
    .setParallelism(1)
    .keyBy((e) => e.key)
    .map((e) => e.value + e.key)
    .addSink((v) => {
      res.records++;
      res.checksum = (res.checksum + v) % 1_000_000_007;
    });
  await env.execute('bench-keyed-exchange');
  return res;
}

export function loopKeyedExchange(n: number): Result {
  const res: Result = { records: 0, checksum: 0 };
  for (let i = 0; i < n; i++) {
    const e = makeEvent(i);
    res.records++;
    res.checksum = (res.checksum + e.value + e.key) % 1_000_000_007;
  }
  return res;
}
