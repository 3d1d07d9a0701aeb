import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AggregatingStateDescriptor, HeapKeyedStateBackend, ListStateDescriptor, MapStateDescriptor, ReducingStateDescriptor,
  StateTtlConfig, TimeWindow, ValueStateDescriptor, StateAccessError, assignToKeyGroup,
} from 'sluice';
import { ManualClock } from 'sluice/testing';
import { voidNamespaceSerializer } from '../../src/core/state/namespace.ts';
import { timeWindowSerializer } from '../../src/core/windowing/windows.ts';

const keyGroupOf = (k: unknown): number => assignToKeyGroup(k, 128);
const backend = (clock = new ManualClock(0), trackChanges = true) =>
  new HeapKeyedStateBackend({ operatorUid: 'op', clock, trackChanges, maxParallelism: 128, keyGroupOf });

test('value state is scoped by key, with a default value', () => {
  const b = backend();
  const s = b.getOrCreateState(new ValueStateDescriptor<number>('n', 0), voidNamespaceSerializer);
  b.setCurrentKey('a');
  s.update(s.value() + 5);
  b.setCurrentKey('b');
  assert.equal(s.value(), 0);
  s.update(1);
  b.setCurrentKey('a');
  assert.equal(s.value(), 5);
  s.clear();
  assert.equal(s.value(), 0);
  s.update(3);
  s.update(undefined);
  assert.equal(s.value(), 0, 'update(undefined) clears');
});

test('object keys are equal by value (tuples, records)', () => {
  const b = backend();
  const s = b.getOrCreateState(new ValueStateDescriptor<string>('v'), voidNamespaceSerializer);
  b.setCurrentKey(['a', 1]);
  s.update('x');
  b.setCurrentKey(['a', 1]);
  assert.equal(s.value(), 'x');
  assert.deepEqual(b.getCurrentKey(), ['a', 1]);
  b.setCurrentKey({ y: 2, x: 1 });
  s.update('obj');
  b.setCurrentKey({ x: 1, y: 2 });
  assert.equal(s.value(), 'obj');
});

test('list, map, reducing and aggregating state', () => {
  const b = backend();
  const list = b.getOrCreateState(new ListStateDescriptor<number>('l'), voidNamespaceSerializer);
  const map = b.getOrCreateState(new MapStateDescriptor<string, number>('m'), voidNamespaceSerializer);
  const red = b.getOrCreateState(new ReducingStateDescriptor<number>('r', (x, y) => x + y), voidNamespaceSerializer);
  const agg = b.getOrCreateState(
    new AggregatingStateDescriptor('a', { createAccumulator: () => [] as number[], add: (v: number, acc: number[]) => [...acc, v], getResult: (acc) => acc.join('+'), merge: (x, y) => [...x, ...y] }),
    voidNamespaceSerializer,
  );
  b.setCurrentKey('k');
  assert.deepEqual(list.get(), []);
  list.add(1);
  list.addAll([2, 3]);
  assert.deepEqual(list.get(), [1, 2, 3]);
  list.update([9]);
  assert.deepEqual(list.get(), [9]);
  map.put('x', 1);
  map.putAll([['y', 2]]);
  assert.equal(map.get('x'), 1);
  assert.equal(map.contains('z'), false);
  map.remove('x');
  assert.deepEqual([...map.entries()], [['y', 2]]);
  assert.deepEqual([...map.keys()], ['y']);
  assert.deepEqual([...map.values()], [2]);
  assert.equal(map.isEmpty(), false);
  assert.equal(red.get(), undefined);
  red.add(2);
  red.add(3);
  assert.equal(red.get(), 5);
  agg.add(1);
  agg.add(2);
  assert.equal(agg.get(), '1+2');
  assert.throws(() => b.getOrCreateState(new ListStateDescriptor<number>('m'), voidNamespaceSerializer), /already registered as map/);
});

test('state without a current key fails with a message that says what to do', () => {
  const b = backend();
  const s = b.getOrCreateState(new ValueStateDescriptor<number>('n'), voidNamespaceSerializer);
  assert.throws(() => s.value(), (e: unknown) => e instanceof StateAccessError && e.code === 'SLUICE_STATE_ACCESS' && /keyBy/.test(e.message));
});

test('namespaces (windows) separate values; merging combines them', () => {
  const b = backend();
  const s = b.getOrCreateState(new ReducingStateDescriptor<number>('sum', (x, y) => x + y), timeWindowSerializer);
  const w1 = new TimeWindow(0, 10);
  const w2 = new TimeWindow(5, 15);
  const w3 = new TimeWindow(0, 15);
  b.setCurrentKey('k');
  s.setCurrentNamespace(w1);
  s.add(1);
  s.setCurrentNamespace(w2);
  s.add(2);
  s.mergeNamespaces(w3, [w1, w2]);
  s.setCurrentNamespace(w3);
  assert.equal(s.get(), 3);
  s.setCurrentNamespace(w1);
  assert.equal(s.get(), undefined);
  assert.equal(b.numEntries(), 1);
});

test('TTL: entries expire after their last write; OnReadAndWrite refreshes on read; visibility', () => {
  const clock = new ManualClock(0);
  const b = backend(clock);
  const plain = b.getOrCreateState(new ValueStateDescriptor<string>('p').enableTimeToLive(StateTtlConfig.newBuilder(100).build()), voidNamespaceSerializer);
  const onRead = b.getOrCreateState(
    new ValueStateDescriptor<string>('r').enableTimeToLive(StateTtlConfig.newBuilder(100).updateTtlOnReadAndWrite().build()),
    voidNamespaceSerializer,
  );
  const visible = b.getOrCreateState(
    new ValueStateDescriptor<string>('v').enableTimeToLive(StateTtlConfig.newBuilder(100).returnExpiredIfNotCleanedUp().build()),
    voidNamespaceSerializer,
  );
  b.setCurrentKey('k');
  plain.update('p');
  onRead.update('r');
  visible.update('v');
  clock.advance(60);
  assert.equal(onRead.value(), 'r');
  clock.advance(60);
  assert.equal(plain.value(), undefined, 'expired 100 ms after the write');
  assert.equal(onRead.value(), 'r', 'the read at 60 ms refreshed it');
  assert.equal(visible.value(), 'v', 'expired but not cleaned up: still visible');
  const list = b.getOrCreateState(new ListStateDescriptor<number>('l').enableTimeToLive(new StateTtlConfig(100)), voidNamespaceSerializer);
  list.add(1);
  clock.advance(50);
  list.add(2);
  clock.advance(60);
  assert.deepEqual(list.get(), [2], 'list elements expire one by one');
  const map = b.getOrCreateState(new MapStateDescriptor<string, number>('m').enableTimeToLive(new StateTtlConfig(100)), voidNamespaceSerializer);
  map.put('a', 1);
  clock.advance(50);
  map.put('b', 2);
  clock.advance(60);
  assert.deepEqual([...map.entries()], [['b', 2]]);
});

test('TTL follows Flink: no descriptor default with TTL; ReturnExpiredIfNotCleanedUp returns an expired value once, then it is gone', () => {
  const clock = new ManualClock(0);
  const b = backend(clock);
  const ttl = StateTtlConfig.newBuilder(100).build();
  const relaxed = StateTtlConfig.newBuilder(100).returnExpiredIfNotCleanedUp().build();
  // Flink's TTL value state is created without the descriptor's default (null when absent).
  const withDefault = b.getOrCreateState(new ValueStateDescriptor<string>('d', 'none').enableTimeToLive(ttl), voidNamespaceSerializer);
  const noTtl = b.getOrCreateState(new ValueStateDescriptor<string>('n', 'none'), voidNamespaceSerializer);
  b.setCurrentKey('k');
  assert.equal(withDefault.value(), undefined, 'TTL state: absent is undefined, not the default');
  assert.equal(noTtl.value(), 'none', 'without TTL the default still applies');
  withDefault.update('x');
  clock.advance(100);
  assert.equal(withDefault.value(), undefined, 'expired: undefined, not the default');

  const value = b.getOrCreateState(new ValueStateDescriptor<string>('v').enableTimeToLive(relaxed), voidNamespaceSerializer);
  const sum = b.getOrCreateState(new ReducingStateDescriptor<number>('s', (x, y) => x + y).enableTimeToLive(relaxed), voidNamespaceSerializer);
  const avg = b.getOrCreateState(
    new AggregatingStateDescriptor('a', { createAccumulator: () => 0, add: (v: number, acc: number) => acc + v, getResult: (acc: number) => acc, merge: (x: number, y: number) => x + y })
      .enableTimeToLive(relaxed),
    voidNamespaceSerializer,
  );
  const map = b.getOrCreateState(new MapStateDescriptor<string, number>('m').enableTimeToLive(relaxed), voidNamespaceSerializer);
  value.update('old');
  sum.add(2);
  avg.add(3);
  map.put('a', 1);
  clock.advance(100);
  map.put('b', 2);
  assert.equal(value.value(), 'old', 'expired but not cleaned up: returned...');
  assert.equal(value.value(), undefined, '...once: the read cleared it');
  assert.equal(sum.get(), 2);
  assert.equal(sum.get(), undefined);
  assert.equal(avg.get(), 3);
  assert.equal(avg.get(), undefined);
  assert.equal(map.get('a'), 1);
  assert.equal(map.get('a'), undefined);
  assert.deepEqual([...map.entries()], [['b', 2]]);
  map.put('c', 3);
  clock.advance(100);
  assert.deepEqual([...map.entries()], [['b', 2], ['c', 3]], 'entries(): expired entries once...');
  assert.deepEqual([...map.entries()], [], '...then removed');

  const list = b.getOrCreateState(new ListStateDescriptor<number>('l').enableTimeToLive(relaxed), voidNamespaceSerializer);
  list.add(1);
  clock.advance(50);
  list.add(2);
  clock.advance(60);
  assert.deepEqual(list.get(), [1, 2], 'a list with unexpired elements returns the expired ones too');
  assert.deepEqual(list.get(), [1, 2], 'and keeps them while any element is alive (Flink clears a list only when all expired)');
  clock.advance(50);
  assert.deepEqual(list.get(), [1, 2], 'all expired: returned once...');
  assert.deepEqual(list.get(), [], '...then cleared');
});

test('snapshot and restore round-trip; restore keeps only the key groups this subtask owns', () => {
  const b = backend();
  const v = b.getOrCreateState(new ValueStateDescriptor<number>('v'), voidNamespaceSerializer);
  const m = b.getOrCreateState(new MapStateDescriptor<string, number>('m'), voidNamespaceSerializer);
  for (const k of ['a', 'b', 'c']) {
    b.setCurrentKey(k);
    v.update(k.charCodeAt(0));
    m.put(k, 1);
  }
  const snap = structuredClone(b.snapshot(1));
  assert.equal(snap.maxParallelism, 128);
  assert.deepEqual(snap.kinds, { v: 'value', m: 'map' });
  assert.deepEqual(
    snap.keyGroups.map((g) => g.keyGroup),
    [...new Set(['a', 'b', 'c'].map(keyGroupOf))].sort((x, y) => x - y),
    'entries are grouped by the key group of their key, ascending',
  );
  for (const g of snap.keyGroups) for (const entries of Object.values(g.states)) for (const [k] of entries) assert.equal(keyGroupOf(k), g.keyGroup);
  const r = backend();
  r.restore([snap], (kg) => kg !== keyGroupOf('b'));
  const v2 = r.getOrCreateState(new ValueStateDescriptor<number>('v'), voidNamespaceSerializer);
  const m2 = r.getOrCreateState(new MapStateDescriptor<string, number>('m'), voidNamespaceSerializer);
  r.setCurrentKey('a');
  assert.equal(v2.value(), 97);
  assert.equal(m2.get('a'), 1);
  r.setCurrentKey('b');
  assert.equal(v2.value(), undefined);
});

test('changes since the last snapshot: writes and deletes (for a changelog)', () => {
  const b = backend();
  const v = b.getOrCreateState(new ValueStateDescriptor<number>('v'), voidNamespaceSerializer);
  b.setCurrentKey('a');
  v.update(1);
  b.setCurrentKey('b');
  v.update(2);
  b.snapshot(1);
  assert.deepEqual(b.changesSinceLastSnapshot(), []);
  v.update(3);
  b.setCurrentKey('a');
  v.clear();
  assert.deepEqual(
    b.changesSinceLastSnapshot().map((c) => [c.key, c.value]),
    [['b', 3], ['a', undefined]],
  );
});

test('property: value state behaves like a map keyed by (key, namespace)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom(0, 1), fc.option(fc.integer(), { nil: undefined })), { maxLength: 60 }),
      (ops) => {
        const b = backend();
        const ns = { key: (n: number) => n, toJSON: (n: number) => n, fromJSON: (j: unknown) => (j ?? 0) as number };
        const s = b.getOrCreateState(new ValueStateDescriptor<number>('v'), ns);
        const model = new Map<string, number>();
        for (const [k, n, v] of ops) {
          b.setCurrentKey(k);
          s.setCurrentNamespace(n);
          if (v === undefined) {
            s.clear();
            model.delete(`${k}/${n}`);
          } else {
            s.update(v);
            model.set(`${k}/${n}`, v);
          }
          assert.equal(s.value(), model.get(`${k}/${n}`));
        }
        assert.equal(b.numEntries(), model.size);
      },
    ),
  );
});
