import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/util/clock.ts';
import { LogCleaner } from '../../../src/broker/log/cleaner/index.ts';
import { COMPRESSION_LZ4 } from '../../../src/protocol/records/index.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { dataRecords, openLog, put, readBatches, roll } from './cleaner-helpers.ts';

test('produce and fetch keep working while a large log is cleaned, and no range ever goes missing', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const log = openLog(dir, clock, { 'segment.bytes': '65536', 'min.cleanable.dirty.ratio': '0.1' });
    const sentinels: string[] = [];
    for (let b = 0; b < 2000; b++) {
      const recs = Array.from({ length: 10 }, (_, i) => ({ key: `k${(b * 10 + i) % 500}`, value: `v${b}-${i}-${'p'.repeat(40)}` }));
      if (b % 10 === 0) {
        recs[0] = { key: `s${b}`, value: 'sentinel' };
        sentinels.push(`s${b}`);
      }
      put(log, clock, recs, b % 2 ? { compression: COMPRESSION_LZ4 } : {});
    }
    roll(log, clock);
    const sizeBefore = log.sizeInBytes;
    const cleaner = new LogCleaner({ logs: { topics: [{ name: 't', partitions: [log] }] }, clock, sliceBatches: 20 });
    let done = false;
    const cleaning = cleaner.cleanUntilIdle().finally(() => (done = true));
    let turns = 0;
    let appended = 0;
    while (!done) {
      turns++;
      put(log, clock, [{ key: `live${appended++}`, value: 'during-cleaning' }]);
      // A fetch from a random offset answers whole batches at or after it.
      const from = Math.floor(Math.random() * log.logEndOffset);
      const data = log.read(from, 4096);
      assert.ok(data, `fetch from ${from} answered`);
      if (turns % 25 === 1) {
        const keys = new Set(dataRecords(log).map((r) => r.key));
        for (const s of sentinels) assert.ok(keys.has(s), `sentinel ${s} visible during cleaning`);
        const offsets = readBatches(log).map((b) => Number(b.header.baseOffset));
        assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b), 'batches in offset order');
      }
      await new Promise((r) => setImmediate(r));
    }
    const reports = await cleaning;
    assert.ok(reports.length >= 1);
    assert.ok(turns > 20, `produce/fetch ran ${turns} times while cleaning`);
    const records = dataRecords(log);
    const keys = records.map((r) => r.key!);
    for (const s of sentinels) assert.ok(keys.includes(s));
    for (let i = 0; i < appended; i++) assert.ok(keys.includes(`live${i}`));
    const below = records.filter((r) => r.offset < 20_000).map((r) => r.key);
    assert.equal(new Set(below).size, below.length, 'one record per key in the cleaned section');
    assert.ok(log.sizeInBytes < sizeBefore / 4, `${sizeBefore} -> ${log.sizeInBytes} bytes`);
    log.close();
  } finally {
    cleanup();
  }
});
