import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c } from '@node-rs/crc32';
import { ManualClock } from '../../../src/util/clock.ts';
import { LogCleaner } from '../../../src/broker/log/cleaner/index.ts';
import { buildBatch, decodeBatchRecords, readBatchHeader, validateBatches, TIMESTAMP_TYPE_BIT, forEachStoredBatch } from '../../../src/protocol/records/index.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { cleanAll, dataRecords, openLog, put, readBatches, roll } from './cleaner-helpers.ts';

test('a small offset map cleans a log over several rounds, each starting where the last stopped', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const log = openLog(dir, clock, { 'min.cleanable.dirty.ratio': '0.01' });
    for (let v = 0; v < 5; v++) for (let k = 0; k < 20; k++) put(log, clock, [{ key: `k${k}`, value: `v${v}` }]);
    roll(log, clock);
    const cleaner = new LogCleaner({ logs: { topics: [{ name: 't', partitions: [log] }] }, clock, mapCapacity: 6 });
    const reports = await cleaner.cleanUntilIdle();
    assert.ok(reports.length > 3, `${reports.length} rounds`);
    const ends = reports.map((r) => r.endOffset);
    assert.deepEqual(ends, [...ends].sort((a, b) => a - b), 'each round goes further');
    assert.equal(ends.at(-1), 100);
    assert.deepEqual(dataRecords(log).filter((r) => r.key !== 'zz-roll').map((r) => `${r.key}=${r.value}`), Array.from({ length: 20 }, (_, k) => `k${k}=v4`));
  } finally {
    cleanup();
  }
});

test('long keys (hashed in the map), headers and LogAppendTime survive a rebuild', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(7_000);
    const log = openLog(dir, clock, { 'message.timestamp.type': 'LogAppendTime' });
    const long = (i: number) => `${'long-key-'.repeat(10)}${i}`;
    const batch = buildBatch({
      records: [0, 1, 2].map((i) => ({ key: Buffer.from(long(i)), value: Buffer.from(`first-${i}`), timestamp: 1n, headers: [{ key: 'h', value: Buffer.from(`hv${i}`) }] })),
    });
    const spans = validateBatches(batch);
    assert.ok(Array.isArray(spans));
    log.append(batch, spans);
    clock.advance(5);
    put(log, clock, [{ key: long(1), value: 'second-1' }]);
    roll(log, clock);
    await cleanAll(log, clock);
    const first = readBatches(log)[0]!;
    assert.ok(first.header.attributes & TIMESTAMP_TYPE_BIT, 'still LogAppendTime');
    assert.equal(first.header.maxTimestamp, 7_000n, 'the append time is kept');
    assert.deepEqual(first.records.map((r) => r.value), ['first-0', 'first-2']);
    let headers: string[] = [];
    const data = log.read(0, 1 << 20)!;
    forEachStoredBatch(data, (pos, size) => {
      if (readBatchHeader(data, pos).baseOffset === 0n) headers = decodeBatchRecords(data.subarray(pos, pos + size)).map((r) => r.headers[0]!.value!.toString());
    });
    assert.deepEqual(headers, ['hv0', 'hv2']);
    assert.deepEqual(dataRecords(log).filter((r) => r.key !== 'zz-roll').map((r) => r.value), ['first-0', 'first-2', 'second-1']);
  } finally {
    cleanup();
  }
});

test('a cleaner stopped mid-round leaves no files behind and loses nothing', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const log = openLog(dir, clock);
    for (let i = 0; i < 3000; i++) put(log, clock, [{ key: `k${i % 50}`, value: `${i}` }]);
    roll(log, clock);
    const before = dataRecords(log).length;
    const cleaner = new LogCleaner({ logs: { topics: [{ name: 't', partitions: [log] }] }, clock, sliceBatches: 2 });
    const run = cleaner.cleanUntilIdle();
    await new Promise((r) => setImmediate(r));
    await cleaner.stop();
    await run;
    const { readdirSync } = await import('node:fs');
    assert.deepEqual(readdirSync(dir).filter((f) => /\.(cleaned|swap)$/.test(f)), [], 'an abandoned round leaves no files');
    assert.ok(dataRecords(log).length <= before);
    const latest = new Map(dataRecords(log).map((r) => [r.key, r.value]));
    for (let k = 0; k < 50; k++) assert.equal(latest.get(`k${k}`), String(2950 + k));
  } finally {
    cleanup();
  }
});

test('a log that cannot be cleaned (undecodable batch) is skipped, as Kafka marks it uncleanable; others are cleaned', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const bad = openLog(`${dir}/bad`, clock, { 'min.cleanable.dirty.ratio': '0.01' });
    const good = openLog(`${dir}/good`, clock, { 'min.cleanable.dirty.ratio': '0.01' });
    const batch = buildBatch({ compression: 1, records: [{ key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 0n }] });
    batch.fill(0xee, 61 + 10); // garbage inside the gzip stream...
    batch.writeUInt32BE(crc32c(batch.subarray(21)), 17); // ...under a valid CRC
    const spans = validateBatches(batch);
    assert.ok(Array.isArray(spans));
    bad.append(batch, spans);
    for (const log of [bad, good]) {
      for (let i = 0; i < 20; i++) put(log, clock, [{ key: 'k', value: `${i}` }]);
      roll(log, clock);
    }
    const cleaner = new LogCleaner({ logs: { topics: [{ name: 't', partitions: [bad, good] }] }, clock });
    const reports = await cleaner.cleanUntilIdle();
    assert.deepEqual(reports.map((r) => r.partition), [1]);
    assert.deepEqual(await cleaner.cleanUntilIdle(), []);
    assert.equal(dataRecords(good).filter((r) => r.key === 'k').length, 1);
  } finally {
    cleanup();
  }
});
