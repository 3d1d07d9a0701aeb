import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, writeSync, closeSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PartitionLog, OffsetOutOfRangeError } from '../../../src/broker/log/partition-log.ts';
import { TopicConfig } from '../../../src/broker/log/topic-config.ts';
import { buildBatch, decodeBatchRecords, validateBatches, forEachStoredBatch } from '../../../src/protocol/records/index.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';

function batchOf(values: string[], ts = 1000n): Buffer {
  return buildBatch({ records: values.map((v, i) => ({ key: null, value: Buffer.from(v), timestamp: ts + BigInt(i) })) });
}

function append(log: PartitionLog, values: string[], ts?: bigint) {
  const batch = batchOf(values, ts);
  const spans = validateBatches(batch);
  assert.ok(Array.isArray(spans));
  return log.append(batch, spans);
}

function readAll(log: PartitionLog, from = log.logStartOffset): string[] {
  const out: string[] = [];
  let offset = from;
  for (;;) {
    const data = log.read(offset, 1024);
    if (!data) return out;
    forEachStoredBatch(data, (pos, size) => {
      for (const r of decodeBatchRecords(data.subarray(pos, pos + size))) {
        if (Number(r.offset) >= offset) out.push(r.value!.toString());
      }
    });
    offset = out.length + from;
  }
}

test('appends assign consecutive offsets and reads return whole batches from any offset', () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = PartitionLog.open(dir, new TopicConfig(), new ManualClock(0));
    assert.deepEqual(append(log, ['a', 'b', 'c']), { baseOffset: 0, lastOffset: 2, logAppendTime: -1 });
    assert.deepEqual(append(log, ['d']), { baseOffset: 3, lastOffset: 3, logAppendTime: -1 });
    assert.equal(log.logEndOffset, 4);
    assert.deepEqual(readAll(log), ['a', 'b', 'c', 'd']);
    assert.deepEqual(readAll(log, 2), ['c', 'd']);
    assert.equal(log.read(4, 1024), null);
    assert.throws(() => log.read(5, 1024), OffsetOutOfRangeError);
    log.close();
  } finally {
    cleanup();
  }
});

test('segments roll at segment.bytes and a restart reads everything back through saved indexes', () => {
  const { dir, cleanup } = tempDir();
  try {
    const config = new TopicConfig({ 'segment.bytes': '2048', 'index.interval.bytes': '256' });
    let log = PartitionLog.open(dir, config, new ManualClock(0));
    const expected: string[] = [];
    for (let i = 0; i < 200; i++) {
      const vals = [`v${i}-0`, `v${i}-1`];
      expected.push(...vals);
      append(log, vals);
    }
    assert.ok(readdirSync(dir).filter((f) => f.endsWith('.log')).length > 5);
    assert.deepEqual(readAll(log), expected);
    log.close();
    log = PartitionLog.open(dir, config, new ManualClock(0));
    assert.equal(log.logEndOffset, 400);
    assert.deepEqual(readAll(log, 123), expected.slice(123));
    log.close();
  } finally {
    cleanup();
  }
});

test('recovery truncates a torn tail instead of refusing to start', () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = PartitionLog.open(dir, new TopicConfig(), new ManualClock(0));
    append(log, ['one', 'two']);
    append(log, ['three']);
    log.flush(); // simulate kill -9: no close, no saved indexes
    const file = join(dir, '00000000000000000000.log');
    const goodSize = statSync(file).size;
    // A torn write: half of a batch at the tail.
    const torn = batchOf(['lost']).subarray(0, 40);
    const fd = openSync(file, 'a');
    writeSync(fd, torn);
    closeSync(fd);
    const recovered = PartitionLog.open(dir, new TopicConfig(), new ManualClock(0));
    assert.equal(statSync(file).size, goodSize);
    assert.deepEqual(readAll(recovered), ['one', 'two', 'three']);
    assert.deepEqual(append(recovered, ['four']).baseOffset, 3);
    recovered.close();
  } finally {
    cleanup();
  }
});

test('recovery stops at a batch whose CRC does not match', () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = PartitionLog.open(dir, new TopicConfig(), new ManualClock(0));
    append(log, ['keep']);
    const bad = batchOf(['flipped']);
    bad.writeBigInt64BE(1n, 0);
    bad[bad.length - 1] ^= 0xff;
    const file = join(dir, '00000000000000000000.log');
    const fd = openSync(file, 'a');
    writeSync(fd, bad);
    closeSync(fd);
    const recovered = PartitionLog.open(dir, new TopicConfig(), new ManualClock(0));
    assert.equal(recovered.logEndOffset, 1);
    assert.deepEqual(readAll(recovered), ['keep']);
    recovered.close();
  } finally {
    cleanup();
  }
});

test('offsetForTimestamp finds the first record at or after a time', () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = PartitionLog.open(dir, new TopicConfig({ 'segment.bytes': '1024' }), new ManualClock(0));
    for (let i = 0; i < 50; i++) append(log, ['x', 'y'], BigInt(1000 + i * 10));
    // batch i holds timestamps 1000+10i and 1001+10i at offsets 2i and 2i+1
    assert.deepEqual(log.offsetForTimestamp(1001), { offset: 1, timestamp: 1001 });
    assert.deepEqual(log.offsetForTimestamp(1002), { offset: 2, timestamp: 1010 });
    assert.deepEqual(log.offsetForTimestamp(1250), { offset: 50, timestamp: 1250 });
    assert.equal(log.offsetForTimestamp(99_999), null);
    assert.deepEqual(log.maxTimestamp(), { offset: 99, timestamp: 1491 });
    log.close();
  } finally {
    cleanup();
  }
});

test('retention by bytes and by time deletes old segments and moves the log start', () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(10_000);
    const log = PartitionLog.open(dir, new TopicConfig({ 'segment.bytes': '1024', 'retention.bytes': '3000' }), clock);
    // retention.bytes is applied as appends go: never more than retention.bytes + segment.bytes.
    let written = 0;
    for (let i = 0; i < 100; i++) {
      append(log, [`m${i}`], 5_000n);
      written += 70;
      assert.ok(log.sizeInBytes <= 3000 + 1024, `${log.sizeInBytes} bytes after append ${i}`);
    }
    assert.ok(log.sizeInBytes < written);
    assert.equal(log.applyRetention(), 0, 'nothing left for the periodic check');
    assert.ok(log.logStartOffset > 0);
    assert.equal(readAll(log)[0], `m${log.logStartOffset}`);
    const startAfterBytes = log.logStartOffset;
    log.config = new TopicConfig({ 'segment.bytes': '1024', 'retention.ms': '1000' });
    assert.ok(log.applyRetention() > 0); // timestamps 5000 are older than now(10000) - 1000
    assert.ok(log.logStartOffset > startAfterBytes);
    assert.ok(log.sizeInBytes <= 1024); // only the active segment is left
    log.close();
  } finally {
    cleanup();
  }
});
