import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerMetrics } from '../../src/metrics/worker-metrics.ts';
import { renderMetrics } from '../../src/metrics/render.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { parsePrometheus, sampleValue } from '../helpers/prometheus.ts';

const T0 = 1_700_000_000_000;

function worker(clock = new ManualClock(T0), workerId = 'w-0') {
  return new WorkerMetrics({ jobId: 'orders-job', workerId, clock });
}

test('task, operator and split figures are exported under Flink names with job/worker/task/operator labels', async () => {
  const clock = new ManualClock(T0);
  const wm = worker(clock);
  const task = wm.addTask({ taskId: '0', taskName: 'Source: orders -> Map', subtask: 1 });
  const src = task.addOperator({ uid: 'orders-0', name: 'Source: orders' }, clock.now());
  const split = src.addSplit({ splitId: 'orders-3', topic: 'orders', partition: 3 });
  const map = task.addOperator({ uid: 'map-1', name: 'Map' }, clock.now());
  map.probes.keyedStateEntries = () => 42;

  task.activity('busy', clock.now());
  clock.advance(1000);
  task.numRecordsIn += 500;
  task.numRecordsOut += 450;
  src.numRecordsOut += 500;
  map.numRecordsIn += 500;
  map.numRecordsOut += 450;
  map.currentOutputWatermark = T0 - 2000;
  split.currentWatermark = T0 - 3000;
  split.currentOffset = 1200;
  split.endOffset = 1500;
  task.activity('backPressured', clock.now());
  clock.advance(250);
  task.activity('idle', clock.now());
  clock.advance(750);
  wm.tick();

  const f = parsePrometheus(await wm.registry.metrics());
  const taskLabels = { job: 'orders-job', worker: 'w-0', task_id: '0', task: 'Source: orders -> Map', subtask: '1' };
  assert.equal(sampleValue(f, 'sluice_task_numRecordsIn', taskLabels), 500);
  assert.equal(sampleValue(f, 'sluice_task_numRecordsOut', taskLabels), 450);
  assert.equal(sampleValue(f, 'sluice_task_numRecordsInPerSecond', taskLabels), 250); // 500 over 2 s
  assert.equal(sampleValue(f, 'sluice_task_busyTimeMsPerSecond', taskLabels), 500);
  assert.equal(sampleValue(f, 'sluice_task_backPressuredTimeMsPerSecond', taskLabels), 125);
  assert.equal(sampleValue(f, 'sluice_task_idleTimeMsPerSecond', taskLabels), 375);
  assert.equal(sampleValue(f, 'sluice_task_accumulatedBusyTime', taskLabels), 1000);
  assert.equal(sampleValue(f, 'sluice_task_accumulatedBackpressuredTime', taskLabels), 250);
  assert.equal(sampleValue(f, 'sluice_task_accumulatedIdleTime', taskLabels), 750);
  assert.equal(sampleValue(f, 'sluice_task_currentInputWatermark', taskLabels), Number.NEGATIVE_INFINITY);
  assert.equal(sampleValue(f, 'sluice_task_restoring', taskLabels), 0);
  assert.equal(sampleValue(f, 'sluice_task_stateSizeBytes'), undefined, 'no probe, no series');

  const mapLabels = { ...taskLabels, operator: 'map-1', operator_name: 'Map' };
  assert.equal(sampleValue(f, 'sluice_operator_numRecordsIn', mapLabels), 500);
  assert.equal(sampleValue(f, 'sluice_operator_numRecordsOut', mapLabels), 450);
  assert.equal(sampleValue(f, 'sluice_operator_currentOutputWatermark', mapLabels), T0 - 2000);
  assert.equal(sampleValue(f, 'sluice_operator_watermarkLag', mapLabels), 4000);
  assert.equal(sampleValue(f, 'sluice_operator_numKeyedStateEntries', mapLabels), 42);
  assert.equal(sampleValue(f, 'sluice_operator_watermarkLag', { operator: 'orders-0' }), undefined, 'no watermark yet, no lag');
  assert.equal(sampleValue(f, 'sluice_operator_currentInput1Watermark'), undefined, 'one-input operators have no per-input watermark');

  const splitLabels = { operator: 'orders-0', split: 'orders-3', topic: 'orders', partition: '3' };
  assert.equal(sampleValue(f, 'sluice_split_records_lag', splitLabels), 300);
  assert.equal(sampleValue(f, 'sluice_split_currentOffset', splitLabels), 1200);
  assert.equal(sampleValue(f, 'sluice_split_watermarkLag', splitLabels), 5000);
  assert.equal(sampleValue(f, 'sluice_split_committedOffset', splitLabels), undefined);

  const types = new Map(f.map((x) => [x.name, x.type]));
  assert.equal(types.get('sluice_task_numRecordsIn'), 'COUNTER');
  assert.equal(types.get('sluice_task_busyTimeMsPerSecond'), 'GAUGE');
});

test('removed tasks disappear from the scrape with their operators and splits', async () => {
  const wm = worker();
  const a = wm.addTask({ taskId: '0', taskName: 'A', subtask: 0 });
  const b = wm.addTask({ taskId: '0', taskName: 'A', subtask: 1 });
  a.addOperator({ uid: 'a', name: 'A' }, 0).addSplit({ splitId: 's' });
  b.numRecordsIn = 7;
  wm.removeTask(a);
  const f = parsePrometheus(await wm.registry.metrics());
  assert.equal(f.find((x) => x.name === 'sluice_task_numRecordsIn')?.metrics.length, 1);
  assert.equal(sampleValue(f, 'sluice_task_numRecordsIn', { subtask: '1' }), 7);
  assert.equal(f.find((x) => x.name === 'sluice_split_currentWatermark')?.metrics.length ?? 0, 0);
  assert.equal(sampleValue(f, 'sluice_worker_numTasks'), 1);
});

test('checkpoint, restore and rebalance figures: Flink and Kafka names', async () => {
  const clock = new ManualClock(T0);
  const wm = worker(clock);
  wm.startedAt = T0;
  let f = parsePrometheus(await wm.registry.metrics());
  assert.equal(sampleValue(f, 'sluice_job_lastCheckpointDuration'), -1);
  assert.equal(sampleValue(f, 'sluice_job_numberOfCompletedCheckpoints'), 0);

  wm.checkpoints.triggered(1, clock.now());
  clock.advance(120);
  wm.checkpoints.completed(1, clock.now(), 4096);
  wm.checkpoints.triggered(2, clock.now());
  clock.advance(30);
  wm.checkpoints.failed(2, clock.now(), 'transaction aborted');
  wm.checkpoints.triggered(3, clock.now());
  wm.checkpoints.restored({ id: 1, restoreTimestamp: T0 + 10, isSavepoint: false });
  wm.rebalances.started(clock.now());
  clock.advance(800);
  wm.rebalances.ended(clock.now());
  wm.clientErrors.record('producer', 'NOT_LEADER_OR_FOLLOWER');
  wm.clientErrors.record('producer', 'NOT_LEADER_OR_FOLLOWER');
  const task = wm.addTask({ taskId: '1', taskName: 'Window', subtask: 0 });
  task.restore.start(clock.now(), 1000);
  task.restore.records = 250;
  clock.advance(50);

  f = parsePrometheus(await wm.registry.metrics());
  assert.equal(sampleValue(f, 'sluice_job_uptime'), 1000);
  assert.equal(sampleValue(f, 'sluice_job_lastCheckpointDuration'), 120);
  assert.equal(sampleValue(f, 'sluice_job_lastCheckpointSize'), 4096);
  assert.equal(sampleValue(f, 'sluice_job_lastCompletedCheckpointId'), 1);
  assert.equal(sampleValue(f, 'sluice_job_numberOfCompletedCheckpoints'), 1);
  assert.equal(sampleValue(f, 'sluice_job_numberOfFailedCheckpoints'), 1);
  assert.equal(sampleValue(f, 'sluice_job_numberOfInProgressCheckpoints'), 1);
  assert.equal(sampleValue(f, 'sluice_job_totalNumberOfCheckpoints'), 3);
  assert.equal(sampleValue(f, 'sluice_job_lastCheckpointRestoreTimestamp'), T0 + 10);
  assert.equal(sampleValue(f, 'sluice_worker_rebalance_total'), 1);
  assert.equal(sampleValue(f, 'sluice_worker_rebalance_latency_total'), 800);
  assert.equal(sampleValue(f, 'sluice_worker_last_rebalance_seconds_ago'), 0.05);
  assert.equal(sampleValue(f, 'sluice_worker_numKafkaClientErrors', { client: 'producer', error: 'NOT_LEADER_OR_FOLLOWER' }), 2);
  assert.equal(sampleValue(f, 'sluice_task_restoredStateRecords'), 250);
  assert.equal(sampleValue(f, 'sluice_task_restoreTotalStateRecords'), 1000);
  assert.equal(sampleValue(f, 'sluice_task_restoreDurationMs'), 50);
  assert.equal(sampleValue(f, 'sluice_task_restoring'), 1);
  assert.deepEqual(wm.checkpoints.history().map((c) => [c.id, c.status]), [[3, 'IN_PROGRESS'], [2, 'FAILED'], [1, 'COMPLETED']]);
});

test('two workers in one process: separate registries, one merged exposition with a family declared once', async () => {
  const a = worker(new ManualClock(T0), 'w-0');
  const b = worker(new ManualClock(T0), 'w-1');
  a.addTask({ taskId: '0', taskName: 'S', subtask: 0 }).numRecordsIn = 3;
  b.addTask({ taskId: '0', taskName: 'S', subtask: 1 }).numRecordsIn = 4;
  const f = parsePrometheus(await renderMetrics([a.registry, b.registry]));
  assert.equal(sampleValue(f, 'sluice_task_numRecordsIn', { worker: 'w-0' }), 3);
  assert.equal(sampleValue(f, 'sluice_task_numRecordsIn', { worker: 'w-1' }), 4);
});

test('a clientErrors flood keeps a bounded number of series', () => {
  const wm = worker();
  for (let i = 0; i < 1000; i++) wm.clientErrors.record('consumer', `E${i}`);
  const entries = [...wm.clientErrors.entries()];
  assert.ok(entries.length <= 65, `${entries.length} series`);
  assert.equal(entries.reduce((s, e) => s + e.count, 0), 1000);
});
