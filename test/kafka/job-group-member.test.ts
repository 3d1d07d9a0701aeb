import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AssignerProtocol } from 'kafkajs';
import { JobGroupMember, assignAllToLeader, type RebalanceListener, type TaskAssignor } from '../../src/kafka/job-group-member.ts';
import { InstanceIdFencedError } from '../../src/kafka/errors.ts';
import type { MemberAssignment } from '../../src/kafka/group-protocol.ts';
import { kafkaAt } from '../compat/txn/txn-helpers.ts';
import { kafkaTestEnv } from './helpers.ts';
import type { ClientSupplier } from '../../src/kafka/client-supplier.ts';

const env = kafkaTestEnv({ groups: { minSessionTimeoutMs: 100, initialRebalanceDelayMs: 0 } }, [
  { name: 'src-a', partitions: 3 },
  { name: 'src-b', partitions: 2 },
]);
const clients = (): ClientSupplier => env.supplier();

/** A listener recording the callbacks in order. */
function recorder(): RebalanceListener & { events: string[]; errors: Error[]; assigned: Array<() => void> } {
  const events: string[] = [];
  const errors: Error[] = [];
  const assigned: Array<() => void> = [];
  return {
    events,
    errors,
    assigned,
    onRevoked: (a: MemberAssignment) => void events.push(`revoked ${a.partitions.length}`),
    onAssigned: (a: MemberAssignment, g) => {
      events.push(`assigned ${a.partitions.length} gen ${g.generationId}`);
      for (const f of assigned.splice(0)) f();
    },
    onLost: (_a: MemberAssignment, reason: string) => void events.push(`lost ${reason}`),
    onError: (e: Error) => void errors.push(e),
  };
}

const nextAssignment = (r: ReturnType<typeof recorder>) => new Promise<void>((resolve) => r.assigned.push(resolve));
const worker = (slot: number) => ({ host: 'test-host', pid: process.pid, slot });

test('a lone worker joins, gets every task of its source topics, and Kafka tools can describe the group', async () => {
  const r = recorder();
  const member = new JobGroupMember(clients(), { groupId: 'job-lone', topics: ['src-a', 'src-b'], worker: worker(0), heartbeatIntervalMs: 100, sessionTimeoutMs: 3000, listener: r });
  const assignment = await member.join();
  assert.equal(assignment.partitions.length, 5);
  assert.ok(member.generationId >= 1);
  assert.notEqual(member.memberId, '');
  assert.deepEqual(member.groupMetadata(), { groupId: 'job-lone', generationId: member.generationId, memberId: member.memberId, groupInstanceId: null });
  assert.deepEqual(r.events, [`assigned 5 gen ${member.generationId}`]);

  // A third-party admin client (kafkajs) decodes the group as a consumer group.
  const admin = kafkaAt(env.bootstrap).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups(['job-lone']);
    const g = groups[0]!;
    assert.equal(g.protocolType, 'consumer');
    assert.equal(g.protocol, 'sluice');
    assert.equal(g.state, 'Stable');
    assert.equal(g.members.length, 1);
    const sub = AssignerProtocol.MemberMetadata.decode(g.members[0]!.memberMetadata)!;
    assert.deepEqual([...sub.topics].sort(), ['src-a', 'src-b']);
    const info = JSON.parse(sub.userData.toString()) as { host: string; pid: number; slot: number };
    assert.deepEqual({ host: info.host, pid: info.pid, slot: info.slot }, worker(0));
    const assigned = AssignerProtocol.MemberAssignment.decode(g.members[0]!.memberAssignment)!;
    assert.deepEqual(assigned.assignment, { 'src-a': [0, 1, 2], 'src-b': [0, 1] });
  } finally {
    await admin.disconnect();
  }
  await member.close();
});

test('a second worker causes a rebalance: revoke, then all tasks to the leader; leaving hands everything to the other', async () => {
  const r1 = recorder();
  const r2 = recorder();
  const m1 = new JobGroupMember(clients(), { groupId: 'job-two', topics: ['src-a'], worker: worker(0), heartbeatIntervalMs: 50, sessionTimeoutMs: 5000, rebalanceTimeoutMs: 5000, listener: r1 });
  await m1.join();
  const gen1 = m1.generationId;
  const m2 = new JobGroupMember(clients(), { groupId: 'job-two', topics: ['src-a'], worker: worker(1), heartbeatIntervalMs: 50, sessionTimeoutMs: 5000, rebalanceTimeoutMs: 5000, listener: r2 });
  const m1Rejoined = nextAssignment(r1);
  const a2 = await m2.join();
  await m1Rejoined;
  assert.equal(m1.generationId, m2.generationId);
  assert.ok(m2.generationId > gen1);
  assert.deepEqual(r1.events.slice(0, 2), [`assigned 3 gen ${gen1}`, 'revoked 3'], 'the first worker was told to revoke before the new generation');
  const total = m1.assignment.partitions.length + a2.partitions.length;
  assert.equal(total, 3, 'every task has exactly one owner');
  assert.ok(m1.assignment.partitions.length === 3 || a2.partitions.length === 3, 'all tasks went to the leader');

  // The one holding tasks leaves: the other gets them all.
  const [holder, other, otherRec] = m1.assignment.partitions.length === 3 ? [m1, m2, r2] : [m2, m1, r1];
  const taken = nextAssignment(otherRec);
  await holder.close();
  await taken;
  assert.equal(other.assignment.partitions.length, 3);
  await other.close();
});

test('committed offsets are read with require_stable; a member reading a group with no commits gets nothing', async () => {
  const member = new JobGroupMember(clients(), { groupId: 'job-empty', topics: ['src-a'], worker: worker(0), heartbeatIntervalMs: 100, sessionTimeoutMs: 3000 });
  const a = await member.join();
  const offsets = await member.fetchCommittedOffsets(a.partitions);
  assert.equal(offsets.size, 0);
  await member.close();
});

test('static membership: a second process with the same instance id takes over; the first is told it is fenced', async () => {
  const r1 = recorder();
  const m1 = new JobGroupMember(clients(), { groupId: 'job-static', topics: ['src-b'], worker: worker(0), groupInstanceId: 'job-static-worker-0', heartbeatIntervalMs: 50, sessionTimeoutMs: 5000, listener: r1 });
  await m1.join();
  const oldMember = m1.memberId;
  const m2 = new JobGroupMember(clients(), { groupId: 'job-static', topics: ['src-b'], worker: worker(0), groupInstanceId: 'job-static-worker-0', heartbeatIntervalMs: 50, sessionTimeoutMs: 5000 });
  const a2 = await m2.join();
  assert.equal(a2.partitions.length, 2, 'the replacement owns the tasks');
  assert.notEqual(m2.memberId, oldMember);
  // The old one learns it on its next heartbeat.
  for (let i = 0; i < 200 && r1.errors.length === 0; i++) await new Promise((res) => setTimeout(res, 25));
  // Not a WorkerFencedError: rejoining with the same instance id would fence the newer worker in turn.
  assert.ok(r1.errors[0] instanceof InstanceIdFencedError, String(r1.errors[0]));
  assert.equal((r1.errors[0] as InstanceIdFencedError).code, 'SLUICE_INSTANCE_ID_FENCED');
  assert.match(r1.errors[0]!.message, /FENCED_INSTANCE_ID/);
  assert.ok(r1.events.includes('lost FENCED_INSTANCE_ID'));
  assert.equal(m1.stable, false);
  await m1.close();
  await m2.close();
});

test('a restarted static leader keeps the group\'s assignment (KIP-814 skipAssignment): no assignor run, no rebalance of the follower', async () => {
  const runs: number[] = [];
  const counting: TaskAssignor = (members, context) => (runs.push(context.generationId), assignAllToLeader(members, context));
  const rLeader = recorder();
  const rFollower = recorder();
  const opts = { groupId: 'job-static-leader', topics: ['src-a'], heartbeatIntervalMs: 50, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 5000, assignor: counting };
  const leader = new JobGroupMember(clients(), { ...opts, worker: worker(0), groupInstanceId: 'w-0', listener: rLeader });
  await leader.join();
  const follower = new JobGroupMember(clients(), { ...opts, worker: worker(1), groupInstanceId: 'w-1', listener: rFollower });
  const leaderRejoined = nextAssignment(rLeader);
  await follower.join();
  await leaderRejoined;
  assert.ok(leader.leader, 'the first member leads');
  const generation = leader.generationId;
  const runsBefore = runs.length;
  const followerEvents = rFollower.events.length;

  // The leader's process "restarts": a new member with the same instance id, without a member id.
  await leader.close({ leave: false });
  const restarted = new JobGroupMember(clients(), { ...opts, worker: worker(0), groupInstanceId: 'w-0' });
  const a = await restarted.join();
  assert.equal(restarted.generationId, generation, 'same generation: no rebalance');
  assert.ok(restarted.leader, 'it leads again');
  assert.equal(a.partitions.length, 3, 'it keeps the assignment the group holds for it');
  assert.equal(runs.length, runsBefore, 'the assignor did not run');
  // The follower was not rebalanced.
  assert.deepEqual(rFollower.events.slice(followerEvents), []);
  assert.equal(follower.stable, true);
  await restarted.close();
  await follower.close();
});

for (const rejoinWhenFenced of [true, false]) {
  test(`a member the group expelled (heartbeats slower than the session timeout) ${rejoinWhenFenced ? 'rejoins by itself' : 'stays fenced with rejoinWhenFenced false (exactly-once workers)'}`, async () => {
    const r = recorder();
    const groupId = `job-expelled-${rejoinWhenFenced}`;
    const m = new JobGroupMember(clients(), { groupId, topics: ['src-a'], worker: worker(0), heartbeatIntervalMs: 1500, sessionTimeoutMs: 300, rebalanceTimeoutMs: 3000, listener: r, rejoinWhenFenced });
    await m.join();
    const generation = m.generationId;
    assert.equal(m.leader, true, 'a lone member leads its group');
    for (let i = 0; i < 2000 && !r.events.some((e) => e.startsWith('lost')); i++) await new Promise((res) => setTimeout(res, 10));
    assert.ok(r.events.some((e) => e.startsWith('lost UNKNOWN_MEMBER_ID') || e.startsWith('lost ILLEGAL_GENERATION')), r.events.join(', '));
    if (rejoinWhenFenced) {
      for (let i = 0; i < 2000 && !m.stable; i++) await new Promise((res) => setTimeout(res, 10));
      assert.equal(m.stable, true, 'rejoined');
      assert.ok(m.generationId > generation);
    } else {
      await new Promise((res) => setTimeout(res, 500));
      assert.equal(m.fenced, true);
      assert.equal(m.stable, false);
      assert.equal(m.generationId, generation, 'no new generation behind the worker’s back');
      assert.equal(r.events.filter((e) => e.startsWith('assigned')).length, 1, 'no second assignment');
    }
    await m.close();
  });
}

test('a subscribed topic that does not exist yet gives no tasks instead of failing the join', async () => {
  const member = new JobGroupMember(clients(), { groupId: 'job-missing', topics: ['src-a', 'not-there-yet'], worker: worker(0), heartbeatIntervalMs: 100, sessionTimeoutMs: 3000 });
  const a = await member.join();
  assert.deepEqual([...new Set(a.partitions.map((p) => p.topic))], ['src-a']);
  assert.equal(a.partitions.length, 3);
  await member.close();
});

test('heartbeats go on while onRevoked runs, so a slow revocation does not cost the membership', async () => {
  const r1 = recorder();
  const slow: RebalanceListener = { ...r1, onRevoked: async (a) => {
    r1.events.push(`revoked ${a.partitions.length}`);
    await new Promise((res) => setTimeout(res, 2500)); // e.g. a checkpoint commit; longer than the session timeout
  } };
  const m1 = new JobGroupMember(clients(), { groupId: 'job-slow', topics: ['src-a'], worker: worker(0), heartbeatIntervalMs: 100, sessionTimeoutMs: 1000, rebalanceTimeoutMs: 10_000, listener: slow });
  await m1.join();
  const firstId = m1.memberId;
  const m2 = new JobGroupMember(clients(), { groupId: 'job-slow', topics: ['src-a'], worker: worker(1), heartbeatIntervalMs: 100, sessionTimeoutMs: 1000, rebalanceTimeoutMs: 10_000 });
  const rejoined = nextAssignment(r1);
  await m2.join();
  await rejoined;
  assert.equal(m1.memberId, firstId, 'the same member rejoined: it was not expired during onRevoked');
  assert.equal(m1.generationId, m2.generationId);
  assert.equal(r1.events.filter((e) => e.startsWith('revoked')).length, 1, 'one revocation for one rebalance');
  await m1.close();
  await m2.close();
});
