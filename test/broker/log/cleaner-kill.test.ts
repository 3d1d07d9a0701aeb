import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../../../src/util/clock.ts';
import { COMPRESSION_GZIP, COMPRESSION_SNAPPY } from '../../../src/protocol/records/index.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { COMPACT, cleanAll, dataRecords, openLog, put, roll } from './cleaner-helpers.ts';

const CHILD = fileURLToPath(new URL('./cleaner-crash-child.ts', import.meta.url));
const CONFIG = { ...COMPACT, 'segment.bytes': '16384', 'min.cleanable.dirty.ratio': '0.01' };

/** Runs the cleaner in a child process and kill -9s it `delayMs` after it starts cleaning. */
function cleanThenKill(dir: string, now: number, delayMs: number): Promise<'killed' | 'finished'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, String(now), JSON.stringify(CONFIG)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('cleaning\n') && !out.includes('armed')) {
        out += 'armed';
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(out.includes('done') ? 'finished' : 'killed');
      else if (code === 0) resolve('finished');
      else reject(new Error(`cleaner child exited ${code}: ${err.slice(-2000)}`));
    });
  });
}

test('kill -9 at any point of a cleaning round: no acknowledged latest value is lost, recovery and a new round finish the job', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(1_000_000);
    const pristine = `${dir}/pristine`;
    const log = openLog(pristine, clock, CONFIG);
    const latest = new Map<string, { offset: number; value: string | null }>();
    for (let v = 0; v < 30; v++) {
      const recs = Array.from({ length: 10 }, (_, i) => {
        const k = (v * 10 + i) % 100;
        return { key: `k${k}`, value: v === 29 && k % 10 === 0 ? null : `v${v}-${'z'.repeat(50)}` };
      });
      for (let b = 0; b < 10; b++) {
        const chunk = recs.slice(b, b + 1);
        const offset = put(log, clock, chunk, { compression: b % 3 === 0 ? COMPRESSION_GZIP : b % 3 === 1 ? COMPRESSION_SNAPPY : 0 });
        latest.set(chunk[0]!.key, { offset, value: chunk[0]!.value });
      }
    }
    for (let i = 0; i < 6000; i++) put(log, clock, [{ key: `k${i % 100}`, value: `late${i}-${'w'.repeat(40)}` }]);
    for (let i = 0; i < 6000; i++) latest.set(`k${i % 100}`, { offset: 300 + i, value: `late${i}-${'w'.repeat(40)}` });
    roll(log, clock);
    log.close();

    let interrupted = 0;
    const killAndCheck = async (delay: number): Promise<void> => {
      const run = `${dir}/run-${delay}`;
      cpSync(pristine, run, { recursive: true });
      const outcome = await cleanThenKill(run, clock.now(), delay);
      const leftovers = readdirSync(run).filter((f) => /\.(cleaned|swap)$/.test(f));
      if (outcome === 'killed' && leftovers.length > 0) interrupted++;
      const reopened = openLog(run, clock, CONFIG);
      assert.deepEqual(readdirSync(run).filter((f) => /\.(cleaned|swap)$/.test(f)), [], `delay ${delay}: recovery left no cleaner files`);
      const records = dataRecords(reopened);
      const offsets = records.map((r) => r.offset);
      assert.deepEqual(offsets, [...new Set(offsets)].sort((a, b) => a - b), `delay ${delay}: offsets ordered and unique`);
      const byOffset = new Map(records.map((r) => [r.offset, r]));
      for (const [key, w] of latest) {
        const seen = byOffset.get(w.offset);
        assert.ok(seen, `delay ${delay}: the latest write of ${key} (offset ${w.offset}) survives`);
        assert.equal(seen.value, w.value);
      }
      // A full round after recovery leaves exactly the latest record per key.
      await cleanAll(reopened, clock);
      const after = dataRecords(reopened).filter((r) => r.key !== 'zz-roll');
      assert.deepEqual(
        after.map((r) => r.offset),
        [...latest.values()].map((w) => w.offset).sort((a, b) => a - b),
        `delay ${delay}: cleaned after recovery`,
      );
      reopened.close();
      rmSync(run, { recursive: true, force: true });
    };
    for (const delay of [0, 10, 25, 40, 55, 70, 85, 100, 150, 300]) await killAndCheck(delay);
    // On a loaded machine every fixed delay can miss the window in which cleaner files exist;
    // more delays, spread finer, until one kill lands there (the check above is the test's point).
    for (let extra = 1; interrupted === 0 && extra <= 40; extra++) await killAndCheck((extra * 13) % 400);
    assert.ok(interrupted > 0, 'at least one kill landed mid-round with cleaner files on disk');
  } finally {
    cleanup();
  }
});
