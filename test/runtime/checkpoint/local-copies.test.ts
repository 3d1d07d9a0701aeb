import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbStateBackend, ValueStateDescriptor, assignToKeyGroup } from 'sluice';
import { ManualClock } from 'sluice/testing';
import { voidNamespaceSerializer } from '../../../src/core/state/namespace.ts';
import { LocalCopies } from '../../../src/runtime/checkpoint/local-copies.ts';
import type { JobVertex } from '../../../src/runtime/graph/job-graph.ts';
import type { AbstractStreamOperator } from '../../../src/runtime/operators/operator.ts';
import type { LmdbKeyedStateBackend } from '../../../src/state/lmdb/lmdb-backend.ts';

// A job started from a savepoint begins a new line of checkpoints whose ids start again after the
// savepoint's: a local copy stamped by the earlier line with the same checkpoint id holds other
// state and must not be reused (issue 10, Recovery).

const MAX = 128;
const vertex = { uid: 'count', maxParallelism: MAX } as unknown as JobVertex;

function open(path: string): { owner: LmdbStateBackend; b: LmdbKeyedStateBackend; op: AbstractStreamOperator<unknown> } {
  const owner = new LmdbStateBackend({ path });
  const b = owner.createKeyedStateBackend({ operatorUid: 'count', subtaskIndex: 0, clock: new ManualClock(0), trackChanges: true, maxParallelism: MAX, keyGroupOf: (k) => assignToKeyGroup(k, MAX) });
  const op = { backend: b, subtaskIndex: 0, keyGroupRange: () => ({ start: 0, end: MAX - 1 }) } as unknown as AbstractStreamOperator<unknown>;
  return { owner, b, op };
}

async function stampedCopy(path: string, lineage: string, checkpointId: number): Promise<void> {
  const { owner, b, op } = open(path);
  const n = b.getOrCreateState(new ValueStateDescriptor<number>('n', 0), voidNamespaceSerializer);
  b.setCurrentKey('k');
  n.update(1);
  b.changesPersisted();
  new LocalCopies('job', new ManualClock(0)).stamp(vertex, op, checkpointId, lineage, []);
  b.dispose();
  await owner.close();
}

test('local copies: reused only when stamped by the same line of checkpoints, not by an earlier one with the same checkpoint id', async () => {
  const same = mkdtempSync(join(tmpdir(), 'sluice-lineage-'));
  await stampedCopy(same, 'line-a', 5);
  {
    const { owner, b, op } = open(same);
    assert.ok(new LocalCopies('job', new ManualClock(0)).reuse(vertex, [op], 5, 'line-a') !== undefined, 'same line and checkpoint: reused');
    b.dispose();
    await owner.close();
  }
  const other = mkdtempSync(join(tmpdir(), 'sluice-lineage-'));
  await stampedCopy(other, 'line-a', 5);
  const { owner, b, op } = open(other);
  assert.equal(new LocalCopies('job', new ManualClock(0)).reuse(vertex, [op], 5, 'line-b'), undefined, 'another line with the same checkpoint id: not reused');
  b.dispose();
  await owner.close();
});

test('local copies with several workers: compared with the last committed checkpoint of the subtask\'s own task, not the newest of the whole job', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-task-checkpoint-'));
  await stampedCopy(dir, 'line-a', 5);
  const { owner, b, op } = open(dir);
  const copies = new LocalCopies('job', new ManualClock(0));
  // Another worker's tasks committed up to checkpoint 9; this subtask's task last committed 5.
  assert.equal(copies.reuse(vertex, [op], 9, 'line-a'), undefined, 'the job-wide newest checkpoint does not match the stamp');
  assert.ok(copies.reuse(vertex, [op], (o) => (o === op ? 5 : 9), 'line-a') !== undefined, 'the task\'s own last committed checkpoint matches: reused');
  b.dispose();
  await owner.close();
});
