import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/util/clock.ts';
import {
  COMPRESSION_GZIP,
  COMPRESSION_LZ4,
  COMPRESSION_NONE,
  COMPRESSION_SNAPPY,
  COMPRESSION_ZSTD,
  DELETE_HORIZON_BIT,
  compressionOf,
} from '../../../src/protocol/records/index.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { cleanAll, dataRecords, openLog, put, readBatches, roll } from './cleaner-helpers.ts';

const CODECS = { none: COMPRESSION_NONE, gzip: COMPRESSION_GZIP, snappy: COMPRESSION_SNAPPY, lz4: COMPRESSION_LZ4, zstd: COMPRESSION_ZSTD };

for (const [name, codec] of Object.entries(CODECS)) {
  test(`${name} batches are rewritten with ${name}`, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const clock = new ManualClock(0);
      const log = openLog(dir, clock, { 'segment.bytes': '4096' });
      for (let v = 0; v < 4; v++) {
        put(
          log,
          clock,
          Array.from({ length: 10 }, (_, k) => ({ key: `k${k}`, value: v === 3 && k === 0 ? null : `v${v}-${'x'.repeat(k * 10)}` })),
          { compression: codec },
        );
        clock.advance(1);
      }
      roll(log, clock);
      await cleanAll(log, clock);
      const batches = readBatches(log).filter((b) => b.records.some((r) => r.key !== 'zz-roll'));
      assert.equal(batches.length, 1, 'only the last batch holds latest values');
      const [b] = batches;
      assert.equal(compressionOf(b!.header.attributes), codec);
      assert.ok(b!.header.attributes & DELETE_HORIZON_BIT, 'it holds a tombstone, so it got a horizon');
      assert.deepEqual(
        dataRecords(log).filter((r) => r.key !== 'zz-roll').map((r) => `${r.offset}:${r.key}=${r.value?.slice(0, 2) ?? null}`),
        Array.from({ length: 10 }, (_, k) => `${30 + k}:k${k}=${k === 0 ? null : 'v3'}`),
      );
      log.close();
    } finally {
      cleanup();
    }
  });
}

test('a partly kept compressed batch keeps its codec and its base and last offsets', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(5_000);
    const log = openLog(dir, clock);
    put(log, clock, [{ key: 'a', value: '1' }, { key: 'b', value: '1' }, { key: 'c', value: '1' }], { compression: COMPRESSION_ZSTD });
    clock.advance(10);
    put(log, clock, [{ key: 'b', value: '2' }]);
    roll(log, clock);
    await cleanAll(log, clock);
    const first = readBatches(log)[0]!;
    assert.equal(compressionOf(first.header.attributes), COMPRESSION_ZSTD);
    assert.equal(first.header.baseOffset, 0n);
    assert.equal(first.header.lastOffsetDelta, 2);
    assert.equal(first.header.recordCount, 2);
    assert.deepEqual(first.records.map((r) => `${r.offset}:${r.key}`), ['0:a', '2:c']);
    log.close();
  } finally {
    cleanup();
  }
});
