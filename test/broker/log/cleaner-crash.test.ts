import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../../src/util/clock.ts';
import { segmentStem } from '../../../src/broker/log/segment.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { cleanAll, dataRecords, openLog, put, roll } from './cleaner-helpers.ts';
import type { PartitionLog } from '../../../src/broker/log/partition-log.ts';

/** A log of 30 keys × 8 versions over many segments, plus a roll; returns what a clean keeps. */
function fill(log: PartitionLog, clock: ManualClock): void {
  for (let v = 0; v < 8; v++) for (let k = 0; k < 30; k++) put(log, clock, [{ key: `k${k}`, value: `v${v}` }]);
  roll(log, clock);
}

const show = (log: PartitionLog) => dataRecords(log).map((r) => `${r.offset}:${r.key}=${r.value}`);
const logFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.log')).sort();

/**
 * Builds the state a crash leaves between "rename .cleaned to .swap" and "replace the originals":
 * cleans a copy of the log, then puts the copy's first cleaned segment into the original
 * directory as `<base>.<end>.swap`, next to the untouched originals.
 */
async function crashedMidSwap(dir: string, clock: ManualClock): Promise<{ expected: string[]; end: number }> {
  const log = openLog(dir, clock);
  fill(log, clock);
  const before = log.segmentsForCleaning().map((s) => s.baseOffset);
  log.close();
  const copy = `${dir}-copy`;
  cpSync(dir, copy, { recursive: true });
  const cleanedLog = openLog(copy, clock);
  // Clean just the first group (segment.bytes=1024 groups one original segment each): bound the round.
  await cleanAll(cleanedLog, clock, 0, before[2]);
  const expected = show(cleanedLog);
  cleanedLog.close();
  const end = before[1]!;
  copyFileSync(join(copy, `${segmentStem(0)}.log`), join(dir, `${segmentStem(0)}.${segmentStem(end)}.swap`));
  rmSync(copy, { recursive: true, force: true });
  return { expected: expected.filter((r) => Number(r.split(':')[0]) < end), end };
}

test('a stale .cleaned file is removed on open and the log is unchanged', () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    let log = openLog(dir, clock);
    fill(log, clock);
    const before = show(log);
    log.close();
    const stale = join(dir, `${segmentStem(0)}.${segmentStem(20)}.cleaned`);
    writeFileSync(stale, Buffer.alloc(500, 7));
    log = openLog(dir, clock);
    assert.ok(!existsSync(stale));
    assert.deepEqual(show(log), before);
    log.close();
  } finally {
    cleanup();
  }
});

test('a complete .swap left by a crash is finished on open: originals in its range replaced', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const { expected, end } = await crashedMidSwap(dir, clock);
    const log = openLog(dir, clock);
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.swap')));
    assert.deepEqual(show(log).filter((r) => Number(r.split(':')[0]) < end), expected);
    assert.equal(show(log).length, expected.length + (8 * 30 + 1 - end), 'everything after the swapped range is intact');
    log.close();
  } finally {
    cleanup();
  }
});

test('a .swap whose originals were partly deleted before the crash is finished too', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const { expected, end } = await crashedMidSwap(dir, clock);
    rmSync(join(dir, `${segmentStem(0)}.log`)); // the crash came after the first original was removed
    rmSync(join(dir, `${segmentStem(0)}.index`), { force: true });
    const log = openLog(dir, clock);
    assert.deepEqual(show(log).filter((r) => Number(r.split(':')[0]) < end), expected);
    log.close();
  } finally {
    cleanup();
  }
});

test('a torn .swap is rolled back while the originals are there', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    let log = openLog(dir, clock);
    fill(log, clock);
    const before = show(log);
    const files = logFiles(dir);
    log.close();
    const swap = join(dir, `${segmentStem(0)}.${files[1]!.slice(0, 20)}.swap`);
    const original = readFileSync(join(dir, files[0]!));
    writeFileSync(swap, original.subarray(0, original.length - 10)); // torn
    log = openLog(dir, clock);
    assert.ok(!existsSync(swap));
    assert.deepEqual(show(log), before);
    log.close();
  } finally {
    cleanup();
  }
});

test('a crashed round is simply redone: cleaning after recovery gives the same log', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    await crashedMidSwap(dir, clock);
    writeFileSync(join(dir, `${segmentStem(100)}.${segmentStem(120)}.cleaned`), 'partial');
    const log = openLog(dir, clock);
    await cleanAll(log, clock);
    const latest = new Map<string, string>();
    for (const r of show(log)) latest.set(r.split(':')[1]!.split('=')[0]!, r);
    assert.deepEqual(show(log), [...latest.values()]);
    assert.deepEqual(readdirSync(dir).filter((f) => /\.(swap|cleaned)$/.test(f)), []);
    log.close();
  } finally {
    cleanup();
  }
});
