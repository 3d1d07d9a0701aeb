import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProducerStateTable, type ProducerBatch } from '../../../src/broker/txn/producer-state.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';

const batch = (over: Partial<ProducerBatch>): ProducerBatch => ({
  producerId: 7,
  producerEpoch: 0,
  baseSequence: 0,
  recordCount: 10,
  transactional: false,
  ...over,
});

test('sequences must follow on; a resent batch among the last five is a duplicate', () => {
  const t = new ProducerStateTable();
  assert.deepEqual(t.check(batch({})), { kind: 'append' });
  t.onAppend(batch({}), 0, 9);
  assert.deepEqual(t.check(batch({ baseSequence: 10 })), { kind: 'append' });
  t.onAppend(batch({ baseSequence: 10 }), 10, 19);
  assert.deepEqual(t.check(batch({ baseSequence: 0 })), { kind: 'duplicate', firstOffset: 0, lastOffset: 9 });
  const gap = t.check(batch({ baseSequence: 30 }));
  assert.equal(gap.kind === 'reject' && gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  for (let i = 2; i < 8; i++) t.onAppend(batch({ baseSequence: i * 10 }), i * 10, i * 10 + 9);
  // batch 0 fell out of the five cached: now it is out of order, not a duplicate
  assert.equal(t.check(batch({ baseSequence: 0 })).kind, 'reject');
  assert.equal(t.check(batch({ baseSequence: 30 })).kind, 'duplicate');
});

test('unknown producers must start at 0; older epochs are fenced; a new epoch restarts at 0', () => {
  const t = new ProducerStateTable();
  const unknown = t.check(batch({ baseSequence: 5 }));
  assert.equal(unknown.kind === 'reject' && unknown.errorCode, ErrorCode.UNKNOWN_PRODUCER_ID);
  t.onAppend(batch({ producerEpoch: 3 }), 0, 9);
  const old = t.check(batch({ producerEpoch: 2, baseSequence: 10 }));
  assert.equal(old.kind === 'reject' && old.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
  const bad = t.check(batch({ producerEpoch: 4, baseSequence: 10 }));
  assert.equal(bad.kind === 'reject' && bad.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  assert.deepEqual(t.check(batch({ producerEpoch: 4, baseSequence: 0 })), { kind: 'append' });
});

test('open transactions hold the LSO; aborted ones enter the index; state survives JSON', () => {
  const t = new ProducerStateTable();
  t.onAppend(batch({ producerId: 1, transactional: true }), 100, 109);
  t.onAppend(batch({ producerId: 2, transactional: true }), 110, 119);
  assert.equal(t.lastStableOffset(120), 100);
  t.onMarker(1, 0, false, 120);
  assert.equal(t.lastStableOffset(121), 110);
  t.onMarker(2, 0, true, 121);
  assert.equal(t.lastStableOffset(122), 122);
  assert.deepEqual(t.abortedBetween(0, 200), [{ producerId: 1, firstOffset: 100, lastOffset: 120 }]);
  assert.deepEqual(t.abortedBetween(121, 200), []);
  const copy = ProducerStateTable.fromJSON(JSON.parse(JSON.stringify(t.toJSON())));
  assert.deepEqual(copy.abortedBetween(0, 200), t.abortedBetween(0, 200));
  assert.equal(copy.epochOf(1), 0);
  t.dropAbortedBefore(121);
  assert.deepEqual(t.abortedBetween(0, 200), []);
});
