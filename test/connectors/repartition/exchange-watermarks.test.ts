import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExchangeWatermarks } from '../../../src/connectors/kafka/repartition/exchange-watermarks.ts';

function table(partitions: number[], writers: string[]): { wm: ExchangeWatermarks; events: string[] } {
  const events: string[] = [];
  const wm = new ExchangeWatermarks(partitions, writers, { onWatermark: (w) => events.push(`wm ${w}`), onIdle: (i) => events.push(i ? 'idle' : 'active') });
  return { wm, events };
}

test('the watermark is the minimum over (partition, writer); a writer not heard from in a partition holds it at -infinity', () => {
  const { wm, events } = table([0, 1], ['a', 'b']);
  wm.update(0, 'a', 'w', 100);
  wm.update(0, 'b', 'w', 200);
  wm.update(1, 'a', 'w', 300);
  assert.deepEqual(events, []); // (1, b) unheard
  wm.update(1, 'b', 'w', 50);
  assert.deepEqual(events, ['wm 50']);
  wm.update(1, 'b', 'w', 400);
  assert.deepEqual(events, ['wm 50', 'wm 100']);
});

test('a marker read in one partition does not advance the watermark of another partition of the same writer', () => {
  const { wm, events } = table([0, 1], ['a']);
  wm.update(0, 'a', 'w', 1_000);
  assert.deepEqual(events, []);
  wm.update(1, 'a', 'w', 10);
  assert.deepEqual(events, ['wm 10']);
});

test('idle channels do not hold the watermark back; all idle makes the reader idle; unknown writers are ignored', () => {
  const { wm, events } = table([0], ['a', 'b']);
  wm.update(0, 'a', 'w', 100);
  wm.update(0, 'b', 'i', 0);
  wm.update(0, 'zombie', 'w', 5);
  assert.deepEqual(events, ['wm 100']);
  wm.update(0, 'a', 'i', 0);
  assert.deepEqual(events, ['wm 100', 'idle']);
  wm.update(0, 'b', 'a', 0);
  assert.deepEqual(events, ['wm 100', 'idle', 'active']);
});

test('ended only when every channel reached +infinity; snapshot and restore keep every channel', () => {
  const { wm } = table([3, 4], ['a']);
  wm.update(3, 'a', 'w', Infinity);
  assert.equal(wm.ended(), false);
  wm.update(4, 'a', 'w', 70);
  const state = wm.snapshot();
  assert.deepEqual(state, [
    [3, 'a', 'Infinity', false],
    [4, 'a', '70', false],
  ]);
  const restored = table([3, 4], ['a']);
  restored.wm.restore(JSON.parse(JSON.stringify(state)));
  assert.deepEqual(restored.events, ['wm 70']);
  restored.wm.update(4, 'a', 'w', Infinity);
  assert.equal(restored.wm.ended(), true);
  assert.deepEqual(restored.events, ['wm 70', 'wm Infinity']);
});
