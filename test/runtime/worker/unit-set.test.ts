import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import type { BuiltTasks } from '../../../src/runtime/worker/task-builder.ts';
import { Task } from '../../../src/runtime/worker/task.ts';
import { UnitSet, type UnitHost } from '../../../src/runtime/worker/unit-set.ts';

/**
 * A worker's units changed while it runs, with a fake host: one non-source stage of parallelism 4
 * (a task per unit) and operators that record their lifecycle. What is checked is the order of
 * the work: the checkpoint before a release, restores in the background, changes in the order the
 * group made them, kept units untouched.
 */
function fakeHost(initial: number[]) {
  const events: string[] = [];
  const vertex = { uid: 'op', name: 'op', t: { kind: 'one' }, inputs: [] };
  const stage = { id: 0, vertices: [vertex], parallelism: 4 };
  const graph = { jobName: 'units', vertices: [vertex], stages: [stage] };
  let generation = 0;
  const build = (): BuiltTasks => {
    const g = ++generation;
    const ops = [0, 1, 2, 3].map((i) => ({ subtaskIndex: i, generation: g, close: () => void events.push(`close ${i}`), open: () => void events.push(`open ${i}`) }));
    const tasks = ops.map((op, i) => new Task(stage as never, i, [op as never]));
    return { tasks, operators: new Map([[vertex as never, ops as never]]), outputOf: () => ({}) as never, batch: undefined };
  };
  const all = build();
  const built: BuiltTasks = { ...all, tasks: all.tasks.filter((t) => initial.includes(t.subtask)), operators: new Map([[vertex as never, all.operators.get(vertex as never)!.filter((op) => initial.includes(op.subtaskIndex))]]) };
  let restoring: (() => void) | undefined;
  const host: UnitHost = {
    graph: graph as never,
    built,
    coordinator: {
      checkpoint: async () => (events.push('checkpoint'), true),
      hold: async () => void events.push('hold'),
      release: () => void events.push('release'),
      restoredFrom: () => {},
    } as never,
    alignment: { unregister: () => {} } as never,
    observed: undefined,
    buildAll: () => build(),
    // A durable state whose restore finishes when the test says so.
    durable: () =>
      ({
        restoreUnits: (ops: Map<unknown, Array<{ subtaskIndex: number }>>) => {
          events.push(`restore ${[...ops.values()].flat().map((o) => o.subtaskIndex).join(',')}`);
          return new Promise((resolve) => (restoring = () => resolve({ snapshot: undefined, changelogged: [] })));
        },
        unitsOpened: () => {},
        forget: () => {},
      }) as never,
    openOperators: async (ops) => {
      for (let i = ops.length - 1; i >= 0; i--) await ops[i]!.open();
    },
    startSources: async () => {},
    wake: () => {},
  };
  return { host, built, events, finishRestore: () => restoring?.(), opsOf: () => built.operators.get(vertex as never)! as unknown as Array<{ subtaskIndex: number; generation: number }> };
}

test('a release takes a checkpoint of every task first, then closes only the revoked units; kept units are untouched', async () => {
  const f = fakeHost([0, 1, 2, 3]);
  const units = new UnitSet(f.host);
  const kept = f.opsOf().filter((op) => op.subtaskIndex < 2);
  const released = units.revoke([2, 3]);
  assert.equal(units.pending, true);
  await units.serve();
  await released;
  assert.deepEqual(f.events, ['checkpoint', 'close 2', 'close 3']);
  assert.deepEqual(units.units(), [0, 1]);
  assert.deepEqual(f.opsOf(), kept, 'the kept operators are the same instances');
  assert.equal(units.version, 1);
});

test('added units restore in the background while the loop goes on, then open and join the lists in order; a revoke queued behind waits for them', async () => {
  const f = fakeHost([0, 2]);
  const units = new UnitSet(f.host);
  const added = units.add([1, 3]);
  const revoked = units.revoke([0]);
  await units.serve(); // starts the restore and returns: the kept units run meanwhile
  await tick();
  assert.deepEqual(f.events, ['restore 1,3']);
  await units.serve(); // still restoring: nothing changes
  assert.deepEqual(units.units(), [0, 2]);
  f.finishRestore();
  await tick();
  await units.serve();
  await added;
  await revoked;
  assert.deepEqual(f.events, ['restore 1,3', 'open 3', 'open 1', 'checkpoint', 'close 0']);
  assert.deepEqual(units.units(), [1, 2, 3]);
  assert.deepEqual(f.built.tasks.map((t) => t.subtask), [1, 2, 3], 'tasks sorted by subtask');
  assert.deepEqual(f.opsOf().map((op) => [op.subtaskIndex, op.generation]), [[1, 2], [2, 1], [3, 2]], 'unit 2 kept its operator; 1 and 3 are fresh instances');
});

test('a worker that stops rejects the changes still queued (the membership then stops it the eager way)', async () => {
  const f = fakeHost([0]);
  const units = new UnitSet(f.host);
  const added = units.add([1]);
  units.close(new Error('worker stopped'));
  await assert.rejects(added, /worker stopped/);
  await assert.rejects(units.revoke([0]), /worker stopped/);
});
