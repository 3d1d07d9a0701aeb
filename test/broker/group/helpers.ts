import assert from 'node:assert/strict';
import { GroupCoordinator, type GroupCoordinatorOptions } from '../../../src/broker/group/coordinator.ts';
import * as E from '../../../src/broker/group/error-codes.ts';
import type { JoinGroupRequest, JoinGroupResponse, SyncGroupResponse } from '../../../src/broker/group/messages.ts';
import { MemoryOffsetStore } from '../../../src/broker/group/offset-log.ts';
import { ManualClock } from '../../../src/util/clock.ts';

export const CLIENT = { clientId: 'client', clientHost: '/127.0.0.1' };
export const SESSION_MS = 10_000;
export const REBALANCE_MS = 30_000;

export function setup(opts: Partial<GroupCoordinatorOptions> = {}) {
  const clock = new ManualClock(1_000_000);
  const store = new MemoryOffsetStore();
  const coordinator = new GroupCoordinator({ clock, store, ...opts });
  return { clock, store, coordinator };
}

export function protocol(name = 'range', metadata = 'sub') {
  return { name, metadata: Buffer.from(metadata) };
}

export function joinRequest(overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: 'g',
    sessionTimeoutMs: SESSION_MS,
    rebalanceTimeoutMs: REBALANCE_MS,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [protocol()],
    reason: null,
    ...overrides,
  };
}

/**
 * Joins as a new member the v4+ way: the first JoinGroup gets MEMBER_ID_REQUIRED and the id, the
 * second (returned, maybe still pending) joins for real. Static members skip the first step.
 */
export async function joinNew(
  c: GroupCoordinator,
  overrides: Partial<JoinGroupRequest> = {},
  version = 9,
): Promise<{ memberId: string; join: Promise<JoinGroupResponse> }> {
  if (overrides.groupInstanceId != null) {
    const join = c.joinGroup(joinRequest(overrides), version, CLIENT);
    const r = await settled(join);
    return { memberId: r?.memberId ?? '', join };
  }
  const first = await c.joinGroup(joinRequest(overrides), version, CLIENT);
  assert.equal(first.errorCode, E.MEMBER_ID_REQUIRED);
  assert.notEqual(first.memberId, '');
  const join = c.joinGroup(joinRequest({ ...overrides, memberId: first.memberId }), version, CLIENT);
  return { memberId: first.memberId, join };
}

/** The value of `p` if it has already resolved (after pending microtasks), else undefined. */
export async function settled<T>(p: Promise<T>): Promise<T | undefined> {
  const pending = Symbol('pending');
  const r = await Promise.race([p, new Promise<typeof pending>((res) => setImmediate(() => res(pending)))]);
  return r === pending ? undefined : (r as T);
}

export async function sync(
  c: GroupCoordinator,
  memberId: string,
  generationId: number,
  assignments: [string, string][] = [],
  groupId = 'g',
): Promise<SyncGroupResponse> {
  return c.syncGroup(
    { groupId, generationId, memberId, groupInstanceId: null, assignments: assignments.map(([m, a]) => ({ memberId: m, assignment: Buffer.from(a) })) },
    5,
  );
}

export function hb(c: GroupCoordinator, memberId: string, generationId: number, groupId = 'g'): number {
  return c.heartbeat({ groupId, generationId, memberId, groupInstanceId: null }, 4).errorCode;
}

export function stateOf(c: GroupCoordinator, groupId = 'g'): string {
  return c.describeGroups({ groups: [groupId], includeAuthorizedOperations: false }, 5).groups[0]!.groupState;
}

/**
 * Brings a group of `n` dynamic members to Stable (advancing the clock through the initial
 * rebalance delay); the leader assigns "a-<memberId>".
 */
export async function stableGroup(c: GroupCoordinator, clock: ManualClock, n: number, overrides: Partial<JoinGroupRequest> = {}) {
  const joins = [];
  for (let i = 0; i < n; i++) joins.push((await joinNew(c, overrides)).join);
  await advanceUntilSettled(c, clock, joins);
  return finishRebalance(c, joins);
}

/** Advances the clock in 500 ms steps, ticking, until every promise has resolved. */
export async function advanceUntilSettled(c: GroupCoordinator, clock: ManualClock, ps: Promise<unknown>[], maxMs = 600_000) {
  for (let t = 0; t <= maxMs; t += 500) {
    const done = await Promise.all(ps.map((p) => settled(p)));
    if (done.every((d) => d !== undefined)) return;
    clock.advance(500);
    c.tick();
  }
  assert.fail('promises did not settle');
}

/** Awaits the joins, has the leader assign and everyone sync; returns the generation. */
export async function finishRebalance(c: GroupCoordinator, joins: Promise<JoinGroupResponse>[]) {
  const responses = await Promise.all(joins);
  for (const r of responses) assert.equal(r.errorCode, E.NONE);
  const generationId = responses[0]!.generationId;
  const leader = responses.find((r) => r.memberId === r.leader)!;
  const assignments = leader.members.map((m) => [m.memberId, `a-${m.memberId}`] as [string, string]);
  const syncs = await Promise.all(responses.map((r) => sync(c, r.memberId, generationId, r.memberId === r.leader ? assignments : [])));
  for (const s of syncs) assert.equal(s.errorCode, E.NONE);
  return { generationId, leader: leader.memberId, members: responses.map((r) => r.memberId), responses, syncs };
}
