// Golden tests: every folder holds job.ts (builds a job from input lines), input and expected.
// Each job runs in every mode it declares (streaming/batch, parallelism 1 and 4 by default, an
// unbounded variant where declared); the sorted output must equal `expected` in every mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
}
interface GoldenJob {
  build(env: StreamExecutionEnvironment, input: string[], ctx: GoldenContext): DataStream<string>;
  modes?: Mode[];
  /** Watermark interval; default 'every-record' (deterministic). */
  autoWatermarkInterval?: number | 'every-record';
  /** For jobs that never end by themselves: stop once this many records arrived. */
  unbounded?: boolean;
}

const DEFAULT_MODES: Mode[] = [
  { mode: 'streaming', parallelism: 1 },
  { mode: 'streaming', parallelism: 4 },
  { mode: 'batch', parallelism: 1 },
  { mode: 'batch', parallelism: 4 },
  { mode: 'streaming', parallelism: 2, lmdb: true },
];

const lines = (text: string): string[] => text.split('\n').map((l) => l.trimEnd()).filter((l) => l.length > 0 && !l.startsWith('#'));

const root = import.meta.dirname;
for (const name of readdirSync(root).sort()) {
  const dir = join(root, name);
  if (!statSync(dir).isDirectory()) continue;
  const job = (await import(join(dir, 'job.ts'))) as GoldenJob;
  const input = lines(readFileSync(join(dir, 'input'), 'utf8'));
  const expectedPath = join(dir, 'expected');
  const expected = lines(readFileSync(expectedPath, 'utf8')).sort();
  for (const m of job.modes ?? DEFAULT_MODES) {
    test(`golden ${name}: ${m.mode}, parallelism ${m.parallelism}${m.unbounded ? ', unbounded source' : ''}${m.lmdb ? ', LMDB state' : ''}`, async () => {
      const clock = new ManualClock(0);
      const lmdb = m.lmdb ? new LmdbStateBackend({ path: mkdtempSync(join(tmpdir(), 'sluice-golden-')), cachedEntriesPerState: 2 }) : undefined;
      const env = StreamExecutionEnvironment.getExecutionEnvironment({
        ...(lmdb ? { stateBackend: lmdb } : {}),
        parallelism: m.parallelism,
        runtimeMode: m.mode,
        clock,
        autoWatermarkInterval: job.autoWatermarkInterval ?? 'every-record',
      });
      const stopAt = expected.length;
      let stop: (() => void) | undefined;
      const sink = new TestSink<string>({ onRecord: (_r, all) => void (all.length >= stopAt && stop?.()) });
      job.build(env, input, { clock, unbounded: m.unbounded === true }).sinkTo(sink);
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
      const actual = sink.values.map(String).sort();
      if (process.env.GOLDEN_UPDATE === '1' && m === (job.modes ?? DEFAULT_MODES)[0]) writeFileSync(expectedPath, `${actual.join('\n')}\n`);
      assert.deepEqual(actual, expected);
    });
  }
}
