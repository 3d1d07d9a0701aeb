import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GroupCoordinator } from '../../../src/broker/group/coordinator.ts';
import * as E from '../../../src/broker/group/error-codes.ts';
import type { JoinGroupRequest } from '../../../src/broker/group/messages.ts';
import type { ManualClock } from '../../../src/util/clock.ts';
import { CLIENT, SESSION_MS, advanceUntilSettled, finishRebalance, joinRequest, protocol, settled, setup, stateOf } from './helpers.ts';

function staticJoin(c: GroupCoordinator, instance: string, overrides: Partial<JoinGroupRequest> = {}, version = 9) {
  return c.joinGroup(joinRequest({ groupInstanceId: instance, ...overrides }), version, CLIENT);
}

/** Two static members, Stable at generation 1; the leader assigns "a-<instance>". */
async function staticGroup(c: GroupCoordinator, clock: ManualClock) {
  const joins = [staticJoin(c, 'i1'), staticJoin(c, 'i2')];
  await advanceUntilSettled(c, clock, joins);
  const [r1, r2] = await Promise.all(joins);
  assert.equal(r1!.leader, r1!.memberId);
  assert.match(r1!.memberId, /^i1-/, 'static member ids start with the instance id');
  await Promise.all([
    c.syncGroup({ groupId: 'g', generationId: 1, memberId: r1!.memberId, groupInstanceId: 'i1', assignments: [
      { memberId: r1!.memberId, assignment: Buffer.from('a-i1') },
      { memberId: r2!.memberId, assignment: Buffer.from('a-i2') },
    ] }, 5),
    c.syncGroup({ groupId: 'g', generationId: 1, memberId: r2!.memberId, groupInstanceId: 'i2', assignments: [] }, 5),
  ]);
  assert.equal(stateOf(c), 'Stable');
  return { leader: r1!.memberId, follower: r2!.memberId };
}

describe('GroupCoordinator static membership (KIP-345)', () => {
  it('static members join without MEMBER_ID_REQUIRED', async () => {
    const { coordinator: c } = setup();
    const r = await staticJoin(c, 'i1', {}, 5);
    assert.equal(r.errorCode, E.NONE);
    assert.equal(r.members[0]!.groupInstanceId, 'i1');
  });

  it('a restarted follower takes its old place without a rebalance; the old id is fenced', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const { follower } = await staticGroup(c, clock);
    const r = await staticJoin(c, 'i2');
    assert.equal(r.errorCode, E.NONE);
    assert.notEqual(r.memberId, follower);
    assert.equal(r.generationId, 1, 'same generation: no rebalance');
    assert.equal(r.skipAssignment, false);
    assert.equal(stateOf(c), 'Stable');
    const s = await c.syncGroup({ groupId: 'g', generationId: 1, memberId: r.memberId, groupInstanceId: 'i2', assignments: [] }, 5);
    assert.equal(s.assignment.toString(), 'a-i2', 'keeps the assignment of the id it replaced');

    const hbOld = c.heartbeat({ groupId: 'g', generationId: 1, memberId: follower, groupInstanceId: 'i2' }, 4);
    assert.equal(hbOld.errorCode, E.FENCED_INSTANCE_ID);
    const commitOld = c.offsetCommit(
      { groupId: 'g', generationIdOrMemberEpoch: 1, memberId: follower, groupInstanceId: 'i2', topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }] },
      8,
    );
    assert.equal(commitOld.topics[0]!.partitions[0]!.errorCode, E.FENCED_INSTANCE_ID);
    const joinOld = await staticJoin(c, 'i2', { memberId: follower });
    assert.equal(joinOld.errorCode, E.FENCED_INSTANCE_ID);
    assert.equal(c.heartbeat({ groupId: 'g', generationId: 1, memberId: r.memberId, groupInstanceId: 'i2' }, 4).errorCode, E.NONE);
  });

  it('a restarted static leader (v9) is told to skip the assignment and gets the members', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const { follower } = await staticGroup(c, clock);
    const r = await staticJoin(c, 'i1');
    assert.equal(r.leader, r.memberId);
    assert.equal(r.skipAssignment, true);
    assert.deepEqual(r.members.map((m) => m.groupInstanceId), ['i1', 'i2']);
    assert.equal(r.members[1]!.memberId, follower);
    assert.equal(stateOf(c), 'Stable');
  });

  it('before v9 a restarted static leader is not told it leads (it would reassign)', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const { leader } = await staticGroup(c, clock);
    const r = await staticJoin(c, 'i1', {}, 8);
    assert.equal(r.leader, leader, 'names the old leader id');
    assert.notEqual(r.memberId, leader);
    assert.deepEqual(r.members, []);
  });

  it('a restarted static member with changed metadata but the same selected protocol takes its place without a rebalance', async () => {
    // Kafka compares only the selected protocol: a restarted Java consumer's metadata differs anyway
    // (cooperative-sticky's owned partitions and generation), and so does a restarted Sluice worker's.
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const { leader } = await staticGroup(c, clock);
    const answered = await settled(staticJoin(c, 'i2', { protocols: [protocol('range', 'metadata-of-the-new-process')] }));
    assert.ok(answered !== undefined, 'answered at once, not parked for a rebalance');
    const r = answered;
    assert.equal(r.errorCode, E.NONE);
    assert.equal(r.generationId, 1, 'same generation: no rebalance');
    assert.equal(stateOf(c), 'Stable');
    const s = await c.syncGroup({ groupId: 'g', generationId: 1, memberId: r.memberId, groupInstanceId: 'i2', assignments: [] }, 5);
    assert.equal(s.assignment.toString(), 'a-i2');
    // The leader sees the new metadata at the next rebalance.
    const rejoin = staticJoin(c, 'i1', { memberId: leader });
    const g2 = await finishRebalance(c, [rejoin, staticJoin(c, 'i2', { memberId: r.memberId, protocols: [protocol('range', 'metadata-of-the-new-process')] })]);
    assert.equal(g2.generationId, 2);
    assert.equal(g2.responses[0]!.members.find((m) => m.groupInstanceId === 'i2')!.metadata.toString(), 'metadata-of-the-new-process');
  });

  it('a restarted static member whose protocols change the selected protocol triggers a rebalance', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const joins = [staticJoin(c, 'i1', { protocols: [protocol('range'), protocol('sticky')] })];
    await advanceUntilSettled(c, clock, joins);
    const first = (await joins[0])!;
    assert.equal(first.protocolName, 'range');
    await c.syncGroup({ groupId: 'g', generationId: 1, memberId: first.memberId, groupInstanceId: 'i1', assignments: [] }, 5);
    assert.equal(stateOf(c), 'Stable');
    // Restarted preferring 'sticky': the selection would change, so the group rebalances.
    const r = staticJoin(c, 'i1', { protocols: [protocol('sticky'), protocol('range')] });
    const g2 = await finishRebalance(c, [r]);
    assert.equal(g2.generationId, 2);
    assert.equal(g2.responses[0]!.protocolName, 'sticky');
  });

  it('a static member that did not rejoin is kept through the rebalance until its session expires', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const { leader, follower } = await staticGroup(c, clock);
    const rejoin = staticJoin(c, 'i1', { memberId: leader });
    // i2 heartbeats but does not rejoin before the rebalance timeout (30 s).
    for (let t = 0; t < 30_000; t += 5000) {
      assert.equal(c.heartbeat({ groupId: 'g', generationId: 1, memberId: follower, groupInstanceId: 'i2' }, 4).errorCode, E.REBALANCE_IN_PROGRESS);
      clock.advance(5000);
      c.tick();
    }
    const r = await rejoin;
    assert.equal(r.generationId, 2);
    assert.deepEqual(r.members.map((m) => m.groupInstanceId), ['i1', 'i2'], 'i2 is still a member');
    // Without heartbeats it goes once its session expires; then the group rebalances again.
    clock.advance(SESSION_MS / 2);
    assert.equal(c.heartbeat({ groupId: 'g', generationId: 2, memberId: r.memberId, groupInstanceId: 'i1' }, 4).errorCode, E.NONE);
    clock.advance(SESSION_MS / 2);
    c.tick();
    assert.equal(stateOf(c), 'PreparingRebalance');
    assert.equal(c.heartbeat({ groupId: 'g', generationId: 2, memberId: follower, groupInstanceId: 'i2' }, 4).errorCode, E.UNKNOWN_MEMBER_ID);
  });

  it('LeaveGroup by instance id alone removes a static member; a wrong member id is fenced', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const { follower } = await staticGroup(c, clock);
    const res = c.leaveGroup({ groupId: 'g', members: [
      { memberId: 'someone-else', groupInstanceId: 'i1' },
      { memberId: '', groupInstanceId: 'i2' },
      { memberId: '', groupInstanceId: 'i9' },
    ] }, 5);
    assert.deepEqual(res.members.map((m) => m.errorCode), [E.FENCED_INSTANCE_ID, E.NONE, E.UNKNOWN_MEMBER_ID]);
    assert.equal(stateOf(c), 'PreparingRebalance');
    assert.equal(c.heartbeat({ groupId: 'g', generationId: 1, memberId: follower, groupInstanceId: 'i2' }, 4).errorCode, E.UNKNOWN_MEMBER_ID);
  });
});
