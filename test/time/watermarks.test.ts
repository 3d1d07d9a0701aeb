import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WatermarkStrategy, type WatermarkOutput } from 'sluice';
import { ManualClock } from 'sluice/testing';
import { WatermarkValve } from '../../src/time/watermark-valve.ts';
import { WatermarkMultiplexer } from '../../src/time/watermark-emitter.ts';

function recorder(): WatermarkOutput & { log: string[] } {
  const log: string[] = [];
  return { log, emitWatermark: (w) => void log.push(`wm ${w}`), markIdle: () => void log.push('idle'), markActive: () => void log.push('active') };
}

test('bounded out-of-orderness: watermark = max timestamp - bound - 1, emitted periodically', () => {
  const clock = new ManualClock();
  const g = WatermarkStrategy.forBoundedOutOfOrderness<number>(1000).createWatermarkGenerator({ clock });
  const out = recorder();
  g.onPeriodicEmit(out);
  assert.deepEqual(out.log, [], 'nothing before the first event');
  for (const ts of [5000, 3000, 7000, 6000]) g.onEvent(ts, ts, out);
  g.onPeriodicEmit(out);
  assert.deepEqual(out.log, ['wm 5999']);
});

test('monotonous timestamps: watermark = max - 1', () => {
  const g = WatermarkStrategy.forMonotonousTimestamps<number>().createWatermarkGenerator({ clock: new ManualClock() });
  const out = recorder();
  g.onEvent(0, 100, out);
  g.onEvent(0, 200, out);
  g.onPeriodicEmit(out);
  assert.deepEqual(out.log, ['wm 199']);
});

test('timestamp assigner: plain function or object; default keeps the record timestamp', () => {
  const s = WatermarkStrategy.forMonotonousTimestamps<{ t: number }>();
  assert.equal(s.createTimestampAssigner().extractTimestamp({ t: 1 }, 42), 42);
  assert.equal(s.withTimestampAssigner((e) => e.t).createTimestampAssigner().extractTimestamp({ t: 7 }, 42), 7);
  assert.equal(s.withTimestampAssigner({ extractTimestamp: (e) => e.t * 2 }).createTimestampAssigner().extractTimestamp({ t: 7 }, 0), 14);
  assert.equal(s.hasTimestampAssigner, false);
});

test('idleness: idle after the timeout without events (processing time), active on the next event', () => {
  const clock = new ManualClock(0);
  const g = WatermarkStrategy.forBoundedOutOfOrderness<number>(0).withIdleness(3000).createWatermarkGenerator({ clock });
  const out = recorder();
  g.onEvent(0, 1000, out);
  clock.advance(1000);
  g.onPeriodicEmit(out);
  clock.advance(2000);
  g.onPeriodicEmit(out);
  clock.advance(1000);
  g.onPeriodicEmit(out);
  g.onPeriodicEmit(out);
  g.onEvent(0, 2000, out);
  g.onPeriodicEmit(out);
  assert.deepEqual(out.log, ['wm 999', 'wm 999', 'idle', 'active', 'wm 1999']);
});

test('invalid strategy arguments fail with a message', () => {
  assert.throws(() => WatermarkStrategy.forBoundedOutOfOrderness(-1), /bound must be/);
  assert.throws(() => WatermarkStrategy.noWatermarks().withIdleness(0), /timeout must be/);
});

test('valve: minimum over channels, monotonous, idle channels excluded, realignment', () => {
  const log: string[] = [];
  const v = new WatermarkValve(3, { onWatermark: (w) => void log.push(`wm ${w}`), onIdle: (i) => void log.push(i ? 'idle' : 'active') });
  v.inputWatermark(10, 0);
  v.inputWatermark(5, 1);
  assert.deepEqual(log, [], 'channel 2 has not spoken: no watermark yet');
  v.inputWatermark(7, 2);
  assert.deepEqual(log, ['wm 5']);
  v.inputIdle(true, 1);
  assert.deepEqual(log, ['wm 5', 'wm 7'], 'idle channel 1 no longer holds the watermark back');
  v.inputWatermark(6, 1); // back, but behind: not aligned until it catches up
  v.inputWatermark(20, 2);
  assert.deepEqual(log, ['wm 5', 'wm 7', 'wm 10']);
  v.inputWatermark(15, 1);
  v.inputWatermark(30, 0);
  assert.deepEqual(log, ['wm 5', 'wm 7', 'wm 10', 'wm 15']);
  for (const c of [0, 1, 2]) v.inputIdle(true, c);
  assert.equal(log.at(-1), 'idle');
  v.inputWatermark(40, 0);
  assert.deepEqual(log.slice(-2), ['active', 'wm 40']);
});

test('multiplexer: per-split watermarks combine to the minimum of non-idle splits (a silent split holds it back)', () => {
  const out = recorder();
  const m = new WatermarkMultiplexer(out);
  const p0 = m.register('p0');
  const p1 = m.register('p1');
  p0.emitWatermark(100);
  p1.emitWatermark(50);
  p1.markIdle();
  p0.emitWatermark(200);
  m.unregister('p1');
  assert.deepEqual(out.log.filter((l) => l.startsWith('wm')), ['wm 50', 'wm 100', 'wm 200', 'wm 200']);
});
