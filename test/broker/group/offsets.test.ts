import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GroupCoordinator } from '../../../src/broker/group/coordinator.ts';
import * as E from '../../../src/broker/group/error-codes.ts';
import { FileOffsetStore } from '../../../src/broker/group/file-offset-store.ts';
import type { OffsetCommitRequest } from '../../../src/broker/group/messages.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { hb, setup, stableGroup, stateOf } from './helpers.ts';

function commitReq(groupId: string, parts: [string, number, bigint, string?][], generation = -1, memberId = ''): OffsetCommitRequest {
  const topics = new Map<string, OffsetCommitRequest['topics'][number]>();
  for (const [name, partitionIndex, committedOffset, metadata] of parts) {
    if (!topics.has(name)) topics.set(name, { name, partitions: [] });
    topics.get(name)!.partitions.push({ partitionIndex, committedOffset, committedLeaderEpoch: 3, committedMetadata: metadata ?? null });
  }
  return { groupId, generationIdOrMemberEpoch: generation, memberId, groupInstanceId: null, topics: [...topics.values()] };
}

function errors(r: { topics: { partitions: { errorCode: number }[] }[] }): number[] {
  return r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
}

describe('GroupCoordinator offsets', () => {
  it('simple (standalone) commits and fetches, old and new OffsetFetch shapes', () => {
    const { coordinator: c } = setup();
    const res = c.offsetCommit(commitReq('s', [['t', 0, 10n, 'meta'], ['t', 1, 20n], ['u', 0, 5n]]), 8);
    assert.deepEqual(errors(res), [E.NONE, E.NONE, E.NONE]);
    assert.equal(c.committedOffset('s', 't', 1), 20n);
    assert.equal(c.committedOffset('s', 't', 2), undefined);

    const v1 = c.offsetFetch({ groupId: 's', topics: [{ name: 't', partitionIndexes: [0, 2] }] }, 1);
    assert.deepEqual(v1.topics, [
      { name: 't', partitions: [
        { partitionIndex: 0, committedOffset: 10n, committedLeaderEpoch: 3, metadata: 'meta', errorCode: E.NONE },
        { partitionIndex: 2, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: E.NONE },
      ] },
    ]);
    const all = c.offsetFetch({ groupId: 's', topics: null }, 7);
    assert.deepEqual(all.topics.map((t) => [t.name, t.partitions.map((p) => p.committedOffset)]), [['t', [10n, 20n]], ['u', [5n]]]);

    const v8 = c.offsetFetch({ groups: [
      { groupId: 's', topics: [{ name: 'u', partitionIndexes: [0] }] },
      { groupId: 'nobody', topics: null },
      { groupId: 'nobody', topics: [{ name: 'u', partitionIndexes: [0] }] },
    ], requireStable: true }, 8);
    assert.equal(v8.groups[0]!.topics[0]!.partitions[0]!.committedOffset, 5n);
    assert.deepEqual(v8.groups[1], { groupId: 'nobody', topics: [], errorCode: E.NONE });
    assert.equal(v8.groups[2]!.topics[0]!.partitions[0]!.committedOffset, -1n);
    assert.equal(stateOf(c, 's'), 'Empty', 'a simple group exists, Empty');
  });

  it('group members commit with their generation; anonymous commits are refused while members exist', async () => {
    const { coordinator: c, clock } = setup();
    const g = await stableGroup(c, clock, 1);
    assert.deepEqual(errors(c.offsetCommit(commitReq('g', [['t', 0, 1n]], g.generationId, g.leader), 8)), [E.NONE]);
    assert.deepEqual(errors(c.offsetCommit(commitReq('g', [['t', 0, 2n]]), 8)), [E.UNKNOWN_MEMBER_ID]);
    assert.deepEqual(errors(c.offsetCommit(commitReq('g', [['t', 0, 2n]], 5, 'x'), 8)), [E.UNKNOWN_MEMBER_ID]);
    assert.deepEqual(errors(c.offsetCommit(commitReq('nope', [['t', 0, 2n]], 1, 'x'), 8)), [E.ILLEGAL_GENERATION]);
    assert.deepEqual(errors(c.offsetCommit(commitReq('nope', [['t', 0, 2n]], 1, 'x'), 9)), [E.GROUP_ID_NOT_FOUND]);
    assert.equal(c.committedOffset('g', 't', 0), 1n);
  });

  it('the empty group id "" is a group like any other for OffsetCommit and OffsetFetch (Kafka keeps it for old clients)', () => {
    const { coordinator: c } = setup();
    assert.deepEqual(errors(c.offsetCommit(commitReq('', [['t', 0, 2n]]), 9)), [E.NONE]);
    assert.equal(c.committedOffset('', 't', 0), 2n);
    const v7 = c.offsetFetch({ groupId: '', topics: [{ name: 't', partitionIndexes: [0] }] }, 7);
    assert.equal(v7.errorCode, E.NONE);
    assert.equal(v7.topics[0]!.partitions[0]!.committedOffset, 2n);
    const v8 = c.offsetFetch({ groups: [{ groupId: '', topics: [{ name: 't', partitionIndexes: [0] }] }] } as never, 8);
    assert.equal(v8.groups[0]!.errorCode, E.NONE);
    assert.equal(v8.groups[0]!.topics[0]!.partitions[0]!.committedOffset, 2n);
  });

  it('a commit keeps the member session alive', async () => {
    const { coordinator: c, clock } = setup();
    const g = await stableGroup(c, clock, 1);
    for (let i = 0; i < 5; i++) {
      clock.advance(9000);
      c.tick();
      assert.deepEqual(errors(c.offsetCommit(commitReq('g', [['t', 0, BigInt(i)]], 1, g.leader), 8)), [E.NONE]);
    }
    assert.equal(hb(c, g.leader, 1), E.NONE);
  });

  it('commits during CompletingRebalance get REBALANCE_IN_PROGRESS', async () => {
    const { coordinator: c } = setup();
    const r = await c.joinGroup({ groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] }, 3, { clientId: 'c', clientHost: 'h' });
    assert.equal(stateOf(c), 'CompletingRebalance');
    assert.deepEqual(errors(c.offsetCommit(commitReq('g', [['t', 0, 1n]], r.generationId, r.memberId), 8)), [E.REBALANCE_IN_PROGRESS]);
  });

  it('per-partition errors: metadata too large, unknown topic', () => {
    const { coordinator: c } = setup({ topicExists: (t, p) => t === 't' && p < 2, offsetMetadataMaxBytes: 10 });
    const res = c.offsetCommit(commitReq('s', [['t', 0, 1n, 'x'.repeat(11)], ['t', 1, 1n], ['t', 5, 1n], ['gone', 0, 1n]]), 8);
    assert.deepEqual(errors(res), [E.OFFSET_METADATA_TOO_LARGE, E.NONE, E.UNKNOWN_TOPIC_OR_PARTITION, E.UNKNOWN_TOPIC_OR_PARTITION]);
  });

  it('a failing store refuses the commit and keeps the old offset', () => {
    const { coordinator: c, store } = setup();
    c.offsetCommit(commitReq('s', [['t', 0, 1n]]), 8);
    store.append = () => {
      throw new Error('disk full');
    };
    assert.deepEqual(errors(c.offsetCommit(commitReq('s', [['t', 0, 2n]]), 8)), [E.COORDINATOR_NOT_AVAILABLE]);
    assert.equal(c.committedOffset('s', 't', 0), 1n);
  });

  it('offsets and the group generation survive a restart on the file store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-groups-'));
    try {
      const clock = new ManualClock(5_000_000);
      const store1 = new FileOffsetStore(dir);
      const c1 = new GroupCoordinator({ clock, store: store1 });
      const g = await stableGroup(c1, clock, 1);
      c1.offsetCommit(commitReq('g', [['t', 0, 42n, 'm']], g.generationId, g.leader), 8);
      c1.offsetCommit(commitReq('g', [['t', 0, 43n, 'm2']], g.generationId, g.leader), 8);
      c1.offsetCommit(commitReq('s', [['big', 7, 2n ** 62n]]), 8);
      c1.close();
      store1.close();

      const c2 = new GroupCoordinator({ clock, store: new FileOffsetStore(dir) });
      assert.equal(c2.committedOffset('g', 't', 0), 43n);
      assert.equal(c2.committedOffset('s', 'big', 7), 2n ** 62n);
      const f = c2.offsetFetch({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }] }, 5);
      assert.deepEqual(f.topics[0]!.partitions[0], { partitionIndex: 0, committedOffset: 43n, committedLeaderEpoch: 3, metadata: 'm2', errorCode: E.NONE });
      // The member keeps its generation and assignment across the restart.
      assert.equal(stateOf(c2), 'Stable');
      assert.equal(hb(c2, g.leader, g.generationId), E.NONE);
      const d = c2.describeGroups({ groups: ['g'] }, 5).groups[0]!;
      assert.equal(d.members[0]!.memberAssignment.toString(), `a-${g.leader}`);
      assert.equal(stateOf(c2, 's'), 'Empty');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('transactional offsets are pending until the transaction commits', () => {
    const { coordinator: c, store } = setup();
    const txn = c.transactions;
    const base = { transactionalId: 'tx', groupId: 's', producerEpoch: 0, generationId: -1, memberId: '', groupInstanceId: null };
    const part = (o: bigint) => [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: o, committedLeaderEpoch: -1, committedMetadata: null }] }];
    assert.deepEqual(errors(txn.commit({ ...base, producerId: 7n, topics: part(100n) }, 3)), [E.NONE]);
    assert.equal(c.committedOffset('s', 't', 0), undefined);
    const stable = c.offsetFetch({ groups: [{ groupId: 's', topics: [{ name: 't', partitionIndexes: [0] }] }], requireStable: true }, 8);
    assert.equal(stable.groups[0]!.topics[0]!.partitions[0]!.errorCode, E.UNSTABLE_OFFSET_COMMIT);
    const loose = c.offsetFetch({ groupId: 's', topics: [{ name: 't', partitionIndexes: [0] }], requireStable: false }, 7);
    assert.equal(loose.topics[0]!.partitions[0]!.committedOffset, -1n);

    assert.equal(txn.complete(7n, true), true);
    assert.equal(c.committedOffset('s', 't', 0), 100n);

    txn.commit({ ...base, producerId: 8n, topics: part(200n) }, 3);
    txn.complete(8n, false);
    assert.equal(c.committedOffset('s', 't', 0), 100n, 'aborted');

    // A transaction open at restart is still pending after it, and can still commit.
    txn.commit({ ...base, producerId: 9n, topics: part(300n) }, 3);
    const c2 = new GroupCoordinator({ clock: new ManualClock(0), store });
    assert.equal(c2.committedOffset('s', 't', 0), 100n);
    c2.transactions.complete(9n, true);
    assert.equal(c2.committedOffset('s', 't', 0), 300n);
  });

  it('offsets of an Empty group expire after the retention; the group then goes', async () => {
    const { coordinator: c, clock } = setup({ offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 10_000 });
    const g = await stableGroup(c, clock, 1);
    c.offsetCommit(commitReq('g', [['t', 0, 1n]], g.generationId, g.leader), 8);
    c.offsetCommit(commitReq('s', [['t', 0, 1n]]), 8);
    for (let i = 0; i < 12; i++) {
      clock.advance(9000);
      hb(c, g.leader, 1);
      c.tick();
    }
    assert.equal(c.committedOffset('g', 't', 0), 1n, 'a group with members keeps its offsets');
    assert.equal(c.committedOffset('s', 't', 0), undefined, 'a simple group offset expires after its commit');
    assert.equal(stateOf(c, 's'), 'Dead');
    c.leaveGroup({ groupId: 'g', members: [{ memberId: g.leader }] }, 3);
    clock.advance(70_000);
    c.tick();
    assert.equal(c.committedOffset('g', 't', 0), undefined);
    assert.equal(stateOf(c), 'Dead');
  });
});
