import assert from 'node:assert/strict';
import { test } from 'node:test';
import { broadcastReaderStatesAt, combineRepartitionReaderStates } from '../../../src/connectors/kafka/repartition/reader-state-rescale.ts';
import type { RepartitionReaderState } from '../../../src/connectors/kafka/repartition/repartition-reader.ts';
import { KAFKA_REPARTITION_EXCHANGE } from '../../../src/connectors/kafka/repartition/kafka-exchange.ts';
import type { JobGraph } from '../../../src/runtime/graph/job-graph.ts';
import type { RepartitionTopic } from '../../../src/runtime/graph/repartition.ts';
import { mapSavepointOntoJob, withExchangeReaderStates } from '../../../src/runtime/savepoint/savepoint-mapping.ts';
import { SavepointRestoreError } from '../../../src/core/errors/job-errors.ts';
import type { JobSnapshot } from '../../../src/runtime/executor/job-client.ts';

const state = (offsets: Array<[number, string]>, watermarks: RepartitionReaderState['watermarks'] = []): RepartitionReaderState => ({ offsets, watermarks });

test('a broadcast reader restored at another parallelism gets the state of old subtask i % n, as its broadcast state does', () => {
  const old = [state([[0, '40']]), state([[0, '55']])];
  assert.deepEqual(broadcastReaderStatesAt(old, 3), [old[0], old[1], old[0]], 'scale up: new subtask 2 reads on where subtask 0 stood');
  assert.deepEqual(broadcastReaderStatesAt(old, 1), [old[0]], 'scale down: subtask 0 keeps its own');
  assert.deepEqual(broadcastReaderStatesAt(old, 2), old, 'same parallelism: unchanged');
  assert.deepEqual(broadcastReaderStatesAt([], 3), []);
});

test('keyBy readers restored at another parallelism: every partition keeps the offset and channel watermarks of the old reader that owned it', () => {
  const combined = combineRepartitionReaderStates([
    state([[0, '10'], [1, '11'], [2, '12'], [3, '13']], [[1, 'map#0/0', '500', false]]),
    state([[4, '14'], [5, '15'], [6, '16'], [7, '17']], [[6, 'map#0/1', '700', true]]),
    undefined,
  ]);
  assert.deepEqual(new Map(combined.offsets), new Map([[0, '10'], [1, '11'], [2, '12'], [3, '13'], [4, '14'], [5, '15'], [6, '16'], [7, '17']]));
  assert.deepEqual(combined.watermarks, [[1, 'map#0/0', '500', false], [6, 'map#0/1', '700', true]]);
});

const topic = (broadcast: boolean): RepartitionTopic => ({
  topic: 'job-op-repartition',
  jobId: 'job',
  partitions: broadcast ? 1 : 8,
  broadcast,
  readers: 3,
  readerUid: 'op-repartition-reader',
  writers: ['w#0/0'],
  boundedness: 'unbounded',
  serde: undefined,
  connection: () => Promise.reject(new Error('unused')),
});

test('a savepoint taken at parallelism 2 restored at 3 in distributed mode: the repartition readers get their states through the mapping', () => {
  for (const broadcast of [true, false]) {
    const source = KAFKA_REPARTITION_EXCHANGE.source(topic(broadcast));
    const graph = { jobName: 'job', vertices: [{ uid: 'op-repartition-reader', parallelism: 3, t: { kind: 'source', source } }] } as unknown as JobGraph;
    const old = broadcast ? [state([[0, '40']]), state([[0, '55']])] : [state([[0, '1'], [1, '2'], [2, '3'], [3, '4']]), state([[4, '5'], [5, '6'], [6, '7'], [7, '8']])];
    const snapshot: JobSnapshot = { jobName: 'job', checkpointId: 9, operators: {}, sources: { 'op-repartition-reader': old } };
    const mapped = mapSavepointOntoJob(graph, snapshot, { allowNonRestoredState: false, savepoint: 'sp' }).sources['op-repartition-reader']!;
    assert.equal(mapped.length, 3, 'one state per new subtask');
    if (broadcast) assert.deepEqual(mapped, [old[0], old[1], old[0]]);
    else for (const s of mapped) assert.equal((s as RepartitionReaderState).offsets.length, 8, 'every new keyBy reader sees every partition and keeps its own');
  }
});

test('a savepoint of a distributed job: its repartition reader states pass the mapping onto the user graph, are mapped once the readers exist, and are refused without exchanges through Kafka', () => {
  const source = KAFKA_REPARTITION_EXCHANGE.source(topic(true));
  const target = { uid: 'op', parallelism: 3, t: { kind: 'one' } };
  const userGraph = { jobName: 'job', vertices: [target] } as unknown as JobGraph;
  const distributed = { jobName: 'job', vertices: [target, { uid: 'op-repartition-reader', parallelism: 3, t: { kind: 'source', source } }] } as unknown as JobGraph;
  const old = [state([[0, '40']]), state([[0, '55']])];
  const snapshot: JobSnapshot = { jobName: 'job', checkpointId: 9, operators: {}, sources: { 'op-repartition-reader': old } };
  // The reader uid is not refused as state of an operator the job no longer has.
  const mapped = mapSavepointOntoJob(userGraph, snapshot, { allowNonRestoredState: false, savepoint: 'sp' });
  assert.deepEqual(mapped.sources['op-repartition-reader'], old, 'passed through as it is');
  assert.deepEqual(withExchangeReaderStates(distributed, mapped, true).sources['op-repartition-reader'], [old[0], old[1], old[0]]);
  assert.throws(() => withExchangeReaderStates(userGraph, mapped, false), (e: unknown) => e instanceof SavepointRestoreError && /exchanges through Kafka/.test(e.message));
  // A reader uid whose operator the job no longer has is still refused by the mapping.
  const other = { ...snapshot, sources: { 'gone-repartition-reader': old } };
  assert.throws(() => mapSavepointOntoJob(userGraph, other, { allowNonRestoredState: false, savepoint: 'sp' }), /gone-repartition-reader/);
});
