import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RichMapFunction, StreamExecutionEnvironment, WatermarkStrategy, type Counter, type Histogram, type Meter, type RuntimeContext } from 'sluice';
import { ManualClock, TestSink, TestSource } from 'sluice/testing';
import { DescriptiveStatisticsHistogram, MeterView } from '../../src/metrics/user-metrics.ts';

test('RuntimeContext: max parallelism, attempt number, task name with subtasks in Flink\'s format, task info', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
  env.setMaxParallelism(96);
  class Where extends RichMapFunction<string, string> {
    ctx!: RuntimeContext;
    override open(ctx: RuntimeContext): void {
      this.ctx = ctx;
    }
    map(): string {
      const c = this.ctx;
      const info = c.getTaskInfo();
      assert.equal(info.taskNameWithSubtasks, c.getTaskNameWithSubtasks());
      assert.equal(info.maxNumberOfParallelSubtasks, c.getMaxNumberOfParallelSubtasks());
      return `${c.getTaskNameWithSubtasks()}|${c.getMaxNumberOfParallelSubtasks()}|${c.getAttemptNumber()}`;
    }
  }
  const out = await env.fromElements('a', 'b', 'c').rebalance().map(new Where()).name('Tagger').executeAndCollect();
  assert.deepEqual(out.sort(), ['Tagger (1/3)#0|96|0', 'Tagger (2/3)#0|96|0', 'Tagger (3/3)#0|96|0']);
});

test('metric group: counters, gauges, histograms and meters per subtask, read through client.getMetrics()', async () => {
  const clock = new ManualClock(0);
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2, clock });
  class Measured extends RichMapFunction<number, number> {
    seen!: Counter;
    sizes!: Histogram;
    rate!: Meter;
    last = 0;
    override open(ctx: RuntimeContext): void {
      const g = ctx.getMetricGroup().addGroup('numbers');
      this.seen = g.counter('seen');
      assert.equal(g.counter('seen'), this.seen, 'the same name returns the same counter');
      this.sizes = g.histogram('value');
      this.rate = g.meter('perSecond');
      g.gauge('last', () => this.last);
      assert.throws(() => g.gauge('seen', () => 1), /already registered as a counter/);
      assert.deepEqual(g.getScopeComponents(), ['metrics', 'Measured', String(ctx.getIndexOfThisSubtask()), 'numbers']);
      assert.equal(g.getMetricIdentifier('seen'), `metrics.Measured.${ctx.getIndexOfThisSubtask()}.numbers.seen`);
    }
    map(n: number): number {
      this.seen.inc();
      this.sizes.update(n);
      this.rate.markEvent();
      this.last = n;
      return n;
    }
  }
  let firstRecords!: () => void;
  const ten = new Promise<void>((r) => (firstRecords = r));
  const sink = new TestSink<number>({ onRecord: (_r, all) => void (all.length === 10 && firstRecords()) });
  const src = new TestSource<number>({ clock }).emitAll([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).keepOpen();
  env.fromSource(src, WatermarkStrategy.noWatermarks(), 'numbers').rebalance().map(new Measured()).name('Measured').sinkTo(sink);
  const client = await env.executeAsync('metrics');
  await ten;
  clock.advance(2000);
  const metrics = client.getMetrics().userMetrics;
  client.cancel();
  await client.result.catch(() => {});
  const of = (name: string) => metrics.filter((m) => m.name === name).sort((a, b) => a.scope[2]!.localeCompare(b.scope[2]!));
  assert.deepEqual(of('seen').map((m) => [m.type, m.value]), [['counter', 5], ['counter', 5]], 'round robin: five each');
  assert.deepEqual(of('last').map((m) => m.value), [9, 10]);
  const h = of('value');
  assert.deepEqual(h.map((m) => [m.value, m.details!.min, m.details!.max]), [[5, 1, 9], [5, 2, 10]]);
  assert.deepEqual(of('perSecond').map((m) => [m.value, m.details!.count]), [[2.5, 5], [2.5, 5]], '5 events over 2 s of the job clock');
});

test('histogram statistics over a window; meter rate over the time span', () => {
  const h = new DescriptiveStatisticsHistogram(4);
  for (const v of [10, 1, 2, 3, 4]) h.update(v);
  const s = h.getStatistics();
  assert.equal(h.getCount(), 5);
  assert.deepEqual(s.getValues(), [1, 2, 3, 4], 'the oldest value left the window');
  assert.equal(s.getMean(), 2.5);
  assert.equal(s.getQuantile(0.5), 2.5, 'between the two middle values, as Flink (commons-math percentiles) interpolates');
  assert.equal(s.getQuantile(1), 4);
  assert.equal(s.getMin(), 1);
  assert.ok(Math.abs(s.getStdDev() - 1.2909944) < 1e-6);
  const m = new MeterView(10);
  m.update(0);
  for (let t = 1; t <= 30; t++) {
    m.markEvent(5);
    m.update(t * 1000); // a metrics tick a second
  }
  assert.equal(m.getCount(), 150);
  assert.equal(m.getRate(), 5, '5 events per second over the last 10 s');
});
