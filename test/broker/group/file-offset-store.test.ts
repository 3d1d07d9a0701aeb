import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FileOffsetStore } from '../../../src/broker/group/file-offset-store.ts';
import type { OffsetCommitEntry, OffsetLogEntry } from '../../../src/broker/group/offset-log.ts';

function offset(partition: number, value: bigint, groupId = 'g'): OffsetCommitEntry {
  return { type: 'offset', groupId, topic: 't', partition, offset: value, leaderEpoch: -1, metadata: null, commitTimestamp: 1 };
}

describe('FileOffsetStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-offset-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replays what was appended, with bigints and buffers intact', () => {
    const s = new FileOffsetStore(dir);
    assert.deepEqual(s.load(), []);
    const group: OffsetLogEntry = {
      type: 'group', groupId: 'g', protocolType: 'consumer', generationId: 3, protocolName: 'range', leader: 'm1', stateTimestamp: 7,
      members: [{ memberId: 'm1', groupInstanceId: null, clientId: 'c', clientHost: 'h', rebalanceTimeoutMs: 1, sessionTimeoutMs: 2,
        protocols: [{ name: 'range', metadata: Buffer.from([0, 1, 2]) }], assignment: Buffer.from('xyz') }],
    };
    s.append([offset(0, 2n ** 63n - 1n), group]);
    s.append([{ ...offset(1, 5n), type: 'txn-offset', producerId: 12n }]);
    s.close();
    const loaded = new FileOffsetStore(dir).load();
    assert.deepEqual(loaded, [group, offset(0, 2n ** 63n - 1n), { ...offset(1, 5n), type: 'txn-offset', producerId: 12n }]);
  });

  it('load() keeps only live entries: latest per partition, minus tombstones and deleted groups', () => {
    const s = new FileOffsetStore(dir);
    s.load();
    s.append([offset(0, 1n), offset(0, 2n), offset(1, 1n), offset(0, 9n, 'h')]);
    s.append([{ type: 'offset-tombstone', groupId: 'g', topic: 't', partition: 1 }]);
    s.append([{ type: 'group-tombstone', groupId: 'h' }]);
    s.append([{ ...offset(2, 7n), type: 'txn-offset', producerId: 1n }, { type: 'txn-end', producerId: 1n, groupId: 'g', committed: true }]);
    s.append([{ ...offset(3, 7n), type: 'txn-offset', producerId: 2n }, { type: 'txn-end', producerId: 2n, groupId: 'g', committed: false }]);
    s.close();
    assert.deepEqual(new FileOffsetStore(dir).load(), [offset(0, 2n), offset(2, 7n)]);
  });

  it('a torn tail (crash mid-append) is cut off and appending continues', () => {
    const s = new FileOffsetStore(dir);
    s.load();
    s.append([offset(0, 1n)]);
    s.append([offset(1, 1n)]);
    s.close();
    const good = statSync(s.path).size;
    // Half a record: a header promising more bytes than were written.
    const torn = Buffer.alloc(12);
    torn.writeUInt32BE(500, 0);
    appendFileSync(s.path, torn);

    const s2 = new FileOffsetStore(dir);
    assert.deepEqual(s2.load(), [offset(0, 1n), offset(1, 1n)]);
    assert.equal(statSync(s.path).size, good, 'the tail was truncated');
    s2.append([offset(2, 1n)]);
    s2.close();
    assert.deepEqual(new FileOffsetStore(dir).load(), [offset(0, 1n), offset(1, 1n), offset(2, 1n)]);
  });

  it('a record with a bad checksum ends the log there', () => {
    const s = new FileOffsetStore(dir);
    s.load();
    s.append([offset(0, 1n)]);
    const firstEnd = statSync(s.path).size;
    s.append([offset(1, 1n)]);
    s.append([offset(2, 1n)]);
    s.close();
    const bytes = readFileSync(s.path);
    bytes[firstEnd + 12] = bytes[firstEnd + 12]! ^ 0xff; // flip a payload byte of the second record
    writeFileSync(s.path, bytes);
    assert.deepEqual(new FileOffsetStore(dir).load(), [offset(0, 1n)]);
    assert.equal(statSync(s.path).size, firstEnd);
  });

  it('a stale temp file from a crash mid-compaction is ignored and removed', () => {
    const s = new FileOffsetStore(dir);
    s.load();
    s.append([offset(0, 1n), offset(0, 2n)]);
    s.close();
    const temp = join(dir, 'group-offsets.log.compacting');
    writeFileSync(temp, Buffer.from('half-written compaction output'));
    const s2 = new FileOffsetStore(dir);
    assert.deepEqual(s2.load(), [offset(0, 2n)]);
    assert.equal(existsSync(temp), false);
  });

  it('compacts when the log grows to several times the live entries', () => {
    const s = new FileOffsetStore(dir, { compactionRatio: 4, minCompactionRecords: 20 });
    s.load();
    for (let i = 0; i < 19; i++) s.append([offset(0, BigInt(i))]);
    const before = statSync(s.path).size;
    s.append([offset(0, 19n)]); // 20 records, 1 live: rewrite
    assert.ok(statSync(s.path).size < before / 10, 'the file shrank to the live entries');
    s.append([offset(1, 1n)]);
    s.close();
    assert.deepEqual(new FileOffsetStore(dir).load(), [offset(0, 19n), offset(1, 1n)]);
  });

  it('compacts on load when the log is mostly dead', () => {
    const big = new FileOffsetStore(dir, { minCompactionRecords: 1_000_000 });
    big.load();
    for (let i = 0; i < 50; i++) big.append([offset(i % 2, BigInt(i))]);
    big.close();
    const before = statSync(big.path).size;
    const s = new FileOffsetStore(dir, { compactionRatio: 4, minCompactionRecords: 10 });
    assert.deepEqual(s.load(), [offset(0, 48n), offset(1, 49n)]);
    assert.ok(statSync(s.path).size < before / 10);
    s.close();
  });

  it('append before load is a programming error', () => {
    assert.throws(() => new FileOffsetStore(dir).append([offset(0, 1n)]), /load\(\) must be called/);
  });
});
