import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupCoordinator } from '../../../src/broker/group/coordinator.ts';
import * as E from '../../../src/broker/group/error-codes.ts';
import { CLIENT, advanceUntilSettled, finishRebalance, hb, joinNew, joinRequest, settled, setup, stableGroup, stateOf, sync } from './helpers.ts';

describe('GroupCoordinator edge cases', () => {
  it('a duplicate JoinGroup answers the first one instead of leaving it hanging', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const g = await stableGroup(c, clock, 2);
    const first = c.joinGroup(joinRequest({ memberId: g.leader }), 9, CLIENT);
    const second = c.joinGroup(joinRequest({ memberId: g.leader }), 9, CLIENT);
    assert.equal((await first).errorCode, E.REBALANCE_IN_PROGRESS);
    assert.equal(await settled(second), undefined);
    const follower = g.members.find((m) => m !== g.leader)!;
    const g2 = await finishRebalance(c, [second, c.joinGroup(joinRequest({ memberId: follower }), 9, CLIENT)]);
    assert.equal(g2.generationId, 2);
  });

  it('group.max.size refuses members beyond the limit', async () => {
    const { coordinator: c, clock } = setup({ groupMaxSize: 1 });
    await stableGroup(c, clock, 1);
    const r = await c.joinGroup(joinRequest(), 3, CLIENT);
    assert.equal(r.errorCode, E.GROUP_MAX_SIZE_REACHED);
    assert.equal(stateOf(c), 'Stable');
  });

  it('a store failure on the leader assignment makes everybody rejoin', async () => {
    const { coordinator: c, clock, store } = setup({ initialRebalanceDelayMs: 1000 });
    const a = await joinNew(c);
    const b = await joinNew(c);
    await advanceUntilSettled(c, clock, [a.join, b.join]);
    const follower = sync(c, b.memberId, 1);
    store.append = () => {
      throw new Error('EIO');
    };
    assert.equal((await sync(c, a.memberId, 1, [[a.memberId, 'x']])).errorCode, E.COORDINATOR_NOT_AVAILABLE);
    assert.equal((await follower).errorCode, E.COORDINATOR_NOT_AVAILABLE);
    assert.equal(stateOf(c), 'PreparingRebalance');
  });

  it('a replaced static member id survives a restart', async () => {
    const { coordinator: c, clock, store } = setup();
    const r1 = await c.joinGroup(joinRequest({ groupInstanceId: 'w1' }), 9, CLIENT);
    await sync(c, r1.memberId, 1, [[r1.memberId, 'p0']]);
    const r2 = await c.joinGroup(joinRequest({ groupInstanceId: 'w1' }), 9, CLIENT);
    assert.equal(r2.generationId, 1);
    const c2 = new GroupCoordinator({ clock, store });
    assert.equal(c2.heartbeat({ groupId: 'g', generationId: 1, memberId: r2.memberId, groupInstanceId: 'w1' }, 4).errorCode, E.NONE);
    assert.equal(c2.heartbeat({ groupId: 'g', generationId: 1, memberId: r1.memberId, groupInstanceId: 'w1' }, 4).errorCode, E.FENCED_INSTANCE_ID);
    const s = await c2.syncGroup({ groupId: 'g', generationId: 1, memberId: r2.memberId, groupInstanceId: 'w1', assignments: [] }, 5);
    assert.equal(s.assignment.toString(), 'p0');
  });

  it('after a restart, members that do not come back expire and the group empties', async () => {
    const { coordinator: c, clock, store } = setup();
    const g = await stableGroup(c, clock, 1);
    const c2 = new GroupCoordinator({ clock, store });
    assert.equal(stateOf(c2), 'Stable');
    clock.advance(10_000);
    c2.tick();
    assert.equal(stateOf(c2), 'Empty');
    assert.equal(hb(c2, g.leader, 1), E.UNKNOWN_MEMBER_ID);
  });

  it('a member leaving while its SyncGroup is parked gets an answer', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const a = await joinNew(c);
    const b = await joinNew(c);
    await advanceUntilSettled(c, clock, [a.join, b.join]);
    const parked = sync(c, b.memberId, 1);
    c.leaveGroup({ groupId: 'g', members: [{ memberId: b.memberId }] }, 4);
    assert.equal((await parked).errorCode, E.UNKNOWN_MEMBER_ID);
  });

  it('a heartbeat arriving after the session deadline (before any tick) finds the member gone', async () => {
    const { coordinator: c, clock } = setup();
    const g = await stableGroup(c, clock, 1);
    clock.advance(10_000);
    assert.equal(hb(c, g.leader, 1), E.UNKNOWN_MEMBER_ID);
  });
});
