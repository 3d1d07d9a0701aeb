import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignUnits, assignUnitsCooperatively, unitAssignor, unitsOf } from '../../../src/runtime/executor/task-assignor.ts';
import { decodeAssignment, encodeAssignment } from '../../../src/kafka/group-protocol.ts';
import { runsExactly } from '../../../src/runtime/executor/job-membership.ts';

const sizes = (m: Map<string, number[]>): number[] => [...m.values()].map((l) => l.length).sort();
const everyUnitOnce = (m: Map<string, number[]>, units: number): void => assert.deepEqual([...m.values()].flat().sort((a, b) => a - b), Array.from({ length: units }, (_, i) => i));

test('one member gets every unit; a member without Sluice user data gets none', () => {
  const m = assignUnits([{ memberId: 'a', info: {} }, { memberId: 'x', info: undefined }], 4);
  assert.deepEqual(m.get('a'), [0, 1, 2, 3]);
  assert.deepEqual(m.get('x'), []);
});

test('balanced: counts differ by at most one, every unit assigned exactly once', () => {
  for (const units of [1, 2, 3, 4, 7, 8, 12]) {
    for (const n of [1, 2, 3, 4, 5]) {
      const members = Array.from({ length: n }, (_, i) => ({ memberId: `m${i}`, info: { owned: i === 0 ? Array.from({ length: units }, (_, s) => s) : [] } }));
      const m = assignUnits(members, units);
      everyUnitOnce(m, units);
      const s = sizes(m);
      assert.ok(s[s.length - 1]! - s[0]! <= 1, `units ${units}, members ${n}: ${JSON.stringify([...m])}`);
    }
  }
});

test('sticky: a joining member takes units from the others, who keep the rest of theirs', () => {
  const before = { a: [0, 1, 2, 3, 4, 5], b: [6, 7, 8, 9, 10, 11] };
  const m = assignUnits([{ memberId: 'a', info: { owned: before.a } }, { memberId: 'b', info: { owned: before.b } }, { memberId: 'c', info: { owned: [] } }], 12);
  everyUnitOnce(m, 12);
  assert.deepEqual(sizes(m), [4, 4, 4]);
  for (const id of ['a', 'b'] as const) for (const s of m.get(id)!) assert.ok(before[id].includes(s), `${id} kept only its own units`);
});

test('sticky: when a member leaves, only its units move', () => {
  const m = assignUnits([{ memberId: 'a', info: { owned: [0, 3] } }, { memberId: 'c', info: { owned: [2, 5] } }], 6);
  everyUnitOnce(m, 6);
  assert.deepEqual(sizes(m), [3, 3]);
  assert.ok([0, 3].every((s) => m.get('a')!.includes(s)));
  assert.ok([2, 5].every((s) => m.get('c')!.includes(s)));
});

test('a unit claimed by two members (a stale subscription) goes to one of them only', () => {
  const m = assignUnits([{ memberId: 'a', info: { owned: [0, 1] } }, { memberId: 'b', info: { owned: [1, 2] } }], 3);
  everyUnitOnce(m, 3);
});

test('first assignment follows the workers index hint (SLUICE_WORKERS / SLUICE_WORKER_INDEX)', () => {
  const m = assignUnits(
    [
      { memberId: 'z', info: { hint: { index: 0, count: 2 } } },
      { memberId: 'y', info: { hint: { index: 1, count: 2 } } },
    ],
    4,
  );
  assert.deepEqual(m.get('z'), [0, 2]);
  assert.deepEqual(m.get('y'), [1, 3]);
});

test('more members than units: the extra members get nothing', () => {
  const m = assignUnits(Array.from({ length: 4 }, (_, i) => ({ memberId: `m${i}`, info: {} })), 2);
  everyUnitOnce(m, 2);
  assert.deepEqual(sizes(m), [0, 0, 1, 1]);
});

test('the assignor carries the units in the assignment user data through the consumer protocol encoding', () => {
  const decided = unitAssignor(3)(
    [
      { memberId: 'a', groupInstanceId: null, topics: ['t'], worker: { host: 'h', pid: 1, slot: 0, owned: [0, 1, 2] }, ownedPartitions: [] },
      { memberId: 'b', groupInstanceId: null, topics: ['t'], worker: { host: 'h', pid: 2, slot: 0 }, ownedPartitions: [] },
    ],
    { generationId: 1, leaderId: 'a', partitions: new Map() },
  );
  const a = unitsOf(decodeAssignment(encodeAssignment(decided.get('a')!)));
  const b = unitsOf(decodeAssignment(encodeAssignment(decided.get('b')!)));
  // Cooperative: a keeps two units, the third is revoked from a and given to b only in the follow-up rebalance.
  assert.equal(a!.length, 2);
  assert.deepEqual(b, []);
  const followUp = unitAssignor(3)(
    [
      { memberId: 'a', groupInstanceId: null, topics: ['t'], worker: { host: 'h', pid: 1, slot: 0, owned: a! }, ownedPartitions: [] },
      { memberId: 'b', groupInstanceId: null, topics: ['t'], worker: { host: 'h', pid: 2, slot: 0 }, ownedPartitions: [] },
    ],
    { generationId: 2, leaderId: 'a', partitions: new Map() },
  );
  const b2 = unitsOf(decodeAssignment(encodeAssignment(followUp.get('b')!)));
  assert.deepEqual([...a!, ...b2!].sort(), [0, 1, 2]);
  assert.equal(unitsOf({ partitions: [] }), undefined);
});

test('runsExactly: a worker built for a share runs the assigned units only when they are the same set', () => {
  assert.equal(runsExactly(undefined, [2, 0, 1], 3), true);
  assert.equal(runsExactly(undefined, [0, 1], 3), false);
  assert.equal(runsExactly({ index: 1, count: 2 }, [1, 3], 4), true);
  assert.equal(runsExactly({ index: 1, count: 2 }, [1], 4), false);
  assert.equal(runsExactly({ index: 0, count: 1, subtasks: [2] }, [2], 3), true);
  assert.equal(runsExactly({ index: 0, count: 1, subtasks: [2] }, [1], 3), false);
});

// Cooperative incremental rebalancing (KIP-429 applied to units).

test('cooperative: a joining member gets nothing in the first rebalance; the units that must move are revoked from their owner, who keeps the rest', () => {
  const first = assignUnitsCooperatively([{ memberId: 'a', info: { owned: [0, 1, 2, 3, 4, 5] } }, { memberId: 'b', info: { owned: [] } }], 6);
  assert.equal(first.get('b')!.length, 0, 'b is given nothing while a still owns the units');
  assert.equal(first.get('a')!.length, 3, 'a keeps its share');
  // a releases the others and rejoins: the follow-up rebalance gives them to b, a keeps its three.
  const second = assignUnitsCooperatively([{ memberId: 'a', info: { owned: first.get('a')! } }, { memberId: 'b', info: { owned: [] } }], 6);
  assert.deepEqual(second.get('a'), first.get('a'));
  assert.deepEqual(second.get('b'), [0, 1, 2, 3, 4, 5].filter((u) => !first.get('a')!.includes(u)));
});

test('cooperative: the units of a member that left (or was expelled) are free at once', () => {
  const m = assignUnitsCooperatively([{ memberId: 'a', info: { owned: [0, 3] } }, { memberId: 'c', info: { owned: [2, 5] } }], 6);
  everyUnitOnce(m, 6);
  assert.ok([0, 3].every((s) => m.get('a')!.includes(s)) && [2, 5].every((s) => m.get('c')!.includes(s)));
});

test('cooperative: a unit two members claim goes to neither until both released it', () => {
  const m = assignUnitsCooperatively([{ memberId: 'a', info: { owned: [0, 1] } }, { memberId: 'b', info: { owned: [1, 2] } }], 3);
  assert.ok(!m.get('a')!.includes(1) && !m.get('b')!.includes(1));
  const next = assignUnitsCooperatively([{ memberId: 'a', info: { owned: m.get('a')! } }, { memberId: 'b', info: { owned: m.get('b')! } }], 3);
  everyUnitOnce(next, 3);
});

test('cooperative, simulated: joins, leaves and expulsions in any order never give a unit to a member while another member owns it, and two rebalances settle a balanced assignment', () => {
  const rand = (() => {
    let x = 12345;
    return () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  })();
  for (let run = 0; run < 200; run++) {
    const units = 1 + Math.floor(rand() * 12);
    const owned = new Map<string, number[]>([['m0', []]]);
    let next = 1;
    for (let step = 0; step < 8; step++) {
      // A change of membership: a member joins, or one leaves (its units go with it).
      if (owned.size === 1 || rand() < 0.6) owned.set(`m${next++}`, []);
      else owned.delete([...owned.keys()][Math.floor(rand() * owned.size)]!);
      let rebalances = 0;
      for (;;) {
        rebalances++;
        const members = [...owned].map(([memberId, list]) => ({ memberId, info: { owned: list } }));
        const decided = assignUnitsCooperatively(members, units);
        for (const [id, list] of decided) {
          for (const u of list) {
            for (const [other, theirs] of owned) assert.ok(other === id || !theirs.includes(u), `run ${run}: unit ${u} given to ${id} while ${other} owns it`);
          }
        }
        const revoked = [...owned].some(([id, list]) => list.some((u) => !decided.get(id)!.includes(u)));
        for (const [id, list] of decided) owned.set(id, list);
        if (!revoked) break; // nobody released anything: nobody rejoins
        assert.ok(rebalances < 2, `run ${run}: a third rebalance was needed`);
      }
      everyUnitOnce(new Map(owned), units);
      const s = [...owned.values()].map((l) => l.length).sort((a, b) => a - b);
      assert.ok(s[s.length - 1]! - s[0]! <= 1, `run ${run}: balanced ${JSON.stringify([...owned])}`);
    }
  }
});
