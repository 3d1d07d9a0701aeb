import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as E from '../../../src/broker/group/error-codes.ts';
import {
  CLIENT,
  REBALANCE_MS,
  SESSION_MS,
  advanceUntilSettled,
  finishRebalance,
  hb,
  joinNew,
  joinRequest,
  settled,
  setup,
  stableGroup,
  stateOf,
  sync,
} from './helpers.ts';

describe('GroupCoordinator rebalances', () => {
  it('a member joining a Stable group triggers a rebalance the others learn from heartbeats', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const g1 = await stableGroup(c, clock, 2);
    assert.equal(g1.generationId, 1);

    const newcomer = await joinNew(c);
    assert.equal(await settled(newcomer.join), undefined, 'waits for the others to rejoin');
    assert.equal(stateOf(c), 'PreparingRebalance');
    for (const m of g1.members) assert.equal(hb(c, m, 1), E.REBALANCE_IN_PROGRESS);
    // Commits with the old generation are still accepted while rebalancing.
    const commit = c.offsetCommit(
      { groupId: 'g', generationIdOrMemberEpoch: 1, memberId: g1.members[0]!, groupInstanceId: null, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: '' }] }] },
      9,
    );
    assert.equal(commit.topics[0]!.partitions[0]!.errorCode, E.NONE);

    const rejoins = g1.members.map((memberId) => c.joinGroup(joinRequest({ memberId }), 9, CLIENT));
    const g2 = await finishRebalance(c, [...rejoins, newcomer.join]);
    assert.equal(g2.generationId, 2);
    assert.equal(g2.leader, g1.leader, 'the leader keeps leading when it rejoins');
    assert.equal(g2.members.length, 3);
    assert.equal(hb(c, g1.members[0]!, 1), E.ILLEGAL_GENERATION);
    assert.equal(hb(c, g1.members[0]!, 2), E.NONE);
  });

  it('a leaving member triggers a rebalance without it', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const g = await stableGroup(c, clock, 3);
    const [a, b, d] = g.members as [string, string, string];
    const left = c.leaveGroup({ groupId: 'g', members: [{ memberId: b, groupInstanceId: null, reason: 'bye' }] }, 5);
    assert.deepEqual(left, { throttleTimeMs: 0, errorCode: E.NONE, members: [{ memberId: b, groupInstanceId: null, errorCode: E.NONE }] });
    assert.equal(stateOf(c), 'PreparingRebalance');
    assert.equal(hb(c, b, 1), E.UNKNOWN_MEMBER_ID);
    const g2 = await finishRebalance(c, [a, d].map((memberId) => c.joinGroup(joinRequest({ memberId }), 9, CLIENT)));
    assert.equal(g2.generationId, 2);
    assert.deepEqual(new Set(g2.members), new Set([a, d]));
  });

  it('LeaveGroup v0-v2 name one member and report its error at the top level', async () => {
    const { coordinator: c, clock } = setup();
    const g = await stableGroup(c, clock, 1);
    assert.deepEqual(c.leaveGroup({ groupId: 'g', memberId: 'nobody' }, 1), { throttleTimeMs: 0, errorCode: E.UNKNOWN_MEMBER_ID, members: [] });
    assert.deepEqual(c.leaveGroup({ groupId: 'g', memberId: g.leader }, 1), { throttleTimeMs: 0, errorCode: E.NONE, members: [] });
    assert.equal(stateOf(c), 'Empty', 'the last member left: generation 2 is empty');
    assert.equal(c.describeGroups({ groups: ['g'] }, 0).groups[0]!.protocolType, 'consumer');
  });

  it('the leader leaving hands leadership to the next member', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const g = await stableGroup(c, clock, 2);
    const follower = g.members.find((m) => m !== g.leader)!;
    c.leaveGroup({ groupId: 'g', members: [{ memberId: g.leader }] }, 4);
    const r = await c.joinGroup(joinRequest({ memberId: follower }), 9, CLIENT);
    assert.equal(r.leader, follower);
    assert.equal(r.members.length, 1);
  });

  it('a member whose session expires is removed and the group rebalances', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const g = await stableGroup(c, clock, 2);
    const [a, b] = g.members as [string, string];
    for (let i = 0; i < 3; i++) {
      clock.advance(3000);
      assert.equal(hb(c, a, 1), E.NONE);
      c.tick();
    }
    assert.equal(stateOf(c), 'Stable');
    clock.advance(SESSION_MS - 9000);
    c.tick();
    assert.equal(stateOf(c), 'PreparingRebalance', 'b stopped heartbeating');
    assert.equal(hb(c, b, 1), E.UNKNOWN_MEMBER_ID);
    const g2 = await finishRebalance(c, [c.joinGroup(joinRequest({ memberId: a }), 9, CLIENT)]);
    assert.deepEqual(g2.members, [a]);
    assert.equal(g2.generationId, 2);
  });

  it('heartbeats keep a member alive past many session timeouts', async () => {
    const { coordinator: c, clock } = setup();
    const g = await stableGroup(c, clock, 1);
    for (let i = 0; i < 20; i++) {
      clock.advance(SESSION_MS - 1);
      c.tick();
      assert.equal(hb(c, g.leader, 1), E.NONE);
    }
    assert.equal(stateOf(c), 'Stable');
  });

  it('members that do not rejoin within the rebalance timeout are removed', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const g = await stableGroup(c, clock, 3);
    const [a, b, d] = g.members as [string, string, string];
    const ja = c.joinGroup(joinRequest({ memberId: a }), 9, CLIENT); // leader rejoin forces a rebalance
    const jb = c.joinGroup(joinRequest({ memberId: b }), 9, CLIENT);
    // d keeps heartbeating but never rejoins.
    for (let t = 3000; t < REBALANCE_MS; t += 3000) {
      clock.advance(3000);
      assert.equal(hb(c, d, 1), E.REBALANCE_IN_PROGRESS);
      c.tick();
    }
    assert.equal(await settled(ja), undefined);
    clock.advance(3000);
    c.tick();
    const g2 = await finishRebalance(c, [ja, jb]);
    assert.deepEqual(new Set(g2.members), new Set([a, b]));
    assert.equal(hb(c, d, 2), E.UNKNOWN_MEMBER_ID);
  });

  it('a rejoining member parked in the join phase is not expired by its session timeout', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const g = await stableGroup(c, clock, 2);
    const [a, b] = g.members as [string, string];
    const ja = c.joinGroup(joinRequest({ memberId: a }), 9, CLIENT);
    for (let t = 0; t < SESSION_MS + 5000; t += 3000) {
      clock.advance(3000);
      assert.equal(hb(c, b, 1), E.REBALANCE_IN_PROGRESS);
      c.tick();
    }
    assert.equal(await settled(ja), undefined, 'a is still in the group, waiting for b');
    const g2 = await finishRebalance(c, [ja, c.joinGroup(joinRequest({ memberId: b }), 9, CLIENT)]);
    assert.equal(g2.members.length, 2);
  });

  it('members that do not send SyncGroup within the rebalance timeout are removed', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const a = await joinNew(c);
    const b = await joinNew(c);
    await advanceUntilSettled(c, clock, [a.join, b.join]);
    const [ra] = await Promise.all([a.join, b.join]);
    await sync(c, a.memberId, 1, [[a.memberId, 'x'], [b.memberId, 'y']]);
    assert.equal(stateOf(c), 'Stable');
    // b heartbeats but never syncs.
    for (let t = 0; t < REBALANCE_MS; t += 5000) {
      clock.advance(5000);
      hb(c, a.memberId, ra!.generationId);
      hb(c, b.memberId, ra!.generationId);
      c.tick();
    }
    assert.equal(stateOf(c), 'PreparingRebalance');
    assert.equal(hb(c, b.memberId, 1), E.UNKNOWN_MEMBER_ID);
  });

  it('fences stale generations and unknown members', async () => {
    const { coordinator: c, clock } = setup();
    const g = await stableGroup(c, clock, 1);
    assert.equal(hb(c, g.leader, 0), E.ILLEGAL_GENERATION);
    assert.equal(hb(c, 'stranger', 1), E.UNKNOWN_MEMBER_ID);
    assert.equal(hb(c, g.leader, 1, 'no-such-group'), E.UNKNOWN_MEMBER_ID);
    assert.equal((await sync(c, g.leader, 7)).errorCode, E.ILLEGAL_GENERATION);
    assert.equal((await sync(c, 'stranger', 1)).errorCode, E.UNKNOWN_MEMBER_ID);
    const commit = c.offsetCommit(
      { groupId: 'g', generationIdOrMemberEpoch: 0, memberId: g.leader, groupInstanceId: null, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }] },
      8,
    );
    assert.equal(commit.topics[0]!.partitions[0]!.errorCode, E.ILLEGAL_GENERATION);
    const rejoin = await c.joinGroup(joinRequest({ memberId: 'stranger' }), 9, CLIENT);
    assert.equal(rejoin.errorCode, E.UNKNOWN_MEMBER_ID);
  });

  it('SyncGroup during PreparingRebalance and pending syncs cut by a rebalance get REBALANCE_IN_PROGRESS', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const a = await joinNew(c);
    const b = await joinNew(c);
    await advanceUntilSettled(c, clock, [a.join, b.join]);
    const follower = sync(c, b.memberId, 1); // parked, waiting for the leader
    const newcomer = await joinNew(c); // rebalance before the leader synced
    assert.equal((await follower).errorCode, E.REBALANCE_IN_PROGRESS);
    assert.equal((await sync(c, a.memberId, 1)).errorCode, E.REBALANCE_IN_PROGRESS);
    await finishRebalance(c, [
      c.joinGroup(joinRequest({ memberId: a.memberId }), 9, CLIENT),
      c.joinGroup(joinRequest({ memberId: b.memberId }), 9, CLIENT),
      newcomer.join,
    ]);
  });

  it('a new member that never gets its answer expires after the new-member join timeout', async () => {
    const { coordinator: c, clock } = setup();
    const g = await stableGroup(c, clock, 1, { rebalanceTimeoutMs: 600_000 });
    const late = await joinNew(c);
    // The old member heartbeats but does not rejoin; its rebalance timeout is 10 minutes, so the
    // newcomer waits... until the 5-minute new-member timeout removes it.
    for (let t = 0; t < 300_000; t += 5000) {
      assert.equal(await settled(late.join), undefined);
      clock.advance(5000);
      assert.equal(hb(c, g.leader, 1), E.REBALANCE_IN_PROGRESS);
      c.tick();
    }
    assert.equal((await late.join).errorCode, E.UNKNOWN_MEMBER_ID);
  });

  it('a member that stops heartbeating while others wait in the join phase is dropped', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const g = await stableGroup(c, clock, 1);
    const late = await joinNew(c);
    clock.advance(SESSION_MS + 1);
    c.tick();
    // The stable member neither rejoined nor heartbeated: it expired, and the join completes
    // with the newcomer alone long before the rebalance timeout.
    const r = await late.join;
    assert.equal(r.errorCode, E.NONE);
    assert.equal(r.generationId, 2);
    assert.equal(hb(c, g.leader, 1), E.UNKNOWN_MEMBER_ID);
  });

  it('close() answers parked requests with COORDINATOR_NOT_AVAILABLE', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const a = await joinNew(c);
    c.close();
    assert.equal((await a.join).errorCode, E.COORDINATOR_NOT_AVAILABLE);
    assert.equal(hb(c, a.memberId, 0), E.COORDINATOR_NOT_AVAILABLE);
    clock.advance(10_000);
    c.tick();
    assert.equal((await c.joinGroup(joinRequest(), 9, CLIENT)).errorCode, E.COORDINATOR_NOT_AVAILABLE);
  });
});
