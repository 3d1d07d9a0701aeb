import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { TransactionCoordinator } from '../../../src/broker/txn/transaction-coordinator.ts';
import { TxnStateStore } from '../../../src/broker/txn/txn-state-store.ts';
import { LogManager } from '../../../src/broker/log/log-manager.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';

const FENCED = ErrorCode.PRODUCER_FENCED;

function setup(dir: string, clock = new ManualClock(1000)) {
  const logs = LogManager.open(dir, clock);
  if (!logs.topic('t')) logs.createTopic('t', 2);
  const completed: Array<[bigint, boolean]> = [];
  const coordinator = new TransactionCoordinator({
    clock,
    store: new TxnStateStore(dir),
    logs,
    offsets: { complete: (pid, committed) => (completed.push([pid, committed]), true) },
    log: pino({ level: 'silent' }),
    maxTimeoutMs: 60_000,
  });
  return { logs, coordinator, completed, clock };
}

test('init, add partitions, commit: markers land and the LSO moves past the transaction', () => {
  const { dir, cleanup } = tempDir();
  try {
    const { logs, coordinator, completed } = setup(dir);
    const init = coordinator.initProducerId('tx', 10_000, -1n, -1, FENCED);
    assert.equal(init.errorCode, ErrorCode.NONE);
    assert.equal(init.producerEpoch, 0);
    const added = coordinator.addPartitions('tx', init.producerId, 0, [{ name: 't', partitions: [0, 1] }], FENCED);
    assert.deepEqual(added[0]!.resultsByPartition.map((r) => r.partitionErrorCode), [0, 0]);
    assert.equal(coordinator.addOffsets('tx', init.producerId, 0, 'g', FENCED), ErrorCode.NONE);
    const end = coordinator.endTxn('tx', init.producerId, 0, true, FENCED);
    assert.equal(end.errorCode, ErrorCode.NONE);
    assert.equal(end.written.length, 2);
    assert.deepEqual(completed, [[init.producerId, true]]);
    for (const p of [0, 1]) assert.equal(logs.partition('t', p)!.logEndOffset, 1); // one marker each
    // a retried EndTxn is answered as success; ending again with the other outcome is not
    assert.equal(coordinator.endTxn('tx', init.producerId, 0, true, FENCED).errorCode, ErrorCode.NONE);
    assert.equal(coordinator.endTxn('tx', init.producerId, 0, false, FENCED).errorCode, ErrorCode.INVALID_TXN_STATE);
    logs.close();
  } finally {
    cleanup();
  }
});

test('a second InitProducerId fences the first producer and aborts its open transaction', () => {
  const { dir, cleanup } = tempDir();
  try {
    const { coordinator, logs } = setup(dir);
    const first = coordinator.initProducerId('tx', 10_000, -1n, -1, FENCED);
    coordinator.addPartitions('tx', first.producerId, first.producerEpoch, [{ name: 't', partitions: [0] }], FENCED);
    const second = coordinator.initProducerId('tx', 10_000, -1n, -1, FENCED);
    assert.equal(second.producerId, first.producerId);
    assert.equal(second.producerEpoch, first.producerEpoch + 1);
    assert.equal(logs.partition('t', 0)!.logEndOffset, 1, 'abort marker written');
    assert.equal(coordinator.endTxn('tx', first.producerId, first.producerEpoch, true, FENCED).errorCode, FENCED);
    assert.equal(coordinator.addOffsets('tx', first.producerId, first.producerEpoch, 'g', ErrorCode.INVALID_PRODUCER_EPOCH), ErrorCode.INVALID_PRODUCER_EPOCH);
    // the zombie cannot come back by naming its old epoch
    assert.equal(coordinator.initProducerId('tx', 10_000, first.producerId, first.producerEpoch, FENCED).errorCode, FENCED);
    logs.close();
  } finally {
    cleanup();
  }
});

test('a transaction open past its timeout is aborted with a bumped epoch', () => {
  const { dir, cleanup } = tempDir();
  try {
    const { coordinator, clock, completed, logs } = setup(dir);
    const p = coordinator.initProducerId('tx', 5_000, -1n, -1, FENCED);
    coordinator.addPartitions('tx', p.producerId, 0, [{ name: 't', partitions: [1] }], FENCED);
    coordinator.addOffsets('tx', p.producerId, 0, 'g', FENCED);
    clock.advance(4_000);
    assert.equal(coordinator.tick().length, 0);
    clock.advance(2_000);
    assert.equal(coordinator.tick().length, 1);
    assert.deepEqual(completed, [[p.producerId, false]]);
    assert.equal(coordinator.describe('tx')!.status, 'CompleteAbort');
    assert.equal(coordinator.describe('tx')!.producerEpoch, 1);
    assert.equal(coordinator.endTxn('tx', p.producerId, 0, true, FENCED).errorCode, FENCED);
    assert.equal(logs.partition('t', 1)!.producerEpoch(Number(p.producerId)), 1, 'partition fenced too');
    logs.close();
  } finally {
    cleanup();
  }
});

test('timeouts above the broker maximum are refused; state survives a restart', () => {
  const { dir, cleanup } = tempDir();
  try {
    const a = setup(dir);
    assert.equal(a.coordinator.initProducerId('tx', 120_000, -1n, -1, FENCED).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    const p = a.coordinator.initProducerId('tx', 10_000, -1n, -1, FENCED);
    a.coordinator.addPartitions('tx', p.producerId, 0, [{ name: 't', partitions: [0] }], FENCED);
    const idempotent = a.coordinator.initProducerId(null, 0, -1n, -1, FENCED);
    a.logs.close();
    const b = setup(dir);
    assert.equal(b.coordinator.describe('tx')!.status, 'Ongoing');
    assert.equal(b.coordinator.endTxn('tx', p.producerId, 0, false, FENCED).errorCode, ErrorCode.NONE);
    const next = b.coordinator.initProducerId(null, 0, -1n, -1, FENCED);
    assert.ok(next.producerId > idempotent.producerId, 'producer ids are never reused');
    b.logs.close();
  } finally {
    cleanup();
  }
});
