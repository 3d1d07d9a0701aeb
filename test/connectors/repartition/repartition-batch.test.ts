import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RepartitionBatch } from '../../../src/connectors/kafka/repartition/repartition-batch.ts';
import { HEADER_MARKER, HEADER_TIMESTAMP, HEADER_WRITER, MARKER_VALUES, encodeTime } from '../../../src/connectors/kafka/repartition/exchange-records.ts';
import { buildBatch, decodeBatchRecords } from '../../../src/protocol/records/record-batch.ts';
import { readBatchHeader, TRANSACTIONAL_BIT } from '../../../src/protocol/records/batch-header.ts';
import { validateBatches } from '../../../src/protocol/records/batch-validation.ts';

// The repartition writer's batch encoder against the protocol's reference encoder (buildBatch,
// which the broker's tests pin) and the broker's decoder and validator.

const writer = Buffer.from('stage-1/0');
const data = [
  { ts: 1_700_000_000_000, key: Buffer.from('k-1'), value: Buffer.from('v-1'), time: 12.5 },
  { ts: 1_700_000_000_003, key: undefined, value: new Uint8Array([0, 1, 2, 255]), time: Number.NEGATIVE_INFINITY },
  { ts: 1_699_999_999_990, key: Buffer.alloc(0), value: Buffer.alloc(300, 7), time: -42 },
];

test('data records and markers encode byte for byte as the protocol encoder writes them', () => {
  const b = new RepartitionBatch(64); // small: the buffer must grow on the way
  for (const d of data) b.addData(d.ts, d.key, d.value, d.time);
  b.addMarker(1_700_000_000_010, MARKER_VALUES.w, writer, 99);
  b.addMarker(1_700_000_000_010, MARKER_VALUES.i, writer, Number.NEGATIVE_INFINITY);
  const ours = b.seal(77n, 3, 1000, true);

  const reference = buildBatch({
    producerId: 77n,
    producerEpoch: 3,
    baseSequence: 1000,
    transactional: true,
    partitionLeaderEpoch: -1,
    records: [
      ...data.map((d) => ({ timestamp: BigInt(d.ts), key: d.key ?? null, value: Buffer.from(d.value), headers: [{ key: HEADER_TIMESTAMP.toString(), value: encodeTime(d.time) }] })),
      ...(['w', 'i'] as const).map((kind, i) => ({
        timestamp: 1_700_000_000_010n,
        key: null,
        value: null,
        headers: [
          { key: HEADER_MARKER.toString(), value: MARKER_VALUES[kind] },
          { key: HEADER_WRITER.toString(), value: writer },
          { key: HEADER_TIMESTAMP.toString(), value: encodeTime(i === 0 ? 99 : Number.NEGATIVE_INFINITY) },
        ],
      })),
    ],
    maxTimestamp: 1_700_000_000_010n,
  });
  assert.equal(ours.toString('hex'), reference.toString('hex'));
});

test("the broker's validator accepts the batch and its decoder reads the records back", () => {
  const b = new RepartitionBatch();
  for (const d of data) b.addData(d.ts, d.key, d.value, d.time);
  b.addMarker(1_700_000_000_020, MARKER_VALUES.a, writer, 5);
  const bytes = b.seal(5n, 0, 0, false);
  assert.deepEqual(validateBatches(bytes), [{ pos: 0, size: bytes.length, recordCount: 4, lastOffsetDelta: 3 }]);
  const h = readBatchHeader(bytes);
  assert.equal(h.recordCount, 4);
  assert.equal(h.attributes & TRANSACTIONAL_BIT, 0);
  assert.equal(h.baseTimestamp, 1_700_000_000_000n);
  assert.equal(h.maxTimestamp, 1_700_000_000_020n);
  const records = decodeBatchRecords(bytes);
  assert.deepEqual(
    records.slice(0, 3).map((r) => ({ ts: Number(r.timestamp), key: r.key === null ? undefined : r.key, value: r.value, time: r.headers[0]!.value!.readDoubleBE(0), headers: r.headers.map((x) => x.key) })),
    data.map((d) => ({ ts: d.ts, key: d.key, value: Buffer.from(d.value), time: d.time, headers: ['sluice.t'] })),
  );
  const marker = records[3]!;
  assert.equal(marker.key, null);
  assert.equal(marker.value, null);
  assert.deepEqual(
    marker.headers.map((x) => [x.key, x.value]),
    [
      ['sluice.m', Buffer.from('a')],
      ['sluice.w', writer],
      ['sluice.t', encodeTime(5)],
    ],
  );
});

test('a record whose timestamp is too far from the batch start does not join it', () => {
  const b = new RepartitionBatch();
  assert.equal(b.accepts(0), true);
  b.addData(1_000, undefined, Buffer.from('x'), 0);
  assert.equal(b.accepts(1_000 + 2 ** 30), false);
  assert.equal(b.accepts(1_000 + 60_000), true);
  assert.throws(() => new RepartitionBatch().seal(1n, 0, 0, false), RangeError);
});

test('a key given as text is written as its UTF-8 bytes (ASCII and not)', () => {
  const b = new RepartitionBatch(64);
  b.addData(10, 'user-42', Buffer.from('a'), 1);
  b.addData(11, 'clé-ключ-鍵', Buffer.from('b'), 2);
  b.addData(12, '', Buffer.from('c'), 3);
  const keys = decodeBatchRecords(b.seal(1n, 0, 0, false)).map((r) => r.key);
  assert.deepEqual(keys, [Buffer.from('user-42'), Buffer.from('clé-ключ-鍵', 'utf8'), Buffer.alloc(0)]);
});
