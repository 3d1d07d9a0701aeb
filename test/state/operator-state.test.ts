import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ListStateDescriptor } from 'sluice';
import { redistributeOperatorState, splitEvenly, type OperatorStateSnapshot } from '../../src/state/operator/redistribution.ts';
import { OperatorStateStoreImpl } from '../../src/state/operator/operator-state-store.ts';

test('split state: same parallelism keeps each list; otherwise contiguous even parts, the first ones one longer', () => {
  assert.deepEqual(splitEvenly([[1, 2], [3]], 1, 2), [3]);
  const lists = [[1, 2, 3], [4, 5], [6, 7]];
  assert.deepEqual([0, 1, 2, 3].map((i) => splitEvenly(lists, i, 4)), [[1, 2], [3, 4], [5, 6], [7]]);
  assert.deepEqual([0, 1].map((i) => splitEvenly(lists, i, 2)), [[1, 2, 3, 4], [5, 6, 7]]);
  fc.assert(
    fc.property(fc.array(fc.array(fc.integer(), { maxLength: 6 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 9 }), (old, p) => {
      const parts = Array.from({ length: p }, (_, i) => splitEvenly(old, i, p));
      const sizes = parts.map((x) => x.length);
      return JSON.stringify(parts.flat()) === JSON.stringify(old.flat()) && (old.length === p || Math.max(...sizes) - Math.min(...sizes) <= 1);
    }),
  );
});

test('union state goes whole to every subtask; broadcast state copies old subtask i % oldParallelism', () => {
  const previous: OperatorStateSnapshot[] = [
    { seen: { mode: 'split', values: ['a', 'b'] }, all: { mode: 'union', values: [0] }, rules: { mode: 'broadcast', values: ['r0'] } },
    { seen: { mode: 'split', values: ['c'] }, all: { mode: 'union', values: [1] }, rules: { mode: 'broadcast', values: ['r1'] } },
  ];
  const three = [0, 1, 2].map((i) => redistributeOperatorState(previous, i, 3));
  assert.deepEqual(three.map((s) => s.seen!.values), [['a'], ['b'], ['c']]);
  assert.deepEqual(three.map((s) => s.all!.values), [[0, 1], [0, 1], [0, 1]]);
  assert.deepEqual(three.map((s) => s.rules!.values), [['r0'], ['r1'], ['r0']]);
  const same = [0, 1].map((i) => redistributeOperatorState(previous, i, 2));
  assert.deepEqual(same.map((s) => s.seen!.values), [['a', 'b'], ['c']]);
  assert.deepEqual(same.map((s) => s.all!.values), [[0, 1], [0, 1]], 'union state is unioned at the same parallelism too');
});

test('operator state store: list semantics, one mode per name, restored states kept until used', () => {
  const store = new OperatorStateStoreImpl('op', { old: { mode: 'union', values: [9] }, buf: { mode: 'split', values: ['x'] } });
  const buf = store.getListState(new ListStateDescriptor<string>('buf'));
  assert.deepEqual(buf.get(), ['x']);
  buf.add('y');
  buf.addAll(['z']);
  assert.deepEqual(buf.get(), ['x', 'y', 'z']);
  assert.throws(() => store.getUnionListState(new ListStateDescriptor<string>('buf')), /already registered with getListState/);
  assert.throws(() => buf.add(undefined as unknown as string), /null or undefined/);
  buf.update(['only']);
  assert.deepEqual(store.snapshot(), { old: { mode: 'union', values: [9] }, buf: { mode: 'split', values: ['only'] } });
  buf.clear();
  assert.deepEqual(store.snapshot().buf!.values, []);
  assert.deepEqual([...store.getRegisteredStateNames()], ['buf']);
});
