import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { WorkerMetrics } from '../../src/metrics/worker-metrics.ts';
import { MetricNameError } from '../../src/metrics/errors.ts';
import { MeterView, type Histogram } from '../../src/metrics/user-metrics.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { parsePrometheus, sampleValue } from '../helpers/prometheus.ts';

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

function operatorGroup(subtask = 0, logger = capturingLogger().logger) {
  const clock = new ManualClock(0);
  const wm = new WorkerMetrics({ jobId: 'j', workerId: 'w', clock, logger });
  const task = wm.addTask({ taskId: '2', taskName: 'Parse', subtask });
  const op = task.addOperator({ uid: 'parse-2', name: 'Parse' }, 0);
  return { wm, task, op, clock };
}

test('user counters, gauges, meters and histograms are exported with the operator labels (Flink reporter types)', async () => {
  const { wm, op, clock } = operatorGroup();
  const g = op.metricGroup;
  const seen = g.counter('linesSeen');
  seen.inc();
  seen.inc(4);
  seen.dec();
  let queue = 7;
  g.gauge('queueDepth', () => queue);
  g.gauge('healthy', { getValue: () => true });
  g.gauge('label', () => 'text is not exported');
  const rate = g.meter('linesPerSecond', new MeterView(10));
  const h = g.histogram('lineLength');
  for (let i = 1; i <= 100; i++) h.update(i);
  rate.markEvent(30);
  clock.advance(1000);
  wm.tick();
  queue = 9;

  const text = await wm.registry.metrics();
  const f = parsePrometheus(text);
  const labels = { job: 'j', worker: 'w', task: 'Parse', subtask: '0', operator: 'parse-2', operator_name: 'Parse' };
  assert.equal(sampleValue(f, 'sluice_operator_linesSeen', labels), 4);
  assert.equal(sampleValue(f, 'sluice_operator_queueDepth', labels), 9, 'gauges are read at scrape time');
  assert.equal(sampleValue(f, 'sluice_operator_healthy', labels), 1);
  assert.equal(f.find((x) => x.name === 'sluice_operator_label')?.metrics.length, 0, 'non-numeric gauges have no series');
  assert.equal(sampleValue(f, 'sluice_operator_linesPerSecond', labels), 30);
  assert.equal(f.find((x) => x.name === 'sluice_operator_lineLength')?.type, 'SUMMARY');
  // The parser keeps no labels on summaries: read the series from the text.
  const line = (suffix: string, quantile?: string) =>
    Number(new RegExp(`^sluice_operator_lineLength${suffix}\\{[^}]*${quantile ? `quantile="${quantile}"` : 'operator="parse-2"'}[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
  assert.equal(line('_count'), 100);
  assert.equal(line('', '0.5'), 50.5);
  assert.equal(line('', '0.99'), 99.01);
});

test('addGroup: a plain group adds a name part, a key/value group a name part and a label', async () => {
  const { wm, op } = operatorGroup();
  const byRegion = op.metricGroup.addGroup('parser').addGroup('region', 'eu-west');
  byRegion.counter('errors').inc(3);
  assert.equal(byRegion.getMetricIdentifier('errors'), 'j.Parse.0.parser.region.eu-west.errors', "Flink's identifier: scope components joined with '.'");
  assert.equal(byRegion.getAllVariables().region, 'eu-west');
  assert.deepEqual(byRegion.getScopeComponents(), ['j', 'Parse', '0', 'parser', 'region', 'eu-west']);
  op.metricGroup.addGroup('my group!').counter('a-b').inc();
  const f = parsePrometheus(await wm.registry.metrics());
  assert.equal(sampleValue(f, 'sluice_operator_parser_region_errors', { region: 'eu-west', operator: 'parse-2' }), 3);
  assert.equal(sampleValue(f, 'sluice_operator_my_group__a_b'), 1, 'invalid characters become _');
});

test('the same user metric in every subtask is one family with a series per subtask', async () => {
  const clock = new ManualClock(0);
  const wm = new WorkerMetrics({ jobId: 'j', workerId: 'w', clock });
  for (let i = 0; i < 3; i++) {
    const op = wm.addTask({ taskId: '0', taskName: 'M', subtask: i }).addOperator({ uid: 'm', name: 'M' }, 0);
    op.metricGroup.counter('hits').inc(i + 1);
  }
  const f = parsePrometheus(await wm.registry.metrics());
  assert.deepEqual([0, 1, 2].map((i) => sampleValue(f, 'sluice_operator_hits', { subtask: String(i) })), [1, 2, 3]);
});

test('asking again by name returns the same counter, histogram or meter', async () => {
  const { wm, op } = operatorGroup();
  const first = op.metricGroup.counter('hits');
  const again = op.metricGroup.addGroup('x').counter('hits'); // another group: another metric
  assert.equal(op.metricGroup.counter('hits'), first);
  assert.notEqual(again, first);
  assert.equal(op.metricGroup.histogram('h'), op.metricGroup.histogram('h'));
  assert.equal(op.metricGroup.meter('m'), op.metricGroup.meter('m'));
  first.inc(2);
  op.metricGroup.counter('hits').inc(3);
  assert.equal(sampleValue(parsePrometheus(await wm.registry.metrics()), 'sluice_operator_hits'), 5);
});

test('collisions are logged and not reported, as in Flink; user code goes on', async () => {
  const { logger, lines } = capturingLogger();
  const { wm, op } = operatorGroup(0, logger);
  const first = op.metricGroup.counter('hits');
  first.inc(1);
  const mine = { n: 0, inc() { this.n++; }, dec() { this.n--; }, getCount() { return this.n; } };
  assert.equal(op.metricGroup.counter('hits', mine), mine, 'a given counter is returned even when it cannot be reported');
  mine.inc();
  op.metricGroup.gauge('hits', () => 5); // same name, same Prometheus type (gauge), same labels
  const h: Histogram = op.metricGroup.histogram('hits'); // another Prometheus type
  h.update(1);
  op.metricGroup.counter('numRecordsIn').inc(); // a Sluice metric's name
  const f = parsePrometheus(await wm.registry.metrics());
  assert.equal(sampleValue(f, 'sluice_operator_hits'), 1);
  assert.equal(f.find((x) => x.name === 'sluice_operator_numRecordsIn')?.metrics.length, 1, 'the built-in family is untouched');
  assert.equal(lines.length, 4);
  assert.throws(() => op.metricGroup.counter(''), MetricNameError);
  assert.throws(() => op.metricGroup.addGroup(''), (e: unknown) => e instanceof MetricNameError && e.code === 'SLUICE_METRIC_NAME_INVALID');
});

test('a gauge that throws is skipped without breaking the scrape', async () => {
  const { wm, op } = operatorGroup();
  op.metricGroup.gauge('broken', () => {
    throw new Error('boom');
  });
  op.metricGroup.counter('fine').inc();
  const f = parsePrometheus(await wm.registry.metrics());
  assert.equal(sampleValue(f, 'sluice_operator_fine'), 1);
  assert.equal(f.find((x) => x.name === 'sluice_operator_broken')?.metrics.length ?? 0, 0);
});

test('user metrics go away with their task, and metrics registered after close are not reported', async () => {
  const { wm, task, op } = operatorGroup();
  op.metricGroup.counter('hits').inc();
  const meter = op.metricGroup.meter('m');
  wm.removeTask(task);
  op.metricGroup.counter('late').inc();
  meter.markEvent();
  wm.tick(5000);
  const f = parsePrometheus(await wm.registry.metrics());
  assert.equal(f.find((x) => x.name === 'sluice_operator_hits')?.metrics.length ?? 0, 0);
  assert.equal(f.find((x) => x.name === 'sluice_operator_late'), undefined);
  // A new task of the same operator can register the same names again.
  wm.addTask({ taskId: '2', taskName: 'Parse', subtask: 0 }).addOperator({ uid: 'parse-2', name: 'Parse' }, 0).metricGroup.counter('hits').inc(2);
  assert.equal(sampleValue(parsePrometheus(await wm.registry.metrics()), 'sluice_operator_hits'), 2);
});
