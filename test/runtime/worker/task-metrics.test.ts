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
