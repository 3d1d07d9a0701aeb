import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../../src/util/clock.ts';
import { LogManager } from '../../../src/broker/log/log-manager.ts';
import { LogCleaner } from '../../../src/broker/log/cleaner/index.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { dataRecords, openLog, put, readBatches, roll, HOUR } from './cleaner-helpers.ts';
import type { PartitionLog } from '../../../src/broker/log/partition-log.ts';

const cleanerFor = (clock: ManualClock, ...partitions: PartitionLog[]) =>
  new LogCleaner({ logs: { topics: [{ name: 't', partitions }] }, clock, sliceBatches: 7 });

test('picks a log only above min.cleanable.dirty.ratio, then records where it stopped', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const log = openLog(dir, clock, { 'min.cleanable.dirty.ratio': '0.5' });
    for (let i = 0; i < 40; i++) put(log, clock, [{ key: `k${i % 4}`, value: `${i}` }]);
    roll(log, clock);
    const cleaner = cleanerFor(clock, log);
    assert.equal(cleaner.candidates()[0]!.ratio, 1);
    const reports = await cleaner.cleanUntilIdle();
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.endOffset, 40);
    assert.deepEqual(cleaner.candidates()[0]!.range, { firstDirtyOffset: 40, firstUncleanableOffset: 40 });
    // A little new dirt is below the ratio: nothing to do.
    put(log, clock, [{ key: 'k0', value: 'new' }]);
    roll(log, clock);
    assert.ok(cleaner.candidates()[0]!.ratio < 0.5);
    assert.deepEqual(await cleaner.cleanUntilIdle(), []);
    // The checkpoint survives a restart.
    log.close();
    const reopened = openLog(dir, clock, { 'min.cleanable.dirty.ratio': '0.5' });
    assert.equal(cleanerFor(clock, reopened).candidates()[0]!.range.firstDirtyOffset, 40);
    reopened.close();
  } finally {
    cleanup();
  }
});

test('min.compaction.lag.ms keeps young segments out of the round', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(100_000);
    const log = openLog(dir, clock, { 'min.compaction.lag.ms': '60000', 'min.cleanable.dirty.ratio': '0.01' });
    for (let i = 0; i < 20; i++) put(log, clock, [{ key: 'k', value: `old${i}` }]);
    roll(log, clock);
    clock.advance(61_000);
    for (let i = 0; i < 20; i++) put(log, clock, [{ key: 'k', value: `young${i}` }]);
    roll(log, clock);
    const cleaner = cleanerFor(clock, log);
    const [c] = cleaner.candidates();
    assert.equal(c!.range.firstUncleanableOffset, 21, 'the first young segment bounds the round');
    await cleaner.cleanUntilIdle();
    const values = dataRecords(log).map((r) => r.value);
    assert.ok(values.includes('young0') && values.includes('young19'), 'young records are all there');
    assert.ok(!values.includes('old0'), 'old versions are gone');
    assert.ok(values.includes('old19'), 'the newest version below the bound stays: the young ones are not in the map');
  } finally {
    cleanup();
  }
});

test('a due delete horizon triggers a round even with nothing dirty', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const log = openLog(dir, clock);
    put(log, clock, [{ key: 'a', value: '1' }]);
    put(log, clock, [{ key: 'a', value: null }]);
    roll(log, clock);
    const cleaner = cleanerFor(clock, log);
    await cleaner.cleanUntilIdle();
    assert.deepEqual(dataRecords(log).map((r) => `${r.key}=${r.value}`), ['a=null', 'zz-roll=x']);
    clock.advance(HOUR + 1);
    assert.equal(cleaner.candidates()[0]!.mustClean, true);
    await cleaner.cleanUntilIdle();
    assert.deepEqual(dataRecords(log).map((r) => `${r.key}=${r.value}`), ['zz-roll=x']);
    assert.equal(cleaner.candidates()[0]!.mustClean, false);
  } finally {
    cleanup();
  }
});

test('delete-policy topics are never cleaned', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const log = openLog(dir, clock, { 'cleanup.policy': 'delete' });
    for (let i = 0; i < 30; i++) put(log, clock, [{ key: 'k', value: `${i}` }]);
    roll(log, clock);
    const cleaner = cleanerFor(clock, log);
    assert.deepEqual(cleaner.candidates(), []);
    assert.deepEqual(await cleaner.cleanUntilIdle(), []);
    assert.equal(dataRecords(log).length, 31);
  } finally {
    cleanup();
  }
});

test('compact,delete topics are compacted and still obey retention', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const log = openLog(dir, clock, { 'cleanup.policy': 'compact,delete', 'retention.ms': '5000' });
    for (let i = 0; i < 30; i++) put(log, clock, [{ key: `k${i % 3}`, value: `${i}` }]);
    roll(log, clock);
    await cleanerFor(clock, log).cleanUntilIdle();
    assert.deepEqual(dataRecords(log).map((r) => r.value), ['27', '28', '29', 'x']);
    clock.advance(10_000);
    roll(log, clock);
    assert.ok(log.applyRetention() > 0);
    assert.ok(readBatches(log).every((b) => b.records.every((r) => r.key === 'zz-roll')));
  } finally {
    cleanup();
  }
});

test('a round is abandoned, not failed, when its log changes or disappears under it', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const manager = LogManager.open(dir, clock);
    manager.createTopic('a', 1, { 'cleanup.policy': 'compact,delete', 'segment.bytes': '1024', 'min.cleanable.dirty.ratio': '0.01', 'retention.ms': '100000' });
    manager.createTopic('b', 1, { 'cleanup.policy': 'compact', 'segment.bytes': '1024', 'min.cleanable.dirty.ratio': '0.01' });
    for (const t of ['a', 'b']) {
      const log = manager.partition(t, 0)!;
      for (let i = 0; i < 300; i++) put(log, clock, [{ key: `k${i % 10}`, value: `${i}-${'y'.repeat(20)}` }]);
      clock.advance(200_000);
      roll(log, clock);
    }
    const cleaner = new LogCleaner({ logs: manager, clock, sliceBatches: 5 });
    const run = cleaner.cleanUntilIdle();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.ok(manager.applyRetention() > 0, 'retention removed segments of a during its round');
    manager.deleteTopic('b');
    await run; // neither throws
    assert.ok(!existsSync(join(dir, 'logs', 'b-0')), 'nothing was written back into a deleted topic');
    const a = manager.partition('a', 0)!;
    await cleaner.cleanUntilIdle();
    assert.ok(readdirSync(join(dir, 'logs', 'a-0')).every((f) => !/\.(cleaned|swap)$/.test(f)));
    assert.ok(dataRecords(a).length > 0);
    manager.close();
  } finally {
    cleanup();
  }
});

test('an open transaction in the middle of a segment bounds the rounds without spinning', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const log = openLog(dir, clock, { 'min.cleanable.dirty.ratio': '0.01' });
    for (let i = 0; i < 30; i++) put(log, clock, [{ key: `k${i % 3}`, value: `${i}` }]);
    put(log, clock, [{ key: 'k0', value: 'open' }], { producerId: 9n, producerEpoch: 0, baseSequence: 0, transactional: true });
    for (let i = 0; i < 30; i++) put(log, clock, [{ key: `k${i % 3}`, value: `after${i}` }]);
    roll(log, clock);
    assert.equal(log.lastStableOffset, 30);
    const cleaner = cleanerFor(clock, log);
    const reports = await cleaner.cleanUntilIdle();
    assert.ok(reports.length <= 2, `${reports.length} rounds`);
    assert.ok(reports.every((r) => r.endOffset <= 30));
    assert.deepEqual(await cleaner.cleanUntilIdle(), [], 'nothing more until the transaction ends');
    assert.ok(dataRecords(log).some((r) => r.value === 'open'));
    log.appendMarker(9n, 0, true);
    roll(log, clock);
    await cleaner.cleanUntilIdle();
    assert.deepEqual(
      dataRecords(log).filter((r) => r.key !== 'zz-roll').map((r) => r.value),
      ['after27', 'after28', 'after29'],
    );
  } finally {
    cleanup();
  }
});

test('max.compaction.lag.ms forces a round below min.cleanable.dirty.ratio', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const log = openLog(dir, clock, { 'min.cleanable.dirty.ratio': '0.9', 'max.compaction.lag.ms': '60000' });
    for (let i = 0; i < 40; i++) put(log, clock, [{ key: `k${i % 4}`, value: `${i}` }]);
    roll(log, clock);
    const cleaner = cleanerFor(clock, log);
    await cleaner.cleanUntilIdle();
    for (let i = 0; i < 4; i++) put(log, clock, [{ key: `k${i}`, value: `new${i}` }]);
    roll(log, clock);
    assert.ok(cleaner.candidates()[0]!.ratio < 0.9);
    assert.deepEqual(await cleaner.cleanUntilIdle(), [], 'too little dirt, too young');
    clock.advance(60_001);
    assert.equal(cleaner.candidates()[0]!.mustClean, true);
    assert.equal((await cleaner.cleanUntilIdle()).length, 1);
    assert.deepEqual(dataRecords(log).filter((r) => r.key !== 'zz-roll').map((r) => r.value), ['new0', 'new1', 'new2', 'new3']);
  } finally {
    cleanup();
  }
});
