import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBatch } from '../../../src/protocol/records/record-batch.ts';
import { readFetchedPartition } from '../../../src/cli/wire/fetched-records.ts';

const T = 1_700_000_000_000n;
const data = (baseOffset: bigint, values: string[], txn?: { producerId: bigint }): Buffer =>
  buildBatch({
    baseOffset,
    ...(txn && { transactional: true, producerId: txn.producerId, producerEpoch: 0, baseSequence: 0 }),
    records: values.map((v) => ({ value: Buffer.from(v), timestamp: T })),
  });
/** A transaction marker: control record key = int16 version 0, int16 type (0 abort, 1 commit). */
const marker = (offset: bigint, producerId: bigint, commit: boolean): Buffer => {
  const key = Buffer.alloc(4);
  key.writeInt16BE(commit ? 1 : 0, 2);
  return buildBatch({ baseOffset: offset, control: true, transactional: true, producerId, producerEpoch: 0, records: [{ key, value: Buffer.alloc(6), timestamp: T }] });
};
const values = (r: ReturnType<typeof readFetchedPartition>): string[] => r.records.map((x) => `${x.offset}:${x.value}`);

test('records from the requested offset on; next is one past the last complete batch', () => {
  const bytes = Buffer.concat([data(0n, ['a', 'b', 'c']), data(3n, ['d'])]);
  const r = readFetchedPartition(bytes, 1n, null);
  assert.deepEqual(values(r), ['1:b', '2:c', '3:d']);
  assert.equal(r.next, 4n);
});

test('a batch cut short at the size limit is left for the next fetch', () => {
  const whole = data(0n, ['a', 'b']);
  const cut = data(2n, ['c', 'd']);
  const r = readFetchedPartition(Buffer.concat([whole, cut.subarray(0, cut.length - 3)]), 0n, null);
  assert.deepEqual(values(r), ['0:a', '1:b']);
  assert.equal(r.next, 2n);
  assert.equal(readFetchedPartition(null, 5n, null).next, 5n);
});

test('read_committed: batches of a listed aborted transaction are dropped up to its abort marker; markers advance next', () => {
  const bytes = Buffer.concat([
    data(0n, ['plain']),
    data(1n, ['x1', 'x2'], { producerId: 7n }), // aborted
    data(3n, ['y1'], { producerId: 8n }), // committed
    marker(4n, 7n, false),
    marker(5n, 8n, true),
    data(6n, ['x3'], { producerId: 7n }), // a later transaction of 7, committed
    marker(7n, 7n, true),
  ]);
  const r = readFetchedPartition(bytes, 0n, [{ producerId: 7n, firstOffset: 1n }]);
  assert.deepEqual(values(r), ['0:plain', '3:y1', '6:x3']);
  assert.equal(r.next, 8n);
  // read_uncommitted (no list) shows everything but the markers.
  assert.deepEqual(values(readFetchedPartition(bytes, 0n, null)), ['0:plain', '1:x1', '2:x2', '3:y1', '6:x3']);
});

test('read_committed: the abort marker of an empty transaction (not listed) does not hide a committed one', () => {
  const bytes = Buffer.concat([
    marker(0n, 9n, false), // an aborted transaction with no records: the broker lists nothing for it
    data(1n, ['kept'], { producerId: 9n }),
    marker(2n, 9n, true),
  ]);
  assert.deepEqual(values(readFetchedPartition(bytes, 0n, [])), ['1:kept']);
});
