import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forgetBroadcastReader, inheritedReaderState, lowestCheckpointed, purgeableBroadcast } from '../../../src/connectors/kafka/repartition/broadcast-consumption.ts';
import type { CheckpointRecord } from '../../../src/kafka/checkpoint-log.ts';
import type { RepartitionTopic } from '../../../src/runtime/graph/repartition.ts';

const topic = (readers: number): RepartitionTopic => ({
  topic: 'job-op-repartition-2',
  jobId: 'job',
  partitions: 1,
  broadcast: true,
  readers,
  readerUid: 'op-repartition-2-reader',
  writers: ['w#0/0'],
  boundedness: 'unbounded',
  serde: undefined,
  connection: () => Promise.reject(new Error('unused')),
});
const at = (offset: bigint) => [{ topic: 'job-op-repartition-2', partition: 0, offset, leaderEpoch: -1 }];

test('a broadcast topic is purged only below what every reader subtask consumed, once all of them reported in this worker', () => {
  const worker = {};
  const t = topic(3);
  assert.deepEqual(purgeableBroadcast(worker, t, 0, at(50n)), [], 'one reader of three: nothing');
  assert.deepEqual(purgeableBroadcast(worker, t, 2, at(40n)), [], 'two of three: nothing');
  assert.deepEqual(purgeableBroadcast(worker, t, 1, at(45n)), [{ partition: 0, offset: 40n }], 'all three: the slowest one');
  assert.deepEqual(purgeableBroadcast(worker, t, 2, at(70n)), [{ partition: 0, offset: 45n }], 'the slowest moved: the next slowest bounds it');
});

test('a worker running only some readers of a broadcast topic (others on other workers) purges nothing by itself', () => {
  const worker = {};
  const t = topic(4);
  for (const subtask of [1, 3]) assert.deepEqual(purgeableBroadcast(worker, t, subtask, at(100n)), []);
  assert.deepEqual(purgeableBroadcast(worker, t, 1, at(200n)), []);
  // Another worker's readers are counted apart.
  assert.deepEqual(purgeableBroadcast({}, t, 0, at(10n)), []);
});

/** The checkpoint record of task `id` (subtask `subtask`) whose broadcast reader stood at `offset`, next to other state. */
const record = (id: string, subtask: number, offset: bigint | undefined, readerUid = 'op-repartition-2-reader'): CheckpointRecord => ({
  taskId: id,
  checkpointId: 7,
  timestamp: 0,
  payload: {
    subtask,
    operators: {},
    sources: {
      ...(offset !== undefined && { [readerUid]: { offsets: [[0, String(offset)]], watermarks: { from: subtask } } }),
      events: { offsets: [['events', 0, '999']] },
    },
  },
});

test('across workers: the bound is the lowest checkpointed position over every reader subtask, none while one has no checkpoint', () => {
  const t = topic(3);
  assert.deepEqual(lowestCheckpointed([record('a/0', 0, 50n), record('a/2', 2, 30n)], t), [], 'subtask 1 never checkpointed: it would read from the start');
  assert.deepEqual(lowestCheckpointed([record('a/0', 0, 50n), record('a/1', 1, 45n), record('a/2', 2, 30n)], t), [{ partition: 0, offset: 30n }]);
  assert.deepEqual(lowestCheckpointed([record('a/0', 0, 50n), record('a/1', 1, 0n), record('a/2', 2, 30n)], t), [], 'a reader at offset 0: nothing to delete');
  // A task whose record has no state of this reader (another stage of the unit) does not count as the reader's.
  assert.deepEqual(lowestCheckpointed([record('a/0', 0, 50n), record('b/1', 1, undefined), record('a/2', 2, 30n)], t), []);
  assert.deepEqual(lowestCheckpointed([record('a/0', 0, 50n), record('a/1', 1, 45n), record('a/2', 2, 30n, 'other-reader')], t), [], "another topic's reader does not count");
  // Left by an earlier run at parallelism 4: subtask 3 does not hold back a topic that 3 subtasks read now.
  assert.deepEqual(lowestCheckpointed([record('a/0', 0, 50n), record('a/1', 1, 45n), record('a/2', 2, 30n), record('a/3', 3, 5n)], t), [{ partition: 0, offset: 30n }]);
});

test('a reader subtask without a checkpoint of its own inherits the one of subtask (i % n), as its broadcast state does', () => {
  const records = [record('a/0', 0, 50n), record('a/1', 1, 45n)];
  const state = (s: unknown) => (s as { watermarks: { from: number } } | undefined)?.watermarks.from;
  assert.equal(state(inheritedReaderState(records, 'op-repartition-2-reader', 2)), 0, 'new subtask 2 of 3 after 2: subtask 0');
  assert.equal(state(inheritedReaderState(records, 'op-repartition-2-reader', 3)), 1, 'new subtask 3: subtask 1');
  assert.equal(inheritedReaderState([], 'op-repartition-2-reader', 2), undefined, 'no checkpoint at all: from the start');
  assert.equal(inheritedReaderState(records, 'other-reader', 2), undefined);
});

test('after p=3 → 2 → 3 the bound and the inherited state come from the current generation: a stale record of subtask 2 counts for nothing', () => {
  const reader = 'op-repartition-2-reader';
  const stamped = (r: CheckpointRecord, generation: number, parallelism: number): CheckpointRecord => ({ ...r, payload: { ...(r.payload as object), generation, parallelism, uids: [reader] } });
  // Generation 0 at p=3, then generation 1 at p=2 (both of its subtasks checkpointed, subtask 2's record stays behind).
  const gen0 = [stamped(record('a.0', 0, 50n), 0, 3), stamped(record('a.1', 1, 45n), 0, 3), stamped(record('a.2', 2, 5n), 0, 3)];
  const gen1 = [stamped(record('a.0', 0, 60n), 1, 2), stamped(record('a.1', 1, 70n), 1, 2)];
  const rescale1 = { generation: 1, checkpointId: 7, parallelism: { [reader]: 3 }, operators: {}, sources: { [reader]: gen0.map((r) => (r.payload as { sources: Record<string, unknown> }).sources[reader]) } };
  const t = topic(3);
  // At p=3 again (generation 2): only subtask 0 checkpointed; 1 resumes where old subtask 1 stood (70), 2 where old subtask 0 stood (60).
  const rescale2 = { generation: 2, checkpointId: 9, parallelism: { [reader]: 2 }, operators: {}, sources: { [reader]: gen1.map((r) => (r.payload as { sources: Record<string, unknown> }).sources[reader]) } };
  const log = [stamped(record('a.0', 0, 80n), 2, 3), gen1[1]!, gen0[2]!];
  assert.deepEqual(lowestCheckpointed(log, t, rescale2), [{ partition: 0, offset: 60n }], 'not 5n: the stale record of generation 0');
  const from = (s: unknown) => (s as { offsets: Array<[number, string]> }).offsets[0]![1];
  assert.equal(from(inheritedReaderState(log, reader, 2, rescale2)), '60', 'subtask 2 inherits what it restored (old subtask 0 of p=2), not the stale record');
  assert.deepEqual(lowestCheckpointed(gen0, topic(2), rescale1), [{ partition: 0, offset: 45n }], 'at p=2, before either reader checkpointed, they resume from old subtasks 0 and 1 (i % 3): old subtask 2 holds nothing back');
});

test('a reader that stopped in this worker (its unit moved away) no longer counts as one of its readers', () => {
  const worker = {};
  const t = topic(2);
  assert.deepEqual(purgeableBroadcast(worker, t, 0, at(5n)), []);
  assert.deepEqual(purgeableBroadcast(worker, t, 1, at(3n)), [{ partition: 0, offset: 3n }], 'both readers here');
  forgetBroadcastReader(worker, t, 1);
  assert.deepEqual(purgeableBroadcast(worker, t, 0, at(50n)), [], 'subtask 1 runs elsewhere now: its last offsets here would hold the bound back');
});
