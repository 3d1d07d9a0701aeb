// Golden tests: every folder holds job.ts (builds a job from input lines), input and expected.
// Each job runs in every mode it declares (streaming/batch, parallelism 1 and 4 by default, an
// unbounded variant where declared); the sorted output must equal `expected` in every mode, or
// `expected-batch` in BATCH modes when the folder has one (BATCH emits final results only and
// keeps records that streaming drops as late). A job that exports `finalKey` is also checked to
// give in BATCH exactly the last streaming output of each final key (Flink's "same final results").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LmdbStateBackend, StreamExecutionEnvironment, type DataStream } from 'sluice';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ManualClock, TestSink } from 'sluice/testing';
import type { GoldenContext } from './lib.ts';

interface Mode {
  mode: 'streaming' | 'batch';
  parallelism: number;
  unbounded?: boolean;
  /** Keyed state in LMDB instead of on the heap. */
  lmdb?: boolean;
  /** Passed to the job as `ctx.variant`. */
  variant?: string;
}
interface GoldenJob {
  build(env: StreamExecutionEnvironment, input: string[], ctx: GoldenContext): DataStream<string>;
  modes?: Mode[];
  /** Watermark interval; default 'every-record' (deterministic). */
  autoWatermarkInterval?: number | 'every-record';
  /** For jobs that never end by themselves: stop once this many records arrived. */
  unbounded?: boolean;
  /**
   * What an output line is a result for (e.g. `rolling k1` for `rolling k1 42`): BATCH must give,
   * per final key, the last line streaming gave for it, and nothing else.
   */
  finalKey?: (line: string) => string;
}

const DEFAULT_MODES: Mode[] = [
  { mode: 'streaming', parallelism: 1 },
  { mode: 'streaming', parallelism: 4 },
  { mode: 'batch', parallelism: 1 },
  { mode: 'batch', parallelism: 4 },
  { mode: 'streaming', parallelism: 2, lmdb: true },
];

const lines = (text: string): string[] => text.split('\n').map((l) => l.trimEnd()).filter((l) => l.length > 0 && !l.startsWith('#'));

/** Runs the job in one mode; the output lines in arrival order. */
async function run(name: string, job: GoldenJob, input: string[], m: Mode, stopAt: number): Promise<string[]> {
  const clock = new ManualClock(0);
  const lmdb = m.lmdb ? new LmdbStateBackend({ path: mkdtempSync(join(tmpdir(), 'sluice-golden-')), cachedEntriesPerState: 2 }) : undefined;
  const env = StreamExecutionEnvironment.getExecutionEnvironment({
    ...(lmdb ? { stateBackend: lmdb } : {}),
    parallelism: m.parallelism,
    runtimeMode: m.mode,
    clock,
    autoWatermarkInterval: job.autoWatermarkInterval ?? 'every-record',
  });
  let stop: (() => void) | undefined;
  const sink = new TestSink<string>({ onRecord: (_r, all) => void (all.length >= stopAt && stop?.()) });
  job.build(env, input, { clock, unbounded: m.unbounded === true, variant: m.variant }).sinkTo(sink);
  if (job.unbounded || m.unbounded) {
    const client = await env.executeAsync(name);
    await new Promise<void>((resolve) => {
      stop = resolve;
      if (sink.records.length >= stopAt) resolve();
      setTimeout(resolve, 5_000).unref();
    });
    await new Promise((r) => setTimeout(r, 20));
    client.cancel();
    await client.result.catch(() => {});
  } else await env.execute(name);
  await lmdb?.close();
  return sink.values.map(String);
}

/** Per final key, the last line (in arrival order). */
function finalResults(out: string[], finalKey: (line: string) => string): string[] {
  const last = new Map<string, string>();
  for (const line of out) last.set(finalKey(line), line);
  return [...last.values()].sort();
}

const describeMode = (m: Mode): string =>
  `${m.mode}, parallelism ${m.parallelism}${m.variant ? `, ${m.variant}` : ''}${m.unbounded ? ', unbounded source' : ''}${m.lmdb ? ', LMDB state' : ''}`;

const root = import.meta.dirname;
for (const name of readdirSync(root).sort()) {
  const dir = join(root, name);
  if (!statSync(dir).isDirectory()) continue;
  const job = (await import(join(dir, 'job.ts'))) as GoldenJob;
  const input = lines(readFileSync(join(dir, 'input'), 'utf8'));
  const expectedPath = join(dir, 'expected');
  const expected = lines(readFileSync(expectedPath, 'utf8')).sort();
  const batchPath = join(dir, 'expected-batch');
  const expectedBatch = existsSync(batchPath) ? lines(readFileSync(batchPath, 'utf8')).sort() : expected;
  const modes = job.modes ?? DEFAULT_MODES;
  for (const m of modes) {
    const want = m.mode === 'batch' ? expectedBatch : expected;
    test(`golden ${name}: ${describeMode(m)}`, async () => {
      const actual = (await run(name, job, input, m, want.length)).sort();
      const first = modes.find((x) => x.mode === m.mode);
      if (process.env.GOLDEN_UPDATE === '1' && m === first) writeFileSync(m.mode === 'batch' && want !== expected ? batchPath : expectedPath, `${actual.join('\n')}\n`);
      assert.deepEqual(actual, want);
    });
  }
  const finalKey = job.finalKey;
  const streaming = modes.find((m) => m.mode === 'streaming' && !m.unbounded);
  if (finalKey !== undefined && streaming !== undefined) {
    for (const m of modes.filter((x) => x.mode === 'batch')) {
      test(`golden ${name}: ${describeMode(m)} gives the final results of ${describeMode(streaming)}`, async () => {
        const final = finalResults(await run(name, job, input, streaming, expected.length), finalKey);
        assert.deepEqual((await run(name, job, input, m, expectedBatch.length)).sort(), final);
      });
    }
  }
}
