import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LmdbStateBackend, ListStateDescriptor, MapStateDescriptor, ReducingStateDescriptor, StateTtlConfig, StreamExecutionEnvironment,
  TumblingEventTimeWindows, ValueStateDescriptor, WatermarkStrategy, GeneratorSource, assignToKeyGroup,
} from 'sluice';
import { ManualClock } from 'sluice/testing';
import { voidNamespaceSerializer } from '../../src/core/state/namespace.ts';

const keyGroupOf = (k: unknown): number => assignToKeyGroup(k, 128);
const dir = () => mkdtempSync(join(tmpdir(), 'sluice-lmdb-'));

test('LMDB backend: every state type, eviction of the write-back cache, TTL, snapshot and restore', async () => {
  const owner = new LmdbStateBackend({ path: dir(), cachedEntriesPerState: 3 });
  const clock = new ManualClock(0);
  const b = owner.createKeyedStateBackend({ operatorUid: 'op', subtaskIndex: 0, clock, trackChanges: true, maxParallelism: 128, keyGroupOf });
  const v = b.getOrCreateState(new ValueStateDescriptor<number>('v', 0), voidNamespaceSerializer);
  const l = b.getOrCreateState(new ListStateDescriptor<string>('l'), voidNamespaceSerializer);
  const m = b.getOrCreateState(new MapStateDescriptor<string, number>('m'), voidNamespaceSerializer);
  const r = b.getOrCreateState(new ReducingStateDescriptor<number>('r', (x, y) => x + y), voidNamespaceSerializer);
  const t = b.getOrCreateState(new ValueStateDescriptor<string>('t').enableTimeToLive(new StateTtlConfig(100)), voidNamespaceSerializer);
  for (let round = 0; round < 3; round++) {
    for (let k = 0; k < 10; k++) {
      b.setCurrentKey(`k${k}`);
      v.update(v.value() + k);
      l.add(`${round}`);
      m.put(`r${round}`, k);
      r.add(1);
      t.update('x');
    }
  }
  b.setCurrentKey('k7');
  assert.equal(v.value(), 21, 'in-place updates survive cache eviction');
  assert.deepEqual(l.get(), ['0', '1', '2']);
  assert.deepEqual([...m.entries()], [['r0', 7], ['r1', 7], ['r2', 7]]);
  assert.equal(r.get(), 3);
  clock.advance(100);
  assert.equal(t.value(), undefined);
  v.clear();
  assert.equal(v.value(), 0);
  assert.equal(b.numEntries(), 9 * 1 + 10 * 3 + 9);
  const snap = structuredClone(b.snapshot(1));
  assert.deepEqual(b.changesSinceLastSnapshot(), []);
  b.setCurrentKey('k1');
  v.update(100);
  assert.deepEqual(b.changesSinceLastSnapshot().map((c) => [c.state, c.key, c.value]), [['v', 'k1', 100]]);

  const b2 = owner.createKeyedStateBackend({ operatorUid: 'op2', subtaskIndex: 0, clock, trackChanges: false, maxParallelism: 128, keyGroupOf });
  b2.restore([snap], (kg) => kg === keyGroupOf('k3'));
  const v2 = b2.getOrCreateState(new ValueStateDescriptor<number>('v', 0), voidNamespaceSerializer);
  b2.setCurrentKey('k3');
  assert.equal(v2.value(), 9);
  b2.setCurrentKey('k4');
  assert.equal(v2.value(), 0);
  b.dispose();
  b2.dispose();
  await owner.close();
});

test('a windowed job gives the same results on the LMDB backend as on the heap', async () => {
  const run = async (backend?: LmdbStateBackend) => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2, autoWatermarkInterval: 'every-record', ...(backend ? { stateBackend: backend } : {}) });
    const out = await env
      .fromSource(
        new GeneratorSource((i) => ({ k: i % 50, ts: i * 10 }), { count: 5000 }),
        WatermarkStrategy.forBoundedOutOfOrderness<{ k: number; ts: number }>(100).withTimestampAssigner((e) => e.ts),
        'gen',
      )
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(1000))
      .aggregate<number, number, string>(
        { createAccumulator: () => 0, add: (_e, n) => n + 1, getResult: (n) => n, merge: (a, b) => a + b },
        (k, ctx, [n], out) => out.collect(`${k}@${ctx.window().start}=${n}`),
      )
      .executeAndCollect();
    return out.sort();
  };
  const lmdb = new LmdbStateBackend({ path: dir(), cachedEntriesPerState: 20 });
  const [heap, onDisk] = [await run(), await run(lmdb)];
  await lmdb.close();
  assert.equal(heap.length, 2500);
  assert.deepEqual(onDisk, heap);
});

test('snapshots are portable between the heap and LMDB backends', async () => {
  const { HeapKeyedStateBackend } = await import('sluice');
  const clock = new ManualClock(0);
  const heap = new HeapKeyedStateBackend({ operatorUid: 'op', clock });
  const m = heap.getOrCreateState(new MapStateDescriptor<string, number>('m'), voidNamespaceSerializer);
  heap.setCurrentKey(['tuple', 1]);
  m.put('x', 1);
  const owner = new LmdbStateBackend({ path: dir() });
  const lmdb = owner.createKeyedStateBackend({ operatorUid: 'op', subtaskIndex: 0, clock, trackChanges: false });
  lmdb.restore([structuredClone(heap.snapshot(1))]);
  const m2 = lmdb.getOrCreateState(new MapStateDescriptor<string, number>('m'), voidNamespaceSerializer);
  lmdb.setCurrentKey(['tuple', 1]);
  assert.equal(m2.get('x'), 1);
  const back = new HeapKeyedStateBackend({ operatorUid: 'op', clock });
  back.restore([structuredClone(lmdb.snapshot(2))]);
  const m3 = back.getOrCreateState(new MapStateDescriptor<string, number>('m'), voidNamespaceSerializer);
  back.setCurrentKey(['tuple', 1]);
  assert.deepEqual([...m3.entries()], [['x', 1]]);
  lmdb.dispose();
  await owner.close();
});
