import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckpointRecord } from '../../src/kafka/checkpoint-log.ts';
import { consistentCheckpoint, rescaleRecordOf, type TaskPayload } from '../../src/kafka/consistent-checkpoint.ts';

/** A task record of stage `a` (source `in`, operator `buf` with split list state). */
function record(subtask: number, checkpointId: number, opts: { generation?: number; parallelism?: number; buffer: string[]; offsets: Array<[number, number]> }): CheckpointRecord {
  const payload: TaskPayload = {
    subtask,
    sources: { in: { offsets: opts.offsets } },
    operators: { buf: { buffer: { mode: 'split', values: opts.buffer } } },
    ...(opts.generation !== undefined && { generation: opts.generation, parallelism: opts.parallelism, uids: ['in', 'buf'] }),
  };
  return { taskId: `a.${subtask}`, checkpointId, timestamp: 0, payload };
}
/** A source's union of offsets, as KafkaSource.combineReaderStates. */
const combine = (_uid: string, states: readonly unknown[], n: number): unknown[] =>
  Array.from({ length: n }, () => ({ offsets: states.flatMap((s) => (s as { offsets: unknown[] } | undefined)?.offsets ?? []) }));

test('without a rescale record: every task record, lists as long as the parallelism they were written at', () => {
  const cp = consistentCheckpoint([record(0, 5, { generation: 0, parallelism: 2, buffer: ['a'], offsets: [[0, 10]] }), record(1, 6, { generation: 0, parallelism: 2, buffer: [], offsets: [[1, 20]] })], undefined);
  assert.equal(cp.generation, 0);
  assert.equal(cp.checkpointId, 6);
  assert.deepEqual(cp.parallelism, { in: 2, buf: 2 });
  assert.deepEqual(cp.sources.in, [{ offsets: [[0, 10]] }, { offsets: [[1, 20]] }]);
  assert.deepEqual(
    cp.operators.buf!.map((s) => s?.buffer?.values),
    [['a'], []],
  );
  // Records of an older Sluice (no generation): counted up to the highest subtask.
  assert.deepEqual(consistentCheckpoint([record(2, 1, { buffer: [], offsets: [] })], undefined).parallelism, { in: 3, buf: 3 });
});

test('p=3 → 2: the rescale record decides; stale records of generation 0 (subtask 2, and those overwritten next) do not count', () => {
  const gen0 = [0, 1, 2].map((s) => record(s, 4, { generation: 0, parallelism: 3, buffer: [`x${s}`, `y${s}`], offsets: [[s, 100 + s]] }));
  const atThree = consistentCheckpoint(gen0, undefined, combine);
  const rescale = rescaleRecordOf(atThree, { in: 2, buf: 2 });
  assert.equal(rescale.generation, 1);
  assert.deepEqual(rescale.parallelism, { in: 3, buf: 3 });

  // Nobody checkpointed at p=2 yet: the rescale record as it is (restores exactly as the p=3 checkpoint would).
  const none = consistentCheckpoint(gen0, rescale, combine);
  assert.deepEqual([none.generation, none.records, none.parallelism.buf, [...none.asRescaled].sort()], [1, 0, 3, ['buf', 'in']]);
  assert.deepEqual(none.operators.buf!.map((s) => s?.buffer?.values), [['x0', 'y0'], ['x1', 'y1'], ['x2', 'y2']]);
  assert.deepEqual(none.current, { in: 2, buf: 2 }, 'the generation runs at p=2: restarting at p=2 is no new rescale');

  // Subtask 0 of p=2 checkpointed (another worker runs subtask 1, which did not yet): subtask 1 is its share of the
  // rescale record — what it restored — and subtask 2's generation-0 record is not part of the checkpoint.
  const s0 = record(0, 9, { generation: 1, parallelism: 2, buffer: ['z'], offsets: [[0, 150], [2, 160]] });
  const partial = consistentCheckpoint([s0, gen0[1]!, gen0[2]!], rescale, combine);
  assert.deepEqual([partial.generation, partial.records, partial.checkpointId], [1, 1, 9]);
  assert.deepEqual([partial.parallelism, partial.current], [{ in: 2, buf: 2 }, { in: 2, buf: 2 }]);
  assert.deepEqual(partial.operators.buf!.map((s) => s?.buffer?.values), [['z'], ['y1', 'x2', 'y2']], "subtask 1's even share of [x0 y0 x1 | y1 x2 y2]");
  assert.deepEqual(partial.sources.in, [{ offsets: [[0, 150], [2, 160]] }, { offsets: [[0, 100], [1, 101], [2, 102]] }]);
  assert.equal(partial.operators.buf!.length, 2, 'no subtask 2');
  // A combining source (KafkaSource): every subtask gets the union, the newer positions last (a
  // later rescale combines the list in subtask order: old subtask 1's derived 100 must not win).
  const union = (_uid: string, olderFirst: readonly unknown[]) => ({ offsets: olderFirst.flatMap((s) => (s as { offsets: unknown[] }).offsets) });
  const merged = consistentCheckpoint([s0, gen0[1]!, gen0[2]!], rescale, combine, union);
  const winner = (state: unknown) => new Map((state as { offsets: Array<[number, number]> }).offsets);
  assert.deepEqual(merged.sources.in!.map((st) => [...winner(st)].sort()), [0, 1].map(() => [[0, 150], [1, 101], [2, 160]]));

  // Then p=2 → 3: the next rescale record holds the complete p=2 checkpoint, and generation 2 starts.
  const next = rescaleRecordOf(partial, { in: 3, buf: 3 });
  assert.deepEqual([next.generation, next.parallelism.buf], [2, 2]);
  const again = consistentCheckpoint([s0, gen0[1]!, gen0[2]!], next, combine);
  assert.deepEqual(again.operators.buf!.map((s) => s?.buffer?.values), [['z'], ['y1', 'x2', 'y2']], 'generation-1 records no longer count on their own: all from the rescale record');
  assert.equal(again.records, 0);
});
