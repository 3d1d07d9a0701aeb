import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as E from '../../../src/broker/group/error-codes.ts';
import {
  CLIENT,
  advanceUntilSettled,
  finishRebalance,
  hb,
  joinNew,
  joinRequest,
  protocol,
  settled,
  setup,
  stableGroup,
  stateOf,
  sync,
} from './helpers.ts';

describe('GroupCoordinator join and sync', () => {
  it('a single member joins, leads, assigns itself and becomes Stable', async () => {
    const { coordinator: c } = setup();
    const { memberId, join } = await joinNew(c);
    const r = await join;
    assert.equal(r.errorCode, E.NONE);
    assert.equal(r.memberId, memberId);
    assert.equal(r.leader, memberId);
    assert.equal(r.generationId, 1);
    assert.equal(r.protocolName, 'range');
    assert.equal(r.protocolType, 'consumer');
    assert.deepEqual(r.members, [{ memberId, groupInstanceId: null, metadata: Buffer.from('sub') }]);
    assert.equal(stateOf(c), 'CompletingRebalance');

    const s = await sync(c, memberId, 1, [[memberId, 'all-partitions']]);
    assert.equal(s.errorCode, E.NONE);
    assert.equal(s.assignment.toString(), 'all-partitions');
    assert.equal(s.protocolName, 'range');
    assert.equal(stateOf(c), 'Stable');
    assert.equal(hb(c, memberId, 1), E.NONE);
  });

  it('member ids start with the client id', async () => {
    const { coordinator: c } = setup();
    const { memberId } = await joinNew(c);
    assert.match(memberId, new RegExp(`^${CLIENT.clientId}-[0-9a-f-]{36}$`));
  });

  it('three members join during the initial delay: one generation, the leader gets everyone', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 3000 });
    const joins = [];
    for (let i = 0; i < 3; i++) joins.push(await joinNew(c, { protocols: [protocol('range', `m${i}`)] }));
    assert.equal(stateOf(c), 'PreparingRebalance');
    for (const j of joins) assert.equal(await settled(j.join), undefined);

    clock.advance(3000);
    c.tick(); // a member arrived during the first delay: the delay is extended once
    assert.equal(await settled(joins[0]!.join), undefined);
    clock.advance(3000);
    c.tick();
    const responses = await Promise.all(joins.map((j) => j.join));
    const leader = joins[0]!.memberId;
    for (const r of responses) {
      assert.equal(r.errorCode, E.NONE);
      assert.equal(r.generationId, 1);
      assert.equal(r.leader, leader, 'the first member to join leads');
    }
    assert.deepEqual(
      responses[0]!.members.map((m) => [m.memberId, m.metadata.toString()]),
      joins.map((j, i) => [j.memberId, `m${i}`]),
    );
    assert.deepEqual(responses[1]!.members, [], 'followers get no member list');

    // Followers' SyncGroup waits for the leader's.
    const follower = sync(c, joins[1]!.memberId, 1);
    assert.equal(await settled(follower), undefined);
    const assignments: [string, string][] = joins.map((j, i) => [j.memberId, `p${i}`]);
    const leaderSync = await sync(c, leader, 1, assignments);
    assert.equal(leaderSync.assignment.toString(), 'p0');
    assert.equal((await follower).assignment.toString(), 'p1');
    const late = await sync(c, joins[2]!.memberId, 1);
    assert.equal(late.assignment.toString(), 'p2', 'a Stable group hands out the stored assignment');
    assert.equal(stateOf(c), 'Stable');
  });

  it('a member the leader leaves out gets an empty assignment', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const a = await joinNew(c);
    const b = await joinNew(c);
    await advanceUntilSettled(c, clock, [a.join, b.join]);
    const bSync = sync(c, b.memberId, 1);
    await sync(c, a.memberId, 1, [[a.memberId, 'x']]);
    assert.equal((await bSync).assignment.length, 0);
  });

  it('MEMBER_ID_REQUIRED only from JoinGroup v4', async () => {
    const { coordinator: c } = setup();
    const v3 = await c.joinGroup(joinRequest(), 3, CLIENT);
    assert.equal(v3.errorCode, E.NONE, 'v0-v3 join directly');
    assert.notEqual(v3.memberId, '');
    assert.equal(v3.protocolName, 'range');

    const { coordinator: c2 } = setup();
    const v4 = await c2.joinGroup(joinRequest(), 4, CLIENT);
    assert.equal(v4.errorCode, E.MEMBER_ID_REQUIRED);
    assert.notEqual(v4.memberId, '');
    assert.equal(v4.generationId, -1);
    assert.equal(v4.protocolName, '', 'ProtocolName is not nullable before v7');
    assert.equal(stateOf(c2), 'Empty', 'a pending member is not a member yet');
    const again = await c2.joinGroup(joinRequest({ memberId: v4.memberId }), 4, CLIENT);
    assert.equal(again.errorCode, E.NONE);
    assert.equal(again.memberId, v4.memberId);
  });

  it('a pending member id expires after the session timeout', async () => {
    const { coordinator: c, clock } = setup();
    const first = await c.joinGroup(joinRequest(), 9, CLIENT);
    clock.advance(10_001);
    c.tick();
    const late = await c.joinGroup(joinRequest({ memberId: first.memberId }), 9, CLIENT);
    assert.equal(late.errorCode, E.UNKNOWN_MEMBER_ID);
  });

  it('JoinGroup v0 uses the session timeout as rebalance timeout', async () => {
    const { coordinator: c, clock } = setup();
    const a = await c.joinGroup(joinRequest({ rebalanceTimeoutMs: -1 }), 0, CLIENT);
    await sync(c, a.memberId, 1, [[a.memberId, 'x']]);
    // Rebalance: a newcomer (v0) joins; `a` never rejoins, so the join phase ends after a's
    // rebalance timeout, which is its session timeout (10 s), not 30 s.
    const b = c.joinGroup(joinRequest({ rebalanceTimeoutMs: -1 }), 0, CLIENT);
    clock.advance(10_000);
    c.tick();
    const rb = await settled(b);
    assert.equal(rb?.errorCode, E.NONE);
    assert.equal(rb?.generationId, 2);
  });

  it('rejects bad group ids and session timeouts', async () => {
    const { coordinator: c } = setup();
    assert.equal((await c.joinGroup(joinRequest({ groupId: '' }), 9, CLIENT)).errorCode, E.INVALID_GROUP_ID);
    assert.equal((await c.joinGroup(joinRequest({ sessionTimeoutMs: 5999 }), 9, CLIENT)).errorCode, E.INVALID_SESSION_TIMEOUT);
    assert.equal((await c.joinGroup(joinRequest({ sessionTimeoutMs: 1_800_001 }), 9, CLIENT)).errorCode, E.INVALID_SESSION_TIMEOUT);
    const unknown = await c.joinGroup(joinRequest({ memberId: 'ghost' }), 9, CLIENT);
    assert.equal(unknown.errorCode, E.UNKNOWN_MEMBER_ID, 'a member id for a group that does not exist');
  });

  it('selects the protocol with most votes among those all members support', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const a = await joinNew(c, { protocols: [protocol('roundrobin'), protocol('range'), protocol('sticky')] });
    const b = await joinNew(c, { protocols: [protocol('range'), protocol('sticky')] });
    const d = await joinNew(c, { protocols: [protocol('sticky'), protocol('range')] });
    const e = await joinNew(c, { protocols: [protocol('range')] , });
    await advanceUntilSettled(c, clock, [a.join, b.join, d.join, e.join]);
    // roundrobin is not supported by all; range gets 3 votes (a, b, e) and sticky 1.
    for (const j of [a, b, d, e]) assert.equal((await j.join).protocolName, 'range');
  });

  it('INCONSISTENT_GROUP_PROTOCOL for a member sharing no protocol or another type', async () => {
    const { coordinator: c, clock } = setup();
    await stableGroup(c, clock, 1);
    const other = await c.joinGroup(joinRequest({ protocols: [protocol('cooperative-sticky')] }), 9, CLIENT);
    assert.equal(other.errorCode, E.INCONSISTENT_GROUP_PROTOCOL);
    const type = await c.joinGroup(joinRequest({ protocolType: 'connect' }), 9, CLIENT);
    assert.equal(type.errorCode, E.INCONSISTENT_GROUP_PROTOCOL);
    const none = await c.joinGroup(joinRequest({ groupId: 'h', protocols: [] }), 9, CLIENT);
    assert.equal(none.errorCode, E.INCONSISTENT_GROUP_PROTOCOL, 'an empty group needs at least one protocol');
    assert.equal(stateOf(c), 'Stable');
  });

  it('SyncGroup v5 with a different protocol name is INCONSISTENT_GROUP_PROTOCOL', async () => {
    const { coordinator: c, clock } = setup();
    const g = await stableGroup(c, clock, 1);
    const s = await c.syncGroup(
      { groupId: 'g', generationId: g.generationId, memberId: g.leader, groupInstanceId: null, protocolType: 'consumer', protocolName: 'roundrobin', assignments: [] },
      5,
    );
    assert.equal(s.errorCode, E.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('a follower rejoining with the same metadata in CompletingRebalance gets the same answer', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const a = await joinNew(c);
    const b = await joinNew(c);
    await advanceUntilSettled(c, clock, [a.join, b.join]);
    const again = await c.joinGroup(joinRequest({ memberId: b.memberId }), 9, CLIENT);
    assert.equal(again.errorCode, E.NONE);
    assert.equal(again.generationId, 1);
    assert.equal(stateOf(c), 'CompletingRebalance');
    await finishRebalance(c, [a.join, b.join]);
  });
});
