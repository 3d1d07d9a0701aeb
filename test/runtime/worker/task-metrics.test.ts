import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RichMapFunction, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy, type Counter, type Histogram, type Meter, type RuntimeContext } from '../../../src/index.ts';
import { ProcessJobs } from '../../../src/dashboard/process-jobs.ts';
import { systemClock } from '../../../src/util/clock.ts';
import { TestSource } from '../../../src/testing/index.ts';
import { eventually } from '../../connectors/kafka-helpers.ts';
import { parsePrometheus, sampleValue } from '../../helpers/prometheus.ts';

interface E {
  k: string;
  ts: number;
  v: number;
}

class Seen extends RichMapFunction<E, E> {
  seen!: Counter;
  values!: Histogram;
  rate!: Meter;
  override open(ctx: RuntimeContext): void {
    const group = ctx.getMetricGroup().addGroup('parser');
    this.seen = group.counter('seen');
    this.values = group.histogram('value');
    this.rate = group.addGroup('kind', 'event').meter('perSecond');
  }
  map(e: E): E {
    this.seen.inc();
    this.values.update(e.v);
    this.rate.markEvent();
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
    const client = await env.executeAsync('metrics-job');
    await client.result;
    const job = jobs.jobs().find((j) => j.name === 'metrics-job')!;
    assert.equal(client.getJobStatus(), 'FINISHED');
    const [worker] = job.workers;
    assert.ok(worker, 'the job published its worker metrics');
    assert.deepEqual(new Set([...worker.tasks].map((t) => t.state)), new Set(['FINISHED']));
    const text = await worker.registry.metrics();
    const m = parsePrometheus(text);
    assert.equal(sampleValue(m, 'sluice_operator_numRecordsIn', { operator_name: 'seen' }), 3);
    assert.equal(sampleValue(m, 'sluice_operator_numRecordsOut', { operator_name: 'seen' }), 3);
    assert.equal(sampleValue(m, 'sluice_operator_numLateRecordsDropped', { operator: 'w' }), 1);
    assert.equal(sampleValue(m, 'sluice_operator_numRecordsOut', { operator: 'w' }), 2, 'windows [20000,30000) of a and b');
    assert.equal(sampleValue(m, 'sluice_operator_parser_seen', { operator_name: 'seen' }), 3, 'the user counter');
    // The user histogram as a Prometheus summary (values 1, 1, 2), the meter as a gauge with its key/value group as a label.
    // (The parser drops labelled summary samples: these are read from the text.)
    const line = (suffix: string, quantile?: string): number => {
      const l = text.split('\n').find((x) => x.startsWith(`sluice_operator_parser_value${suffix}{`) && x.includes('operator_name="seen"') && (quantile === undefined || x.includes(`quantile="${quantile}"`)));
      assert.ok(l !== undefined, `sluice_operator_parser_value${suffix} ${quantile ?? ''}`);
      return Number(l.slice(l.lastIndexOf(' ') + 1));
    };
    assert.equal(m.find((f) => f.name === 'sluice_operator_parser_value')!.type, 'SUMMARY');
    assert.equal(line('_count'), 3);
    assert.equal(line('', '0.5'), 1);
    assert.equal(line('', '0.999').toFixed(3), '1.998');
    const meter = m.find((f) => f.name === 'sluice_operator_parser_kind_perSecond')!;
    assert.equal(meter.type, 'GAUGE');
    assert.equal(meter.metrics[0]!.labels!.kind, 'event');
    assert.ok(Number(meter.metrics[0]!.value) >= 0);
    const inMemory = client.getMetrics().userMetrics.find((u) => u.name === 'value')!;
    assert.deepEqual([inMemory.type, inMemory.value, inMemory.details!.max], ['histogram', 3, 2], 'client.getMetrics() reads the same histogram');
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

test('a two-input operator reports the watermark of each input beside their minimum', { timeout: 60_000 }, async () => {
  const jobs = new ProcessJobs(systemClock);
  try {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
    const left = new TestSource<string>().emit('l', 1_000).watermark(5_000).keepOpen();
    const right = new TestSource<string>().emit('r', 2_000).watermark(9_000).keepOpen();
    const out: string[] = [];
    env
      .fromSource(left, WatermarkStrategy.noWatermarks<string>(), 'left')
      .connect(env.fromSource(right, WatermarkStrategy.noWatermarks<string>(), 'right'))
      .map({ map1: (v: string) => v, map2: (v: string) => v })
      .name('joined')
      .addSink((v) => void out.push(v));
    const client = await env.executeAsync('two-inputs');
    try {
      const job = () => jobs.jobs().find((j) => j.name === 'two-inputs');
      let m: ReturnType<typeof parsePrometheus> = [];
      const read = (name: string) => sampleValue(m, name, { operator_name: 'joined' });
      await eventually(async () => {
        if (job() === undefined || out.length < 2) return false;
        m = parsePrometheus(await job()!.workers[0]!.registry.metrics());
        return read('sluice_operator_currentInput2Watermark') === 9_000 && read('sluice_operator_currentInput1Watermark') === 5_000;
      }, 30_000, 'both inputs watermarked');
      assert.equal(read('sluice_operator_currentInputWatermark'), 5_000, 'the minimum of the two');
      assert.equal(read('sluice_operator_currentOutputWatermark'), 5_000);
    } finally {
      client.cancel();
      await client.result.catch(() => {});
    }
  } finally {
    jobs.close();
  }
});
