import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RichMapFunction, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy, type Counter, type RuntimeContext } from '../../../src/index.ts';
import { ProcessJobs } from '../../../src/dashboard/process-jobs.ts';
import { systemClock } from '../../../src/util/clock.ts';
import { parsePrometheus, sampleValue } from '../../helpers/prometheus.ts';

interface E {
  k: string;
  ts: number;
  v: number;
}

class Seen extends RichMapFunction<E, E> {
  seen!: Counter;
  override open(ctx: RuntimeContext): void {
    this.seen = ctx.getMetricGroup().addGroup('parser').counter('seen');
  }
  map(e: E): E {
    this.seen.inc();
    return e;
  }
}

test('a finished job: records per operator, late records dropped, user metrics, FINISHED tasks, all in Prometheus text', async () => {
  const jobs = new ProcessJobs(systemClock);
  try {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ autoWatermarkInterval: 'every-record' });
    const items: E[] = [{ k: 'a', ts: 20_000, v: 1 }, { k: 'a', ts: 1_000, v: 1 }, { k: 'b', ts: 25_000, v: 2 }];
    env
      .fromCollection(items)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<E>(0).withTimestampAssigner((e) => e.ts))
      .map(new Seen())
      .name('seen')
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(10_000))
      .sum('v')
      .name('w')
      .uid('w')
      .addSink(() => {});
    await env.execute('metrics-job');
    const job = jobs.jobs().find((j) => j.name === 'metrics-job')!;
    assert.equal(job.state(), 'FINISHED');
    const [worker] = job.workers;
    assert.ok(worker, 'the job published its worker metrics');
    assert.deepEqual(new Set([...worker.tasks].map((t) => t.state)), new Set(['FINISHED']));
    const m = parsePrometheus(await worker.registry.metrics());
    assert.equal(sampleValue(m, 'sluice_operator_numRecordsIn', { operator_name: 'seen' }), 3);
    assert.equal(sampleValue(m, 'sluice_operator_numRecordsOut', { operator_name: 'seen' }), 3);
    assert.equal(sampleValue(m, 'sluice_operator_numLateRecordsDropped', { operator: 'w' }), 1);
    assert.equal(sampleValue(m, 'sluice_operator_numRecordsOut', { operator: 'w' }), 2, 'windows [20000,30000) of a and b');
    assert.equal(sampleValue(m, 'sluice_operator_parser_seen', { operator_name: 'seen' }), 3, 'the user counter');
    assert.equal(sampleValue(m, 'sluice_operator_currentOutputWatermark', { operator: 'w' }), Infinity, 'end of input');
  } finally {
    jobs.close();
  }
});

test('SLUICE_METRICS=off (or metrics: false): no worker metrics are published', async () => {
  const jobs = new ProcessJobs(systemClock);
  const before = process.env.SLUICE_METRICS;
  process.env.SLUICE_METRICS = 'off';
  try {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromData(1, 2, 3).map((n) => n + 1).addSink(() => {});
    await env.execute('quiet-job');
    assert.deepEqual(jobs.jobs().find((j) => j.name === 'quiet-job')!.workers, []);
  } finally {
    if (before === undefined) delete process.env.SLUICE_METRICS;
    else process.env.SLUICE_METRICS = before;
    jobs.close();
  }
});

/** Counts per subtask what its user function saw: the reference the metrics are checked against. */
class SeenBySubtask extends RichMapFunction<number, number> {
  static seen = new Map<string, number[]>();
  label = '';
  subtask = 0;
  mine: number[] = [];
  static of(label: string): SeenBySubtask {
    const f = new SeenBySubtask();
    f.label = label;
    return f;
  }
  override open(ctx: RuntimeContext): void {
    const all = SeenBySubtask.seen.get(this.label) ?? [];
    SeenBySubtask.seen.set(this.label, all);
    this.mine = all;
    this.subtask = ctx.getIndexOfThisSubtask();
    this.mine[this.subtask] ??= 0;
  }
  map(n: number): number {
    this.mine[this.subtask]!++;
    return n;
  }
}

test('records are counted by the exchanges themselves: keyBy, rebalance, rescale and broadcast inputs per subtask equal what each subtask saw', async () => {
  const jobs = new ProcessJobs(systemClock);
  SeenBySubtask.seen.clear();
  try {
    const n = 1_000;
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const src = env.fromSequence(1, n).setParallelism(2);
    src.keyBy((x) => x % 7).map(SeenBySubtask.of('keyed')).name('keyed').setParallelism(3).addSink(() => {}).setParallelism(3);
    src.rebalance().map(SeenBySubtask.of('rebalanced')).name('rebalanced').setParallelism(3).addSink(() => {}).setParallelism(3);
    src.rescale().map(SeenBySubtask.of('rescaled')).name('rescaled').setParallelism(4).addSink(() => {}).setParallelism(4);
    src.broadcast().map(SeenBySubtask.of('broadcast')).name('broadcast').setParallelism(2).addSink(() => {}).setParallelism(2);
    await env.execute('exchange-counts');
    const [worker] = jobs.jobs().find((j) => j.name === 'exchange-counts')!.workers;
    const m = parsePrometheus(await worker!.registry.metrics());
    for (const [label, expectedTotal] of [['keyed', n], ['rebalanced', n], ['rescaled', n], ['broadcast', 2 * n]] as const) {
      const seen = SeenBySubtask.seen.get(label)!;
      assert.equal(seen.reduce((a, b) => a + b, 0), expectedTotal, `${label}: the reference`);
      seen.forEach((count, subtask) => {
        assert.equal(sampleValue(m, 'sluice_operator_numRecordsIn', { operator_name: label, subtask: String(subtask) }), count, `${label} subtask ${subtask} in`);
        assert.equal(sampleValue(m, 'sluice_operator_numRecordsOut', { operator_name: label, subtask: String(subtask) }), count, `${label} subtask ${subtask} out`);
      });
    }
    // The source's main output feeds four edges: each record is counted once, not once per edge.
    const sourceOut = m.find((f) => f.name === 'sluice_task_numRecordsOut')!.metrics.filter((s) => s.labels?.task?.startsWith('Source'));
    assert.equal(sourceOut.length, 2);
    assert.equal(sourceOut.reduce((a, s) => a + Number(s.value), 0), n, 'records out of the source tasks');
  } finally {
    jobs.close();
  }
});
