import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoadedSavepoint } from '../../../src/runtime/savepoint/savepoint-reader.ts';
import { asPart, mergeSavepointParts, unitsCovered } from '../../../src/runtime/savepoint/savepoint-parts.ts';
import type { SavepointMetadata } from '../../../src/runtime/savepoint/savepoint-format.ts';
import type { JobSnapshot } from '../../../src/runtime/executor/job-client.ts';

/** A part holding subtasks `subtasks` of operator 'count' and of source 'input' (3 subtasks in all). */
function part(subtasks: number[], checkpointId: number): LoadedSavepoint {
  const sources: unknown[] = [];
  for (const s of subtasks) sources[s] = { offsets: [['in', s, String(100 + s)]] };
  const snapshot = asPart({ jobName: 'job', checkpointId, operators: { count: subtasks.map((s) => ({ uid: 'count', subtaskIndex: s, functionState: { n: { mode: 'split', values: [s] } } })) }, sources: { input: sources } });
  const metadata = { operators: [{ uid: 'count', name: 'Count', parallelism: 3, watermarks: subtasks.map((s) => 1000 + s) }] } as unknown as SavepointMetadata;
  return { path: `/parts/${subtasks.join('-')}`, metadata, snapshot };
}

test('the parts of the workers merge into one savepoint: every subtask of every operator and source, by subtask index', () => {
  const a = part([0, 2], 17);
  assert.deepEqual(a.snapshot.sources.input, [{ offsets: [['in', 0, '100']] }, null, { offsets: [['in', 2, '102']] }], 'a part marks the subtasks it does not run with null');
  const { snapshot, operators } = mergeSavepointParts([a, part([1], 12)]);
  assert.deepEqual(snapshot.operators.count!.map((s) => s.subtaskIndex), [0, 1, 2]);
  assert.deepEqual((snapshot as JobSnapshot).sources.input, [0, 1, 2].map((s) => ({ offsets: [['in', s, String(100 + s)]] })));
  assert.equal(snapshot.checkpointId, 17, 'ids go on after the newest part');
  assert.deepEqual(operators.get('count'), { name: 'Count', parallelism: 3, watermarks: [1000, 1001, 1002] });
  assert.deepEqual([...unitsCovered([{ units: [0, 2] }, { units: [1] }, { units: 'none' }])].sort(), [0, 1, 2]);
});

test('a subtask in two parts (its unit moved while the parts were written) fails the merge', () => {
  assert.throws(() => mergeSavepointParts([part([0, 1], 5), part([1, 2], 5)]), /subtask 1 of 'count' is in two parts/);
});
