import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  InputStatus,
  StreamExecutionEnvironment,
  WatermarkStrategy,
  type ReaderOutput,
  type Source,
  type SourceOutput,
  type SourceReader,
  type SourceReaderContext,
} from 'sluice';
import { ManualClock, TestSink, TestSource } from 'sluice/testing';

interface Rec {
  split: string;
  ts: number;
}

/**
 * A reader with named splits: each poll emits up to `perPoll[split]` records of every split that
 * is not paused, then advances the job clock by `stepMs` (so the alignment updates between polls).
 * `usesSplits: false` emits everything through the reader's own output (no per-split control).
 */
class ScriptedSplits implements Source<Rec> {
  readonly maxParallelism = 1;
  readonly providesTimestamps = true;
  readonly pausesLog: string[] = [];
  readonly clock: ManualClock;
  readonly splits: Record<string, number[]>;
  readonly options: {
    perPoll?: Record<string, number>;
    stepMs?: number;
    usesSplits?: boolean;
    pausable?: boolean;
    /** After its first record the split emits nothing for this many polls (and goes idle with `idle`). */
    stall?: Record<string, { polls: number; idle: boolean }>;
  };
  constructor(clock: ManualClock, splits: Record<string, number[]>, options: ScriptedSplits['options'] = {}) {
    this.clock = clock;
    this.splits = splits;
    this.options = options;
  }
  getBoundedness(): 'bounded' {
    return 'bounded';
  }
  createReader(_ctx: SourceReaderContext): SourceReader<Rec> {
    const o = this.options;
    const queues = new Map(Object.entries(this.splits).map(([id, ts]) => [id, [...ts]]));
    const emitted = new Map<string, number>();
    const stalled = new Map<string, number>();
    const paused = new Set<string>();
    const outputs = new Map<string, SourceOutput<Rec>>();
    let wake: (() => void) | undefined;
    const reader: SourceReader<Rec> = {
      pollNext: (out: ReaderOutput<Rec>) => {
        for (const [id, q] of queues) {
          if (paused.has(id)) continue;
          if ((stalled.get(id) ?? 0) > 0) {
            stalled.set(id, stalled.get(id)! - 1);
            continue;
          }
          const target = o.usesSplits === false ? out : (outputs.get(id) ?? outputs.set(id, out.createOutputForSplit(id)).get(id)!);
          for (let n = 0; n < (o.perPoll?.[id] ?? 1) && q.length > 0; n++) {
            const ts = q.shift()!;
            target.collect({ split: id, ts }, ts);
            emitted.set(id, (emitted.get(id) ?? 0) + 1);
            const stall = o.stall?.[id];
            if (stall !== undefined && emitted.get(id) === 1) {
              stalled.set(id, stall.polls);
              if (stall.idle) target.markIdle();
              break;
            }
          }
          if (q.length === 0 && o.usesSplits !== false && outputs.has(id)) {
            out.releaseOutputForSplit(id);
            outputs.delete(id);
          }
        }
        if ([...queues.values()].every((q) => q.length === 0)) return InputStatus.END_OF_INPUT;
        this.clock.advance(o.stepMs ?? 10);
        return InputStatus.NOTHING_AVAILABLE;
      },
      isAvailable: () => {
        const ready = [...queues].some(([id, q]) => q.length > 0 && !paused.has(id));
        return ready ? Promise.resolve() : new Promise<void>((r) => (wake = r));
      },
    };
    if (o.pausable !== false) {
      reader.pauseOrResumeSplits = (pause, resume) => {
        for (const id of pause) paused.add(id);
        for (const id of resume) paused.delete(id);
        this.pausesLog.push(`pause[${pause.join(',')}] resume[${resume.join(',')}]`);
        if (resume.length > 0) wake?.();
      };
    }
    return reader;
  }
}

const range = (n: number, step: number): number[] => Array.from({ length: n }, (_, i) => i * step);

async function run(sources: Array<{ src: ScriptedSplits; group?: string; drift?: number }>, clock: ManualClock): Promise<Rec[]> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ clock, autoWatermarkInterval: 'every-record' });
  const sink = new TestSink<Rec>();
  const streams = sources.map(({ src, group, drift }, i) => {
    let strategy = WatermarkStrategy.forMonotonousTimestamps<Rec>();
    if (group !== undefined) strategy = strategy.withWatermarkAlignment(group, drift ?? 200, 10);
    return env.fromSource(src, strategy, `s${i}`);
  });
  streams[0]!.union(...streams.slice(1)).sinkTo(sink);
  await env.execute('alignment');
  return sink.values;
}

/** The largest lead of one split's watermark (before a record) over the slowest other active split at that moment. */
function maxLead(out: Rec[], splits: string[]): number {
  const wm = new Map(splits.map((s) => [s, Number.NEGATIVE_INFINITY]));
  const remaining = new Map(splits.map((s) => [s, out.filter((r) => r.split === s).length]));
  let lead = 0;
  for (const r of out) {
    const others = splits.filter((s) => s !== r.split && remaining.get(s)! > 0).map((s) => wm.get(s)!);
    if (others.length > 0 && wm.get(r.split)! > Number.NEGATIVE_INFINITY) lead = Math.max(lead, wm.get(r.split)! - Math.min(...others));
    wm.set(r.split, Math.max(wm.get(r.split)!, r.ts - 1));
    remaining.set(r.split, remaining.get(r.split)! - 1);
  }
  return lead;
}

test('watermark alignment pauses the split that runs ahead of the group and resumes it when the others catch up', async () => {
  const splits = { fast: range(31, 100), slow: range(31, 50) };
  const free = await run([{ src: new ScriptedSplits(new ManualClock(0), splits) }], new ManualClock(0));
  assert.ok(maxLead(free, ['fast', 'slow']) >= 1000, 'without alignment the fast split runs far ahead');

  const clock = new ManualClock(0);
  const src = new ScriptedSplits(clock, splits);
  const aligned = await run([{ src, group: 'g', drift: 200 }], clock);
  assert.equal(aligned.length, 62, 'nothing is lost');
  // A split pauses as soon as its watermark passes min + drift: it leads by at most drift + one step.
  assert.ok(maxLead(aligned, ['fast', 'slow']) <= 200 + 100, `lead ${maxLead(aligned, ['fast', 'slow'])}`);
  assert.ok(src.pausesLog.some((l) => l.startsWith('pause[fast]')), src.pausesLog.join('; '));
  assert.ok(src.pausesLog.some((l) => l.includes('resume[fast]')));
  assert.ok(!src.pausesLog.some((l) => /pause\[[^\]]*slow/.test(l)), 'the slowest split never waits');
});

test('an idle split does not hold its group back; a silent split that is not idle does', async () => {
  const order = async (idle: boolean): Promise<string[]> => {
    const clock = new ManualClock(0);
    const src = new ScriptedSplits(clock, { fast: range(31, 100), slow: [0, 5000] }, { stall: { slow: { polls: 60, idle } } });
    return (await run([{ src, group: 'g', drift: 200 }], clock)).map((r) => `${r.split}${r.ts}`);
  };
  const withIdle = await order(true);
  assert.ok(withIdle.indexOf('fast3000') < withIdle.indexOf('slow5000'), 'idle: fast runs to its end while slow is silent');
  const silent = await order(false);
  assert.ok(silent.indexOf('fast500') > silent.indexOf('slow5000'), 'not idle: fast waits for slow');
  assert.equal(silent.length, 33);
});

test('sources of one group align across sources; readers that cannot pause splits pause as a whole', async () => {
  const clock = new ManualClock(0);
  const fast = new ScriptedSplits(clock, { a: range(31, 100) }, { usesSplits: false, pausable: false, stepMs: 5 });
  const slow = new ScriptedSplits(clock, { b: range(31, 50) }, { usesSplits: false, pausable: false, stepMs: 5 });
  const out = await run([{ src: fast, group: 'cross', drift: 300 }, { src: slow, group: 'cross', drift: 300 }], clock);
  assert.equal(out.length, 62);
  assert.ok(maxLead(out, ['a', 'b']) <= 300 + 100, `lead ${maxLead(out, ['a', 'b'])}`);
  const freeClock = new ManualClock(0);
  const free = await run([
    { src: new ScriptedSplits(freeClock, { a: range(31, 100) }, { usesSplits: false, pausable: false, stepMs: 5 }) },
    { src: new ScriptedSplits(freeClock, { b: range(31, 50) }, { usesSplits: false, pausable: false, stepMs: 5 }) },
  ], freeClock);
  assert.ok(maxLead(free, ['a', 'b']) >= 1000, 'without alignment source a runs ahead');
});

test('withWatermarkAlignment checks its arguments', () => {
  const s = WatermarkStrategy.forMonotonousTimestamps<number>();
  assert.throws(() => s.withWatermarkAlignment('', 100), /non-empty/);
  assert.throws(() => s.withWatermarkAlignment('g', -1), /maxAllowedWatermarkDrift/);
  assert.throws(() => s.withWatermarkAlignment('g', 100, 0), /updateInterval/);
  const a = s.withWatermarkAlignment('g', 100, 50).withIdleness(1000).withTimestampAssigner((n) => n);
  assert.deepEqual(a.alignment, { group: 'g', maxAllowedWatermarkDrift: 100, updateInterval: 50 }, 'kept through other with... calls');
});

test('two TestSources in one group: the fast one waits for the slow one, without processing time passing', async () => {
  const runTests = async (aligned: boolean): Promise<Rec[]> => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ autoWatermarkInterval: 'every-record' });
    const sink = new TestSink<Rec>();
    let strategy = WatermarkStrategy.forMonotonousTimestamps<Rec>();
    if (aligned) strategy = strategy.withWatermarkAlignment('tests', 200, 60_000);
    const fast = new TestSource<Rec>().emitAll(range(31, 100).map((ts) => ({ split: 'a', ts })), (r) => r.ts);
    const slow = new TestSource<Rec>().emitAll(range(31, 50).map((ts) => ({ split: 'b', ts })), (r) => r.ts);
    env.fromSource(fast, strategy, 'fast').union(env.fromSource(slow, strategy, 'slow')).sinkTo(sink);
    await env.execute('test sources');
    return sink.values;
  };
  assert.ok(maxLead(await runTests(false), ['a', 'b']) >= 1000, 'without alignment the first source runs ahead');
  const out = await runTests(true);
  assert.equal(out.length, 62);
  assert.ok(maxLead(out, ['a', 'b']) <= 200 + 100, `lead ${maxLead(out, ['a', 'b'])}`);
});
