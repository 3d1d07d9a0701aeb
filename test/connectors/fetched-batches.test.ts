import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32c } from '@node-rs/crc32';
import { CorruptBatchError, readFetchedBatches, type FetchedBatch } from '../../src/connectors/kafka/fetched-batches.ts';
import * as H from '../../src/protocol/records/batch-header.ts';
import { buildBatch, decodeBatchRecords, type BatchInput } from '../../src/protocol/records/record-batch.ts';

// The KafkaSource's reader of fetched record batches (Sluice's codec, not the client library's):
// checked against the broker's own batch decoder and against Kafka's read_committed rule.

const T0 = 1_700_000_000_000n;
const rec = (value: string, i = 0, extra: Partial<BatchInput['records'][number]> = {}) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(value), timestamp: T0 + BigInt(i), ...extra });

/** Absolute offsets, timestamps and values of every data record read. */
function flat(batches: readonly FetchedBatch[]): Array<[bigint, number, string | null]> {
  return batches.flatMap((b) => b.records.map((r) => [b.firstOffset + BigInt(r.offsetDelta), b.firstTimestamp + r.timestampDelta, r.value?.toString() ?? null] as [bigint, number, string | null]));
}

/** A transaction marker (control batch) of `producerId`: abort (type 0) or commit (type 1). */
function marker(offset: bigint, producerId: bigint, type: 0 | 1): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type, 2);
  return buildBatch({ baseOffset: offset, control: true, transactional: true, producerId, producerEpoch: 0, records: [{ key, value: Buffer.alloc(6), timestamp: T0 }] });
}
const txnBatch = (offset: bigint, producerId: bigint, ...values: string[]) =>
  buildBatch({ baseOffset: offset, transactional: true, producerId, producerEpoch: 0, records: values.map((v, i) => rec(v, i)) });

test('records, keys, null values, headers and timestamps read as the broker wrote them', () => {
  const batch = buildBatch({
    baseOffset: 40n,
    records: [
      rec('a', 0, { headers: [{ key: 'h1', value: Buffer.from('x') }, { key: 'h2', value: null }] }),
      { key: null, value: null, timestamp: T0 - 5n },
      rec('c', 2, { timestamp: T0 + 3_000_000_000n }),
    ],
  });
  const read = readFetchedBatches(batch, 40n, null);
  assert.equal(read.records, 3);
  assert.equal(read.next, 43n);
  const [b] = read.batches;
  const [r0, r1, r2] = b!.records;
  assert.equal(r0!.key!.toString(), 'k0');
  assert.deepEqual(r0!.headers.map(([k, v]) => [k.toString(), v?.toString() ?? null]), [['h1', 'x'], ['h2', null]]);
  assert.equal(r1!.key, null);
  assert.equal(r1!.value, null);
  assert.deepEqual(flat(read.batches).map(([o, t]) => [o, t]), [[40n, Number(T0)], [41n, Number(T0 - 5n)], [42n, Number(T0 + 3_000_000_000n)]]);
  assert.equal(r2!.value!.toString(), 'c');
});

test('every compression codec reads back what the broker codec decodes (seeded random batches)', () => {
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
  for (const compression of [H.COMPRESSION_NONE, H.COMPRESSION_GZIP, H.COMPRESSION_SNAPPY, H.COMPRESSION_LZ4, H.COMPRESSION_ZSTD]) {
    for (let round = 0; round < 5; round++) {
      const records = Array.from({ length: 1 + rand(300) }, (_, i) => ({
        key: rand(4) === 0 ? null : Buffer.from(`key-${rand(1000)}`),
        value: rand(10) === 0 ? null : Buffer.alloc(rand(400), rand(256)),
        timestamp: T0 + BigInt(rand(2_000_000)) - 1_000_000n,
        headers: rand(3) === 0 ? [{ key: `h${i}`, value: rand(2) === 0 ? null : Buffer.from('v') }] : [],
      }));
      const base = BigInt(rand(1_000_000));
      const batch = buildBatch({ baseOffset: base, compression, records });
      const expected = decodeBatchRecords(batch).map((r) => [r.offset, Number(r.timestamp), r.value?.toString('hex') ?? null]);
      const read = readFetchedBatches(batch, base, null);
      assert.deepEqual(
        read.batches.flatMap((b) => b.records.map((r) => [b.firstOffset + BigInt(r.offsetDelta), b.firstTimestamp + r.timestampDelta, r.value?.toString('hex') ?? null])),
        expected,
        `codec ${compression}, round ${round}`,
      );
      const keys = read.batches[0]!.records.map((r) => r.key?.toString() ?? null);
      assert.deepEqual(keys, decodeBatchRecords(batch).map((r) => r.key?.toString() ?? null));
    }
  }
});

test('a batch cut short at the size limit is left for the next fetch', () => {
  const a = buildBatch({ baseOffset: 0n, records: [rec('a'), rec('b', 1)] });
  const b = buildBatch({ baseOffset: 2n, records: [rec('c')] });
  const bytes = Buffer.concat([a, b.subarray(0, b.length - 3)]);
  const read = readFetchedBatches(bytes, 0n, null);
  assert.deepEqual(flat(read.batches).map(([o]) => o), [0n, 1n]);
  assert.equal(read.next, 2n);
  assert.equal(readFetchedBatches(b.subarray(0, 30), 2n, null).next, 2n, 'not even a header: nothing read, same position');
});

test('a flipped byte fails the CRC-32C check with the batch offset; an old message format is refused by name', () => {
  const batch = buildBatch({ baseOffset: 9n, records: [rec('payload')] });
  const bad = Buffer.from(batch);
  bad[bad.length - 2]! ^= 0xff;
  assert.throws(() => readFetchedBatches(bad, 9n, null), (e: unknown) => e instanceof CorruptBatchError && e.offset === 9n && /CRC/.test(e.message));
  const v1 = Buffer.from(batch);
  v1.writeInt8(1, H.MAGIC);
  assert.throws(() => readFetchedBatches(v1, 9n, null), /message format v1/);
});

test('a record whose length lies is corrupt, not a crash or a read past the batch; found when the records are first read', () => {
  const batch = buildBatch({ baseOffset: 0n, records: [rec('abc')] });
  const lying = Buffer.from(batch);
  lying[H.BATCH_HEADER_SIZE] = 0x7e; // varint length 63: past the end
  lying.writeUInt32BE(crc32c(lying.subarray(H.ATTRIBUTES)), H.CRC);
  // Its CRC holds: the records are decoded (and the lie found) when the reader first reads them.
  const read = readFetchedBatches(lying, 0n, null);
  assert.throws(() => read.batches[0]!.records, (e: unknown) => e instanceof CorruptBatchError && /runs past/.test(e.message));
  const wrapped = readFetchedBatches(lying, 0n, null, (e) => new TypeError(`wrapped: ${e.message}`));
  assert.throws(() => wrapped.batches[0]!.records, (e: unknown) => e instanceof TypeError && /^wrapped: .*runs past/.test(e.message));
});

test('read_committed: aborted data dropped, committed kept, control batches kept empty and counted in the position', () => {
  const P = 5n;
  const Q = 6n;
  const bytes = Buffer.concat([
    txnBatch(0n, P, 'p-aborted-1', 'p-aborted-2'),
    txnBatch(2n, Q, 'q-committed'),
    marker(3n, P, 0),
    marker(4n, Q, 1),
    txnBatch(5n, P, 'p-committed'),
    marker(6n, P, 1),
  ]);
  const read = readFetchedBatches(bytes, 0n, [{ producerId: P, firstOffset: 0n }]);
  assert.deepEqual(flat(read.batches).map(([, , v]) => v), ['q-committed', 'p-committed']);
  assert.equal(read.records, 2);
  assert.equal(read.next, 7n);
  assert.equal(read.batches.filter((b) => b.attributes & H.CONTROL_BIT).length, 3);
  assert.ok(read.batches.every((b) => !(b.attributes & H.CONTROL_BIT) || b.records.length === 0));
  const uncommitted = readFetchedBatches(bytes, 0n, null);
  assert.deepEqual(flat(uncommitted.batches).map(([, , v]) => v), ['p-aborted-1', 'p-aborted-2', 'q-committed', 'p-committed'], 'read_uncommitted sees everything but markers');
});

test("read_committed: the abort marker of an empty transaction does not stretch an earlier abort over committed data (Kafka's rule)", () => {
  const P = 11n;
  // aborted [0,1) → marker 1; committed 2 → marker 3; an empty aborted transaction's marker at 4
  // (Kafka does not list it); committed 5 → marker 6.
  const bytes = Buffer.concat([txnBatch(0n, P, 'aborted'), marker(1n, P, 0), txnBatch(2n, P, 'kept-1'), marker(3n, P, 1), marker(4n, P, 0), txnBatch(5n, P, 'kept-2'), marker(6n, P, 1)]);
  const read = readFetchedBatches(bytes, 0n, [{ producerId: P, firstOffset: 0n }]);
  assert.deepEqual(flat(read.batches).map(([, , v]) => v), ['kept-1', 'kept-2']);
});

test('a response of aborted data only still moves the next fetch past it', () => {
  const read = readFetchedBatches(txnBatch(10n, 3n, 'x', 'y'), 10n, [{ producerId: 3n, firstOffset: 10n }]);
  assert.deepEqual(read.batches, []);
  assert.equal(read.next, 12n);
  assert.equal(readFetchedBatches(null, 4n, null).next, 4n);
});
