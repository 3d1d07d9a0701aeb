import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateWindow } from '../../src/metrics/rate-window.ts';
import { TaskTime } from '../../src/metrics/task-time.ts';
import { MeterView, DescriptiveStatisticsHistogram, SimpleCounter } from '../../src/metrics/user-metrics.ts';

test('RateWindow: growth per second between the oldest and newest sample of the window', () => {
  const w = new RateWindow(3);
  w.sample(0, 0);
  assert.equal(w.perSecond, 0);
  w.sample(1000, 100);
  assert.equal(w.perSecond, 100);
  w.sample(2000, 300);
  w.sample(3000, 600);
  assert.equal(w.perSecond, 200); // (600 - 0) / 3 s
  w.sample(4000, 600);
  assert.equal(w.perSecond, 500 / 3); // the sample at 0 fell out: (600 - 100) / 3 s
  w.sample(5000, 600);
  w.sample(6000, 600);
  w.sample(7000, 600);
  assert.equal(w.perSecond, 0);
});

test('TaskTime: idle + busy + back-pressured add up to the elapsed time, and per-second shares follow the window', () => {
  const t = new TaskTime(0, 10);
  t.enter('busy', 100);
  t.enter('backPressured', 400);
  t.enter('busy', 500);
  t.enter('busy', 550); // no change
  t.enter('idle', 700);
  assert.equal(t.accumulated('idle', 1000), 100 + 300);
  assert.equal(t.accumulated('busy', 1000), 300 + 200);
  assert.equal(t.accumulated('backPressured', 1000), 100);
  const sum = (now: number) => t.accumulated('idle', now) + t.accumulated('busy', now) + t.accumulated('backPressured', now);
  assert.equal(sum(1000), 1000);
  assert.equal(sum(12_345), 12_345);
  t.tick(1000);
  assert.equal(t.msPerSecond('busy'), 500);
  assert.equal(t.msPerSecond('idle'), 400);
  assert.equal(t.msPerSecond('backPressured'), 100);
  assert.equal(t.activity, 'idle');
});

test('TaskTime: a clock that steps back never makes a share negative', () => {
  const t = new TaskTime(1000, 5, 'busy');
  t.enter('idle', 900);
  t.tick(2000);
  assert.ok(t.accumulated('busy', 2000) >= 0);
  assert.equal(t.accumulated('idle', 2000), 1000);
});

test('MeterView: events counted at once, rate refreshed on update', () => {
  const m = new MeterView(2);
  m.update(0);
  m.markEvent();
  m.markEvent(9);
  assert.equal(m.getCount(), 10);
  assert.equal(m.getRate(), 0);
  m.update(1000);
  assert.equal(m.getRate(), 10);
  m.update(2000);
  m.update(3000);
  assert.equal(m.getRate(), 0);
});

test("MeterView(counter, span): meters an existing counter (Flink's second constructor)", () => {
  const c = new SimpleCounter();
  const m = new MeterView(c, 1);
  m.update(0);
  c.inc(5);
  m.update(1000);
  assert.equal(m.getRate(), 5);
  assert.equal(m.getCount(), 5);
});

test('DescriptiveStatisticsHistogram: statistics of the last N values', () => {
  const h = new DescriptiveStatisticsHistogram(5);
  for (const v of [100, 1, 2, 3, 4, 5]) h.update(v);
  const s = h.getStatistics();
  assert.equal(h.getCount(), 6);
  assert.equal(s.size(), 5);
  assert.deepEqual(s.getValues(), [1, 2, 3, 4, 5]);
  assert.equal(s.getMin(), 1);
  assert.equal(s.getMax(), 5);
  assert.equal(s.getMean(), 3);
  assert.equal(s.getQuantile(0.5), 3);
  assert.equal(s.getQuantile(0.75), 4);
  assert.equal(s.getQuantile(0.99), 4.96);
  assert.ok(Math.abs(s.getStdDev() - Math.sqrt(2.5)) < 1e-12);
  assert.ok(Number.isNaN(new DescriptiveStatisticsHistogram().getStatistics().getQuantile(0.5)));
});
