import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { RecentBatches } from '../../../src/broker/log/recent-batches.ts';
import { TopicConfig } from '../../../src/broker/log/topic-config.ts';
import { fileIO, useFileIO } from '../../../src/broker/log/file-io.ts';
import { buildBatch, validateBatches } from '../../../src/protocol/records/index.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';

// A fetch at the log's tail plans its batches from the segment's recent-batch ring instead of
// reading their headers back from the file; the plans must be exactly those of the file walk.

test('the ring finds the first batch reaching an offset, and a batch by position, across wrap-around', () => {
  const r = new RecentBatches();
  assert.equal(r.find(0), -1, 'empty');
  // Batches of 3 offsets each, 100 bytes apart: entry k holds offsets 3k..3k+2 at position 100k.
  const n = RecentBatches.CAPACITY + 5;
  for (let k = 0; k < n; k++) r.add(100 * k, 100, 3 * k, 3 * k + 2);
  const oldest = n - RecentBatches.CAPACITY; // the first 5 fell out
  assert.equal(r.find(3 * oldest - 1), -1, 'before the oldest entry: not covered');
  assert.equal(r.baseOffset(r.find(3 * oldest)), 3 * oldest);
  assert.equal(r.baseOffset(r.find(3 * (n - 1) + 1)), 3 * (n - 1), 'inside the newest batch');
  assert.equal(r.find(3 * n), -1, 'past the newest batch');
  assert.equal(r.pos(r.atPosition(100 * (oldest + 2))), 100 * (oldest + 2));
  assert.equal(r.atPosition(100 * (oldest + 2) + 1), -1, 'not a batch start');
  assert.equal(r.atPosition(100 * (oldest - 1)), -1, 'fell out of the ring');
});

test('read plans from the ring equal those of the file walk, and tail fetches read no headers', () => {
  const { dir, cleanup } = tempDir();
  try {
    const config = new TopicConfig({ 'index.interval.bytes': '512' });
    const log = PartitionLog.open(dir, config, new ManualClock(0));
    let next = 0;
    for (let b = 0; b < 40; b++) {
      const size = 1 + (b % 4);
      const batch = buildBatch({ records: Array.from({ length: size }, (_, i) => ({ key: null, value: Buffer.from(`v${next + i}`), timestamp: 1000n })) });
      next += size;
      const spans = validateBatches(batch);
      assert.ok(Array.isArray(spans));
      log.append(batch, spans);
    }
    const end = log.logEndOffset;
    const cases: Array<[number, number, number]> = [];
    for (let offset = 0; offset < end; offset++) for (const maxBytes of [1, 150, 600, 1 << 20]) for (const maxOffset of [end, end - 3]) cases.push([offset, maxBytes, maxOffset]);
    const plan = (l: PartitionLog, [offset, maxBytes, maxOffset]: [number, number, number]) => {
      const p = l.planRead(offset, maxBytes, maxOffset, true);
      return p && { position: p.position, length: p.length, endOffset: p.endOffset };
    };
    // Header reads while planning fetches of the last few batches: none.
    let reads = 0;
    const io = fileIO();
    const restore = useFileIO({ ...io, readSync: (...args) => (reads++, io.readSync(...args)) });
    try {
      for (let offset = end - 8; offset < end; offset++) plan(log, [offset, 1 << 20, end]);
    } finally {
      restore();
    }
    assert.equal(reads, 0, 'tail fetches planned without reading the file');
    const fromRing = cases.map((c) => plan(log, c));
    log.close();
    const reopened = PartitionLog.open(dir, config, new ManualClock(0)); // no ring: every plan walks the file
    assert.deepEqual(cases.map((c) => plan(reopened, c)), fromRing);
    reopened.close();
  } finally {
    cleanup();
  }
});
