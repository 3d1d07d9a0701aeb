/**
 * Every Nexmark query against its reference (plain loops over the same generated events, from the
 * SQL definitions: test/nexmark/reference.ts), in streaming mode at parallelism 1 and 4 (with a
 * watermark after every record, so windows and timers fire mid-stream) and in BATCH mode at
 * parallelism 1 and 4. Queries that emit updates are compared on the last row of each key.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StreamExecutionEnvironment, WatermarkStrategy, type DataStream, type RuntimeMode } from '../../src/index.ts';
import { NexmarkGenerator, nexmarkSource, nexmarkWatermarks, type NexmarkEvent } from '../../src/nexmark/index.ts';
import { ManualClock } from '../../src/testing/index.ts';
import { queryByName } from '../../benchmarks/nexmark/queries/index.ts';
import { q12 as q12Query } from '../../benchmarks/nexmark/queries/q12.ts';
import { ClockDrivenSource } from './clock-driven-source.ts';
import * as ref from './reference.ts';

const EVENTS = 40_000;
/** 500 events per second of event time: 80 s of data, so 10 s windows, sessions and auctions come and go. */
const CONFIG = { seed: 42, eventsPerSecond: 500 };
const generator = new NexmarkGenerator(CONFIG);
const events: NexmarkEvent[] = Array.from({ length: EVENTS }, (_, i) => generator.event(i));
const data = ref.split(events);

interface Mode {
  name: string;
  parallelism: number;
  runtimeMode: RuntimeMode;
}
const MODES: Mode[] = [
  { name: 'streaming, parallelism 1', parallelism: 1, runtimeMode: 'streaming' },
  { name: 'streaming, parallelism 4', parallelism: 4, runtimeMode: 'streaming' },
  { name: 'BATCH, parallelism 1', parallelism: 1, runtimeMode: 'batch' },
  { name: 'BATCH, parallelism 4', parallelism: 4, runtimeMode: 'batch' },
];

async function run(name: string, mode: Mode): Promise<unknown[]> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({
    parallelism: mode.parallelism,
    runtimeMode: mode.runtimeMode,
    autoWatermarkInterval: 'every-record',
    checkpointInterval: 0,
  });
  const rows: unknown[] = [];
  queryByName(name)
    .build(env.fromSource(nexmarkSource({ ...CONFIG, events: EVENTS }), nexmarkWatermarks(), 'nexmark'))
    .addSink((r) => void rows.push(r));
  await env.execute(`nexmark ${name}`);
  return rows;
}

/** JSON with sorted keys: rows compare by content, whatever the property order. */
function canon(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x,
  );
}
const sorted = (rows: readonly unknown[]): string[] => rows.map(canon).sort();

/** The last row of each key (the final value of an updating query). */
function lastPerKey(rows: readonly unknown[], key: (r: never) => string): unknown[] {
  const m = new Map<string, unknown>();
  for (const r of rows) m.set(key(r as never), r);
  return [...m.values()];
}

interface Case {
  expected: () => unknown[];
  /** For updating queries: the key of a row; rows are compared on the last one per key. */
  key?: (r: never) => string;
  /** Streaming: how many rows (updates) the query must emit in total. */
  streamingRows?: () => number;
}

const CASES: Record<string, Case> = {
  q0: { expected: () => ref.q0(data) },
  q1: { expected: () => ref.q1(data) },
  q2: { expected: () => ref.q2(data) },
  q3: { expected: () => ref.q3(data) },
  q4: { expected: () => ref.q4(data), key: (r: { category: number }) => String(r.category), streamingRows: () => ref.q9(data).length },
  q5: { expected: () => ref.q5(data) },
  q7: { expected: () => ref.q7(data) },
  q8: { expected: () => ref.q8(data) },
  q9: { expected: () => ref.q9(data) },
  q11: { expected: () => ref.q11(data) },
  q13: { expected: () => ref.q13(data) },
  q14: { expected: () => ref.q14(data) },
  q16: { expected: () => ref.q16(data), key: (r: { channel: string; day: string }) => `${r.channel}|${r.day}`, streamingRows: () => data.bids.length },
  q17: { expected: () => ref.q17(data), key: (r: { auction: number; day: string }) => `${r.auction}|${r.day}`, streamingRows: () => data.bids.length },
  q18: { expected: () => ref.q18(data), key: (r: { bidder: number; auction: number }) => `${r.bidder}|${r.auction}`, streamingRows: () => data.bids.length },
  q19: { expected: () => ref.q19(data), key: (r: { auction: number; rank_number: number }) => `${r.auction}|${r.rank_number}` },
  q20: { expected: () => ref.q20(data) },
  q21: { expected: () => ref.q21(data) },
  q22: { expected: () => ref.q22(data) },
};

describe('Nexmark queries match their reference', () => {
  test('the test data exercises the queries (no empty or trivial references)', () => {
    for (const [name, c] of Object.entries(CASES)) assert.ok(c.expected().length > 0, `${name}: the reference has no rows`);
    assert.ok(new Set(ref.q5(data).map((r) => r.starttime)).size > 30, 'q5: many sliding windows');
    assert.ok(new Set(ref.q7(data).map((r) => r.dateTime - (r.dateTime % 10_000))).size >= 8, 'q7: several tumbling windows');
    assert.ok(ref.q8(data).length >= 5 && ref.q3(data).length >= 5, 'q3 and q8 find matches');
    assert.ok(ref.q11(data).length > ref.q11(data).filter((r) => r.bid_count === 1).length, 'q11: sessions of several bids');
  });

  for (const [name, c] of Object.entries(CASES)) {
    for (const mode of MODES) {
      test(`${name}, ${mode.name}`, async () => {
        const rows = await run(name, mode);
        const actual = c.key ? lastPerKey(rows, c.key) : rows;
        assert.deepEqual(sorted(actual), sorted(c.expected()));
        if (c.streamingRows && mode.runtimeMode === 'streaming') assert.equal(rows.length, c.streamingRows(), `${name}: one update per input`);
      });
    }
  }
});

// Flink's BATCH mode emits only the final value of a rolling aggregate per key.
describe('BATCH mode: rolling aggregates emit one row per key', () => {
  const ROLLING: Record<string, () => number> = { q4: () => ref.q4(data).length, q17: () => ref.q17(data).length, q18: () => ref.q18(data).length };
  for (const [name, keys] of Object.entries(ROLLING)) {
    for (const mode of MODES.filter((m) => m.runtimeMode === 'batch')) {
      test(`${name}, ${mode.name}`, async () => {
        assert.equal((await run(name, mode)).length, keys());
      });
    }
  }
});

describe('q12 (processing-time windows) on a manual clock', () => {
  // Event i is processed at 3 ms * i of processing time: 120 s, 12 windows of 10 s.
  const procTimeOf = (i: number): number => 1_000_000 + 3 * i;
  const endTime = procTimeOf(EVENTS) + 20_000;

  async function runQ12(parallelism: number, runtimeMode: RuntimeMode): Promise<Array<{ bidder: number; bid_count: number; starttime: number; endtime: number }>> {
    const clock = new ManualClock(procTimeOf(0));
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism, runtimeMode, clock, checkpointInterval: 0 });
    const source = env.fromSource(new ClockDrivenSource(events, clock, procTimeOf, endTime), WatermarkStrategy.noWatermarks<NexmarkEvent>(), 'nexmark').setParallelism(1);
    const rows: Array<{ bidder: number; bid_count: number; starttime: number; endtime: number }> = [];
    q12Query(source as DataStream<NexmarkEvent>).addSink((r) => void rows.push(r));
    await env.execute('nexmark q12');
    return rows;
  }

  for (const parallelism of [1, 4]) {
    test(`streaming, parallelism ${parallelism}`, async () => {
      const expected = ref.q12(events, procTimeOf);
      assert.ok(new Set(expected.map((r) => r.starttime)).size >= 12);
      assert.deepEqual(sorted(await runQ12(parallelism, 'streaming')), sorted(expected));
    });
  }

  // In BATCH mode processing time is not tied to the input (Flink processes keyed input at the
  // end, sorted by key): only the invariants hold — every bid counted once, in aligned windows.
  test('BATCH, parallelism 4: every bid counted once', async () => {
    const rows = await runQ12(4, 'batch');
    assert.equal(rows.reduce((n, r) => n + r.bid_count, 0), data.bids.length);
    for (const r of rows) assert.equal(r.endtime - r.starttime, 10_000);
    assert.equal(new Set(rows.map((r) => `${r.bidder}@${r.starttime}`)).size, rows.length);
  });
});
