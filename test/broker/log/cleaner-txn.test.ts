import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/util/clock.ts';
import { CONTROL_BIT, DELETE_HORIZON_BIT } from '../../../src/protocol/records/index.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { HOUR, cleanAll, dataRecords, openLog, put, readBatches, roll } from './cleaner-helpers.ts';
import type { PartitionLog } from '../../../src/broker/log/partition-log.ts';

const txn = (pid: bigint, seq: number) => ({ producerId: pid, producerEpoch: 0, baseSequence: seq, transactional: true });

function markers(log: PartitionLog) {
  return readBatches(log)
    .filter((b) => b.header.attributes & CONTROL_BIT)
    .map((b) => ({
      offset: Number(b.header.baseOffset),
      pid: Number(b.header.producerId),
      type: b.records[0]?.key ? b.records[0].key.charCodeAt(3) : -1,
      horizon: (b.header.attributes & DELETE_HORIZON_BIT) !== 0,
    }));
}

test('aborted transactional data is removed, committed data kept, markers kept while their data remains', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const log = openLog(dir, clock);
    put(log, clock, [{ key: 'a', value: 'base' }, { key: 'b', value: 'base' }]); // 0-1
    put(log, clock, [{ key: 'a', value: 'aborted' }, { key: 'c', value: 'aborted' }], txn(1n, 0)); // 2-3
    put(log, clock, [{ key: 'b', value: 'committed' }, { key: 'd', value: 'committed' }], txn(2n, 0)); // 4-5
    put(log, clock, [{ key: 'e', value: 'aborted' }], txn(1n, 2)); // 6
    const abortAt = log.appendMarker(1n, 0, false); // 7
    const commitAt = log.appendMarker(2n, 0, true); // 8
    put(log, clock, [{ key: 'f', value: 'plain' }]); // 9
    roll(log, clock); // 10
    assert.equal(log.lastStableOffset, log.logEndOffset);
    await cleanAll(log, clock);
    assert.deepEqual(
      dataRecords(log).map((r) => `${r.offset}:${r.key}=${r.value}`),
      ['0:a=base', '4:b=committed', '5:d=committed', '9:f=plain', '10:zz-roll=x'],
    );
    // Producer 1's last data batch stays as an empty batch (its sequence state); both markers stay.
    const p1 = readBatches(log).filter((b) => b.header.producerId === 1n && !(b.header.attributes & CONTROL_BIT));
    assert.deepEqual(p1.map((b) => [Number(b.header.baseOffset), b.records.length]), [[6, 0]]);
    assert.deepEqual(markers(log), [
      { offset: abortAt, pid: 1, type: 0, horizon: false },
      { offset: commitAt, pid: 2, type: 1, horizon: false },
    ]);

    // The emptied batch is producer 1's last, so its transaction is not gone and the ABORT marker
    // stays (as in Kafka). Once producer 1 writes again, the batch goes, then the marker gets a
    // delete horizon, then it goes once the horizon has passed.
    await cleanAll(log, clock);
    assert.equal(markers(log).length, 2);
    put(log, clock, [{ key: 'g', value: 'idempotent' }], { producerId: 1n, producerEpoch: 0, baseSequence: 3 });
    roll(log, clock);
    await cleanAll(log, clock);
    assert.ok(!readBatches(log).some((b) => Number(b.header.baseOffset) === 6), 'the aborted batch is gone');
    assert.deepEqual(markers(log)[0], { offset: abortAt, pid: 1, type: 0, horizon: false });
    await cleanAll(log, clock);
    assert.deepEqual(markers(log)[0], { offset: abortAt, pid: 1, type: 0, horizon: true });
    clock.advance(HOUR - 1);
    await cleanAll(log, clock);
    assert.equal(markers(log).length, 2, 'kept until its horizon');
    clock.advance(2);
    await cleanAll(log, clock);
    assert.deepEqual(markers(log), [{ offset: commitAt, pid: 2, type: 1, horizon: false }], 'commit marker stays while b/d committed remain');

    // Once the committed records are overwritten (and producer 2 has moved on), the commit marker
    // goes the same way.
    put(log, clock, [{ key: 'b', value: 'new' }, { key: 'd', value: 'new' }], { producerId: 2n, producerEpoch: 0, baseSequence: 2 });
    roll(log, clock);
    for (let i = 0; i < 3; i++) await cleanAll(log, clock);
    clock.advance(HOUR + 1);
    await cleanAll(log, clock);
    assert.deepEqual(markers(log), []);
    assert.deepEqual(
      dataRecords(log).filter((r) => r.key !== 'zz-roll').map((r) => `${r.key}=${r.value}`),
      ['a=base', 'f=plain', 'g=idempotent', 'b=new', 'd=new'],
    );
    log.close();
    // The rebuilt producer state sees no open transaction: the LSO is the log end.
    const reopened = openLog(dir, clock);
    assert.equal(reopened.lastStableOffset, reopened.logEndOffset);
    reopened.close();
  } finally {
    cleanup();
  }
});

test('nothing at or after the last stable offset is cleaned', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const log = openLog(dir, clock);
    put(log, clock, [{ key: 'a', value: '1' }]); // 0
    put(log, clock, [{ key: 'a', value: 'open' }], txn(3n, 0)); // 1: transaction still open
    put(log, clock, [{ key: 'a', value: '2' }]); // 2
    roll(log, clock);
    assert.equal(log.lastStableOffset, 1);
    await cleanAll(log, clock);
    assert.deepEqual(dataRecords(log).map((r) => `${r.offset}:${r.value}`), ['0:1', '1:open', '2:2', '3:x']);
    log.appendMarker(3n, 0, false);
    roll(log, clock);
    await cleanAll(log, clock);
    assert.deepEqual(dataRecords(log).map((r) => `${r.offset}:${r.value}`), ['2:2', '3:x', '5:x']);
    log.close();
  } finally {
    cleanup();
  }
});

test('an aborted transaction before the dirty section does not hide the same producer’s later committed writes', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const log = openLog(dir, clock);
    put(log, clock, [{ key: 'a', value: 'aborted' }], txn(1n, 0)); // 0
    log.appendMarker(1n, 0, false); // 1
    roll(log, clock); // 2: the aborted transaction ends in an older segment
    put(log, clock, [{ key: 'a', value: 'old' }]); // 3
    put(log, clock, [{ key: 'a', value: 'committed' }], txn(1n, 1)); // 4
    log.appendMarker(1n, 0, true); // 5
    roll(log, clock); // 6
    await cleanAll(log, clock, 3); // the dirty section starts at 3
    assert.deepEqual(dataRecords(log).map((r) => `${r.offset}:${r.key}=${r.value}`), ['2:zz-roll=x', '4:a=committed', '6:zz-roll=x']);
    log.close();
  } finally {
    cleanup();
  }
});

test('an aborted transaction whose records the cleaner removed is no longer listed to read_committed fetches (as Kafka\'s cleaned transaction index)', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(0);
    const log = openLog(dir, clock);
    put(log, clock, [{ key: 'a', value: 'aborted' }], txn(1n, 0)); // 0
    const abortAt = log.appendMarker(1n, 0, false); // 1
    put(log, clock, [{ key: 'a', value: 'committed' }], txn(1n, 1)); // 2: same producer, committed
    log.appendMarker(1n, 0, true); // 3
    roll(log, clock);
    assert.deepEqual(log.abortedTransactions(0, log.logEndOffset), [{ producerId: 1, firstOffset: 0, lastOffset: abortAt }]);
    await cleanAll(log, clock); // the aborted record goes
    await cleanAll(log, clock); // its marker gets a delete horizon: the transaction has no record left
    assert.deepEqual(log.abortedTransactions(0, log.logEndOffset), [], 'not listed once its records are gone');
    clock.advance(HOUR + 1);
    await cleanAll(log, clock);
    assert.ok(!markers(log).some((m) => m.type === 0), 'the ABORT marker is gone');
    // A reader with Kafka's rule (a listed transaction runs until its producer's next ABORT
    // marker) would otherwise skip the committed record at offset 2.
    assert.deepEqual(log.abortedTransactions(0, log.logEndOffset), []);
    assert.deepEqual(dataRecords(log).filter((r) => r.key === 'a').map((r) => `${r.offset}:${r.value}`), ['2:committed']);
    log.close();
  } finally {
    cleanup();
  }
});
