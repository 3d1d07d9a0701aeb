import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snappyCompress } from '@platformatic/wasm-utils';
import {
  buildBatch,
  compress,
  decompress,
  decodeBatchRecords,
  COMPRESSION_GZIP,
  COMPRESSION_LZ4,
  COMPRESSION_NONE,
  COMPRESSION_SNAPPY,
  COMPRESSION_ZSTD,
} from '../../../src/protocol/records/index.ts';

const CODECS = [COMPRESSION_NONE, COMPRESSION_GZIP, COMPRESSION_SNAPPY, COMPRESSION_LZ4, COMPRESSION_ZSTD];

test('every codec round-trips small, empty and multi-block data', () => {
  const big = Buffer.alloc(200_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 9)) & 0xff;
  for (const codec of CODECS) {
    for (const data of [Buffer.alloc(0), Buffer.from('abc'), big]) {
      assert.deepEqual(decompress(codec, compress(codec, data)), data, `codec ${codec}, ${data.length} bytes`);
    }
  }
});

test('snappy writes xerial framing and reads both framed and raw blocks', () => {
  const data = Buffer.from('key=value;'.repeat(10_000));
  const framed = compress(COMPRESSION_SNAPPY, data);
  assert.equal(framed.subarray(0, 8).toString('hex'), '82534e4150505900');
  assert.equal(framed.readInt32BE(8), 1);
  assert.equal(framed.readInt32BE(12), 1);
  assert.deepEqual(decompress(COMPRESSION_SNAPPY, framed), data);
  assert.deepEqual(decompress(COMPRESSION_SNAPPY, snappyCompress(data)), data);
});

test('lz4 writes the LZ4 frame format (magic 0x184D2204)', () => {
  const framed = compress(COMPRESSION_LZ4, Buffer.from('x'.repeat(1000)));
  assert.equal(framed.readUInt32LE(0), 0x184d2204);
});

test('batches of every codec decode to the same records', () => {
  const records = Array.from({ length: 50 }, (_, i) => ({
    key: Buffer.from(`k${i % 7}`),
    value: i % 5 === 0 ? null : Buffer.from(`value-${i}`),
    timestamp: 1_000n + BigInt(i),
  }));
  for (const codec of CODECS) {
    const decoded = decodeBatchRecords(buildBatch({ compression: codec, records }));
    assert.equal(decoded.length, 50);
    decoded.forEach((r, i) => {
      assert.deepEqual(r.key, records[i]!.key);
      assert.deepEqual(r.value, records[i]!.value);
      assert.equal(r.timestamp, records[i]!.timestamp);
    });
  }
});
