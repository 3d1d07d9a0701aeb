import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SluiceErrorCodes } from '../../../src/core/errors/codes.ts';
import type { MemberSubscription } from '../../../src/kafka/group-protocol.ts';
import { assignStandbys, preferStandbyHolders, resolveStandbyReplicas, standbysOf, withStandbys } from '../../../src/runtime/executor/standby-assignor.ts';
import { unitAssignor, unitsOf } from '../../../src/runtime/executor/task-assignor.ts';

type Info = { owned?: number[]; standbys?: number[]; caughtUp?: number[]; standbyLag?: Record<string, number> };
const members = (infos: Record<string, Info | undefined>): Array<{ memberId: string; info: Info | undefined }> => Object.entries(infos).map(([memberId, info]) => ({ memberId, info }));
const activeOf = (infos: Record<string, Info | undefined>): Map<string, number[]> => new Map(Object.entries(infos).map(([id, i]) => [id, i?.owned ?? []]));

/** Checks the invariants every standby assignment keeps; returns the replicas per unit. */
function checkInvariants(result: Map<string, number[]>, active: Map<string, number[]>, units: number, replicas: number, eligible: number): Map<number, string[]> {
  const perUnit = new Map<number, string[]>();
  for (const [m, list] of result) {
    assert.equal(new Set(list).size, list.length, `${m} holds a unit's replica twice: ${JSON.stringify(list)}`);
    for (const u of list) {
      assert.ok(!(active.get(m) ?? []).includes(u), `${m} holds a standby of unit ${u}, which it runs`);
      (perUnit.get(u) ?? perUnit.set(u, []).get(u)!).push(m);
    }
  }
  for (let u = 0; u < units; u++) assert.equal(perUnit.get(u)?.length ?? 0, Math.min(replicas, eligible - 1), `unit ${u}: replicas ${JSON.stringify(perUnit.get(u))}`);
  return perUnit;
}

test('never on the active owner; every unit gets min(N, workers - 1) replicas', () => {
  for (const units of [1, 2, 3, 4, 6, 8]) {
    for (const n of [1, 2, 3, 4]) {
      for (const replicas of [1, 2, 3]) {
        const infos: Record<string, Info> = {};
        for (let i = 0; i < n; i++) infos[`m${i}`] = { owned: Array.from({ length: units }, (_, s) => s).filter((s) => s % n === i) };
        const result = assignStandbys(members(infos), activeOf(infos), units, replicas);
        checkInvariants(result, activeOf(infos), units, replicas, n);
      }
    }
  }
});

test('balanced: replica counts per worker differ by at most one', () => {
  for (const [units, n, replicas] of [[6, 3, 1], [6, 3, 2], [8, 4, 1], [12, 4, 2], [5, 3, 1], [7, 4, 2]] as const) {
    const infos: Record<string, Info> = {};
    for (let i = 0; i < n; i++) infos[`m${i}`] = { owned: Array.from({ length: units }, (_, s) => s).filter((s) => s % n === i) };
    const result = assignStandbys(members(infos), activeOf(infos), units, replicas);
    const counts = [...result.values()].map((l) => l.length);
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `units ${units}, workers ${n}, N ${replicas}: ${JSON.stringify([...result])}`);
  }
});

test('sticky: a worker that holds a replica keeps it when the assignment is recomputed', () => {
  const infos: Record<string, Info> = { a: { owned: [0, 1], standbys: [2, 3] }, b: { owned: [2, 3], standbys: [4, 5] }, c: { owned: [4, 5], standbys: [0, 1] } };
  const result = assignStandbys(members(infos), activeOf(infos), 6, 1);
  assert.deepEqual(result.get('a'), [2, 3]);
  assert.deepEqual(result.get('b'), [4, 5]);
  assert.deepEqual(result.get('c'), [0, 1]);
});

test('sticky within the balance: a joining worker takes replicas from the others, who keep the rest', () => {
  const infos: Record<string, Info> = { a: { owned: [0, 1, 2], standbys: [3, 4, 5] }, b: { owned: [3, 4, 5], standbys: [0, 1, 2] }, c: { owned: [] } };
  // The unit assignment after c joined (sticky, balanced): c took one unit of each.
  const active = new Map([['a', [0, 1]], ['b', [3, 4]], ['c', [2, 5]]]);
  const result = assignStandbys(members(infos), active, 6, 1);
  checkInvariants(result, active, 6, 1, 3);
  for (const [m, before] of [['a', [3, 4, 5]], ['b', [0, 1, 2]]] as const) {
    const kept = result.get(m)!.filter((u) => before.includes(u as never));
    assert.ok(kept.length >= 1, `${m} kept a replica it held (${JSON.stringify(result.get(m))})`);
  }
  assert.deepEqual([...result.values()].map((l) => l.length), [2, 2, 2]);
});

test('a replica whose unit became active on its holder moves to another worker', () => {
  const infos: Record<string, Info> = { a: { owned: [0], standbys: [1] }, b: { owned: [1], standbys: [0] } };
  const active = new Map([['a', [0, 1]], ['b', [] as number[]]]); // b lost its unit (e.g. it is draining)
  const result = assignStandbys(members(infos), active, 2, 1);
  assert.deepEqual(result.get('a'), []);
  assert.deepEqual(result.get('b'), [0, 1]);
});

test('no replicas with one worker, with N = 0, or for members without Sluice user data', () => {
  assert.deepEqual([...assignStandbys(members({ a: { owned: [0, 1] } }), activeOf({ a: { owned: [0, 1] } }), 2, 1).values()].flat(), []);
  const two = { a: { owned: [0] }, b: { owned: [1] } };
  assert.deepEqual([...assignStandbys(members(two), activeOf(two), 2, 0).values()].flat(), []);
  const foreign = { a: { owned: [0, 1] }, x: undefined };
  assert.deepEqual([...assignStandbys(members(foreign), activeOf(foreign), 2, 1).values()].flat(), []);
});

const sub = (memberId: string, info: Info): MemberSubscription => ({ memberId, groupInstanceId: null, topics: [], worker: { host: 'h', pid: 1, slot: 0, ...info }, ownedPartitions: [] });

test('the unit of a worker that left goes to a worker holding its replica (a caught-up one first)', () => {
  // a ran unit 0 and is gone; b and c hold replicas of it, c's is caught up.
  const subs = [sub('b', { owned: [1], standbys: [0, 2] }), sub('c', { owned: [2], standbys: [0, 1], caughtUp: [0] })];
  const prepared = preferStandbyHolders(subs);
  assert.deepEqual((prepared[1]!.worker as Info).owned, [2, 0]);
  assert.deepEqual((prepared[0]!.worker as Info).owned, [1]);
  const assigned = withStandbys(unitAssignor(3, preferStandbyHolders), 3, 1)(subs, { leaderId: 'b', generationId: 1 } as never);
  assert.ok(unitsOf(assigned.get('c')!)!.includes(0), `unit 0 went to c, whose replica is caught up: ${JSON.stringify([...assigned].map(([m, a]) => [m, a.userData?.toString()]))}`);
  // And the replicas are re-planned around the new owners.
  for (const [m, a] of assigned) for (const u of standbysOf(a)) assert.ok(!unitsOf(a)!.includes(u), `${m} holds a replica of its own unit ${u}`);
});

test('an orphaned unit its replica holder cannot take (balance) goes to another worker in the same generation, never to nobody', () => {
  // a ran unit 0 and is gone; b holds its caught-up replica but already runs two of the four units.
  const subs = [sub('b', { owned: [1, 2], standbys: [0], caughtUp: [0] }), sub('c', { owned: [3] })];
  const assigned = withStandbys(unitAssignor(4, preferStandbyHolders), 4, 1)(subs, { leaderId: 'b', generationId: 1 } as never);
  assert.deepEqual(unitsOf(assigned.get('b')!), [1, 2]);
  // Crediting b with unit 0 only shapes the target: b does not really own it, so c may have it at once.
  assert.deepEqual(unitsOf(assigned.get('c')!), [0, 3]);
});

test('among holders that are not caught up, the one with the smallest lag gets the orphaned unit', () => {
  const subs = [sub('b', { owned: [1], standbys: [0], standbyLag: { 0: 500 } }), sub('c', { owned: [2, 3], standbys: [0], standbyLag: { 0: 20 } })];
  assert.deepEqual((preferStandbyHolders(subs)[1]!.worker as Info).owned, [2, 3, 0]);
  assert.deepEqual((preferStandbyHolders(subs)[0]!.worker as Info).owned, [1]);
  // Without a measured lag, the one owning fewer units.
  const unmeasured = [sub('b', { owned: [1], standbys: [0] }), sub('c', { owned: [2, 3], standbys: [0] })];
  assert.deepEqual((preferStandbyHolders(unmeasured)[0]!.worker as Info).owned, [1, 0]);
});

test('a job starting (nobody owns anything) ignores replicas: the index hints decide', () => {
  const subs = [sub('a', { standbys: [1] }), sub('b', { standbys: [0] })];
  assert.deepEqual(preferStandbyHolders(subs), subs);
});

test('the assignment carries units and standbys; without replicas it is the plain unit assignment', () => {
  const subs = [sub('a', { owned: [0, 1] }), sub('b', { owned: [2, 3] })];
  const plain = unitAssignor(4)(subs, {} as never);
  assert.deepEqual(withStandbys(unitAssignor(4), 4, 0)(subs, {} as never), plain);
  const withReplicas = withStandbys(unitAssignor(4), 4, 1)(subs, {} as never);
  assert.deepEqual(JSON.parse(withReplicas.get('a')!.userData!.toString()), { units: [0, 1], standbys: [2, 3] });
  assert.deepEqual(JSON.parse(withReplicas.get('b')!.userData!.toString()), { units: [2, 3], standbys: [0, 1] });
  assert.deepEqual(standbysOf({ partitions: [] }), []);
  assert.deepEqual(standbysOf({ partitions: [], userData: Buffer.from('{"units":[1]}') }), []);
});

test('standbyReplicas setting: option, then SLUICE_STANDBY_REPLICAS, default 0; a bad value is a typed error', () => {
  const saved = process.env.SLUICE_STANDBY_REPLICAS;
  try {
    delete process.env.SLUICE_STANDBY_REPLICAS;
    assert.equal(resolveStandbyReplicas(undefined), 0);
    process.env.SLUICE_STANDBY_REPLICAS = '2';
    assert.equal(resolveStandbyReplicas(undefined), 2);
    assert.equal(resolveStandbyReplicas(1), 1);
    for (const bad of ['-1', '1.5', 'two', '', '17']) {
      process.env.SLUICE_STANDBY_REPLICAS = bad;
      assert.throws(() => resolveStandbyReplicas(undefined), (e: { code?: string; message: string }) => e.code === SluiceErrorCodes.INVALID_JOB && e.message.includes('SLUICE_STANDBY_REPLICAS'), bad);
    }
    assert.throws(() => resolveStandbyReplicas(-2), /standbyReplicas must be an integer/);
  } finally {
    if (saved === undefined) delete process.env.SLUICE_STANDBY_REPLICAS;
    else process.env.SLUICE_STANDBY_REPLICAS = saved;
  }
});

test('property (seeded): random held replicas over a balanced unit assignment — invariants hold, counts differ by at most one', () => {
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let run = 0; run < 500; run++) {
    const n = 2 + rnd(4);
    const units = 1 + rnd(12);
    const replicas = 1 + rnd(3);
    const infos: Record<string, Info> = {};
    for (let i = 0; i < n; i++) infos[`m${i}`] = { owned: Array.from({ length: units }, (_, s) => s).filter((s) => s % n === i), standbys: Array.from({ length: units }, (_, s) => s).filter(() => rnd(3) === 0) };
    const result = assignStandbys(members(infos), activeOf(infos), units, replicas);
    checkInvariants(result, activeOf(infos), units, replicas, n);
    const counts = [...result.values()].map((l) => l.length);
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `run ${run}: units ${units}, workers ${n}, N ${replicas}: ${JSON.stringify([...result])}`);
  }
});
