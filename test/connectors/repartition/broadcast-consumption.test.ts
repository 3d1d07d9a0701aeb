import assert from 'node:assert/strict';
import { test } from 'node:test';
import { purgeableBroadcast } from '../../../src/connectors/kafka/repartition/broadcast-consumption.ts';
import type { RepartitionTopic } from '../../../src/runtime/graph/repartition.ts';

const topic = (readers: number): RepartitionTopic => ({ topic: 'job-op-repartition-2', jobId: 'job', partitions: 1, broadcast: true, readers, writers: ['w#0/0'], boundedness: 'unbounded', serde: undefined, connection: () => Promise.reject(new Error('unused')) });
const at = (offset: bigint) => [{ topic: 'job-op-repartition-2', partition: 0, offset, leaderEpoch: -1 }];

test('a broadcast topic is purged only below what every reader subtask consumed, once all of them reported in this worker', () => {
  const worker = {};
  const t = topic(3);
  assert.deepEqual(purgeableBroadcast(worker, t, 0, at(50n)), [], 'one reader of three: nothing');
  assert.deepEqual(purgeableBroadcast(worker, t, 2, at(40n)), [], 'two of three: nothing');
  assert.deepEqual(purgeableBroadcast(worker, t, 1, at(45n)), [{ partition: 0, offset: 40n }], 'all three: the slowest one');
  assert.deepEqual(purgeableBroadcast(worker, t, 2, at(70n)), [{ partition: 0, offset: 45n }], 'the slowest moved: the next slowest bounds it');
});

test('a worker running only some readers of a broadcast topic (others on other workers) never purges it', () => {
  const worker = {};
  const t = topic(4);
  for (const subtask of [1, 3]) assert.deepEqual(purgeableBroadcast(worker, t, subtask, at(100n)), []);
  assert.deepEqual(purgeableBroadcast(worker, t, 1, at(200n)), []);
  // Another worker's readers are counted apart.
  assert.deepEqual(purgeableBroadcast({}, t, 0, at(10n)), []);
});
