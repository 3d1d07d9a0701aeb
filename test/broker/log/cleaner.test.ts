import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../../src/util/clock.ts';
import { DELETE_HORIZON_BIT } from '../../../src/protocol/records/index.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { HOUR, cleanAll, dataRecords, openLog, put, readBatches, roll } from './cleaner-helpers.ts';

/** The latest value per key among records below `until`, in offset order. */
function latestPerKey(writes: Array<{ offset: number; key: string; value: string | null }>, until: number) {
  const latest = new Map<string, { offset: number; key: string; value: string | null }>();
  for (const w of writes) if (w.offset < until) latest.set(w.key, w);
  return [...latest.values()].sort((a, b) => a.offset - b.offset);
}

test('keeps only the latest record per key and marks tombstones with a delete horizon', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(1_000_000);
    const log = openLog(dir, clock);
    const writes: Array<{ offset: number; key: string; value: string | null }> = [];
    for (let v = 0; v < 10; v++) {
      for (let k = 0; k < 20; k++) {
        const value = v === 9 && k % 5 === 0 ? null : `v${v}-k${k}`;
        const offset = put(log, clock, [{ key: `k${k}`, value }]);
        writes.push({ offset, key: `k${k}`, value });
      }
    }
    roll(log, clock);
    const result = await cleanAll(log, clock);
    assert.equal(result.endOffset, 200);
    assert.ok(result.bytesAfter < result.bytesBefore / 3, `${result.bytesBefore} -> ${result.bytesAfter} bytes`);
    const segmentsAfterFirst = log.segmentsForCleaning().length;
    const expected = latestPerKey(writes, 200);
    const seen = dataRecords(log).filter((r) => r.offset < 200);
    assert.deepEqual(seen, expected);
    assert.equal(seen.filter((r) => r.value === null).length, 4, 'tombstones stay until delete.retention.ms passes');
    const tombstoneBatches = readBatches(log).filter((b) => b.records.some((r) => r.value === null));
    for (const b of tombstoneBatches) {
      assert.ok(b.header.attributes & DELETE_HORIZON_BIT, 'a cleaned tombstone batch carries its delete horizon');
      assert.equal(Number(b.header.baseTimestamp), clock.now() + HOUR);
    }
    assert.equal(result.nextHorizon, clock.now() + HOUR);
    // Before the horizon, another round keeps them; after it, they go.
    clock.advance(HOUR - 1);
    await cleanAll(log, clock);
    assert.ok(log.segmentsForCleaning().length < segmentsAfterFirst, 'small cleaned segments are merged by the next round');
    assert.equal(dataRecords(log).filter((r) => r.value === null).length, 4);
    clock.advance(2);
    await cleanAll(log, clock);
    assert.deepEqual(
      dataRecords(log).filter((r) => r.offset < 200),
      expected.filter((r) => r.value !== null),
    );
    // Offsets are kept, the active segment is untouched and the log end did not move.
    assert.equal(log.logEndOffset, 201);
    assert.deepEqual(dataRecords(log).at(-1), { offset: 200, key: 'zz-roll', value: 'x' });
    log.close();
    const reopened = openLog(dir, clock);
    assert.deepEqual(dataRecords(reopened).filter((r) => r.offset < 200), expected.filter((r) => r.value !== null));
    reopened.close();
  } finally {
    cleanup();
  }
});

test('records without a key are removed; the batch ending the round stays, emptied, until a later round', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const log = openLog(dir, clock);
    put(log, clock, [{ key: 'a', value: '1' }, { key: null, value: 'no-key' }]);
    put(log, clock, [{ key: 'a', value: '2' }]);
    put(log, clock, [{ key: null, value: 'no-key' }]);
    put(log, clock, [{ key: 'b', value: '1' }]);
    roll(log, clock);
    await cleanAll(log, clock, 0, 4); // the round ends before offset 4
    const show = () => readBatches(log).map((b) => `${b.header.baseOffset}:[${b.records.map((r) => `${r.key}=${r.value}`).join(',')}]`);
    assert.deepEqual(show(), ['2:[a=2]', '3:[]', '4:[b=1]', '5:[zz-roll=x]']);
    put(log, clock, [{ key: 'b', value: '2' }]);
    roll(log, clock);
    await cleanAll(log, clock, 4);
    assert.deepEqual(show(), ['2:[a=2]', '5:[zz-roll=x]', '6:[b=2]', '7:[zz-roll=x]']);
    log.close();
  } finally {
    cleanup();
  }
});

test('an idempotent producer keeps its last batch (emptied) with its producer id, epoch and sequence', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const log = openLog(dir, clock);
    put(log, clock, [{ key: 'a', value: 'p1' }, { key: 'b', value: 'p1' }], { producerId: 7n, producerEpoch: 3, baseSequence: 0 });
    put(log, clock, [{ key: 'a', value: 'plain' }, { key: 'b', value: 'plain' }]);
    roll(log, clock);
    await cleanAll(log, clock);
    const kept = readBatches(log).find((b) => b.header.producerId === 7n);
    assert.ok(kept, 'the batch of producer 7 stays');
    assert.equal(kept.records.length, 0);
    assert.equal(kept.header.baseSequence, 0);
    assert.equal(kept.header.producerEpoch, 3);
    assert.equal(kept.header.baseOffset, 0n);
    assert.equal(kept.header.lastOffsetDelta, 1);
    assert.deepEqual(dataRecords(log).map((r) => `${r.key}=${r.value}`), ['a=plain', 'b=plain', 'zz-roll=x']);
    log.close();
    rmSync(join(dir, 'producer-state.json'), { force: true }); // as after a crash: rebuild from the log
    const reopened = openLog(dir, clock);
    // The producer state rebuilt from the cleaned log still knows sequence 0-1: the next is 2.
    put(reopened, clock, [{ key: 'c', value: 'p1' }], { producerId: 7n, producerEpoch: 3, baseSequence: 2 });
    reopened.close();
  } finally {
    cleanup();
  }
});
