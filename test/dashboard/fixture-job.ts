import { ExceptionHistory } from '../../src/metrics/exception-history.ts';
import { WorkerMetrics } from '../../src/metrics/worker-metrics.ts';
import type { OperatorIOMetrics } from '../../src/metrics/operator-io-metrics.ts';
import type { SplitMetrics } from '../../src/metrics/split-metrics.ts';
import type { TaskIOMetrics } from '../../src/metrics/task-io-metrics.ts';
import type { LocalJob } from '../../src/dashboard/local-job-view.ts';
import type { JobGraphView } from '../../src/dashboard/job-view.ts';
import { ManualClock } from '../../src/util/clock.ts';

export const T0 = 1_700_000_000_000;

/** The graph of a three-stage job: source+map (2), keyed window (2), sink (1). */
export const GRAPH: JobGraphView = {
  stages: [
    {
      id: '0',
      name: 'Source: orders -> Map: parse',
      parallelism: 2,
      operators: [
        { uid: 'orders-0', name: 'Source: orders', kind: 'source', inputs: [] },
        { uid: 'parse-1', name: 'Map: parse', kind: 'operator', inputs: ['orders-0'] },
      ],
    },
    { id: '1', name: 'Window: 10 s sum', parallelism: 2, operators: [{ uid: 'window-2', name: 'Window: 10 s sum', kind: 'operator', inputs: [] }] },
    { id: '2', name: 'Sink: totals', parallelism: 1, operators: [{ uid: 'totals-3', name: 'Sink: totals', kind: 'sink', inputs: [] }] },
  ],
  exchanges: [
    { from: '0', to: '1', fromOperator: 'parse-1', toOperator: 'window-2', partitioning: 'hash', via: 'memory' },
    { from: '1', to: '2', fromOperator: 'window-2', toOperator: 'totals-3', partitioning: 'rebalance', via: 'memory' },
  ],
};

/**
 * A simulated running job: the objects a runtime would update (WorkerMetrics, tasks, operators,
 * splits, checkpoint stats), driven by `step()` — records flow, watermarks advance, lag drops to 0
 * once the input (INPUT records per partition) is read, a checkpoint completes every other step.
 */
export function simulatedJob(clock = new ManualClock(T0), input = 6_000) {
  const worker = new WorkerMetrics({ jobId: 'orders-enrich', workerId: 'worker-0', clock });
  worker.startedAt = clock.now();
  const sources: Array<{ task: TaskIOMetrics; src: OperatorIOMetrics; map: OperatorIOMetrics; split: SplitMetrics }> = [];
  for (let i = 0; i < 2; i++) {
    const task = worker.addTask({ taskId: '0', taskName: GRAPH.stages[0]!.name, subtask: i });
    const src = task.addOperator({ uid: 'orders-0', name: 'Source: orders' }, clock.now());
    const map = task.addOperator({ uid: 'parse-1', name: 'Map: parse' }, clock.now());
    const split = src.addSplit({ splitId: `orders-${i}`, topic: 'orders', partition: i });
    split.currentOffset = 0;
    split.endOffset = input;
    sources.push({ task, src, map, split });
  }
  const windows = [0, 1].map((i) => {
    const task = worker.addTask({ taskId: '1', taskName: GRAPH.stages[1]!.name, subtask: i });
    return { task, op: task.addOperator({ uid: 'window-2', name: 'Window: 10 s sum' }, clock.now()) };
  });
  const sinkTask = worker.addTask({ taskId: '2', taskName: GRAPH.stages[2]!.name, subtask: 0 });
  const sink = sinkTask.addOperator({ uid: 'totals-3', name: 'Sink: totals' }, clock.now());
  const exceptions = new ExceptionHistory();
  let steps = 0;
  let checkpointId = 0;

  const job: LocalJob = {
    id: 'orders-enrich',
    name: 'orders-enrich',
    parallelism: 2,
    startTime: clock.now(),
    state: () => 'RUNNING',
    graph: GRAPH,
    workers: [worker],
    exceptions,
  };

  /** One second of processing: up to `perStep` records per source partition. */
  const step = (perStep = 1_000) => {
    steps++;
    const now = clock.now();
    let emitted = 0;
    for (const s of sources) {
      const n = Math.min(perStep, s.split.endOffset - s.split.currentOffset);
      s.task.activity(n > 0 ? 'busy' : 'idle', now);
      s.split.currentOffset += n;
      s.task.numRecordsIn += n;
      s.task.numRecordsOut += n;
      s.src.numRecordsOut += n;
      s.map.numRecordsIn += n;
      s.map.numRecordsOut += n;
      s.split.currentWatermark = now - 5_000;
      s.src.currentOutputWatermark = s.map.currentInputWatermark = s.map.currentOutputWatermark = now - 5_000;
      emitted += n;
    }
    for (const w of windows) {
      w.task.activity(emitted > 0 ? 'backPressured' : 'idle', now);
      w.task.numRecordsIn += emitted / 2;
      w.op.numRecordsIn += emitted / 2;
      w.op.numRecordsOut += emitted > 0 ? 10 : 0;
      w.task.numRecordsOut += emitted > 0 ? 10 : 0;
      w.task.currentInputWatermark = w.op.currentInputWatermark = now - 5_000;
      w.op.currentOutputWatermark = now - 10_000;
    }
    sinkTask.activity(emitted > 0 ? 'busy' : 'idle', now);
    sinkTask.numRecordsIn += emitted > 0 ? 20 : 0;
    sink.numRecordsIn += emitted > 0 ? 20 : 0;
    sinkTask.currentInputWatermark = sink.currentInputWatermark = sink.currentOutputWatermark = now - 10_000;
    if (steps % 2 === 0) {
      worker.checkpoints.triggered(++checkpointId, now - 300);
      worker.checkpoints.completed(checkpointId, now - 180, 20_480 + checkpointId * 512);
    }
    clock.advance(1000);
    worker.tick();
  };

  return { clock, worker, job, step, exceptions, sources, windows, sink };
}
