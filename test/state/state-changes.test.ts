import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  HeapKeyedStateBackend, ListStateDescriptor, LmdbStateBackend, MapStateDescriptor, ReducingStateDescriptor, StateTtlConfig,
  ValueStateDescriptor, assignToKeyGroup, type StateChange,
} from 'sluice';
import { ManualClock } from 'sluice/testing';
import type { InternalKeyedStateBackend } from '../../src/state/backend.ts';
import type { NamespaceSerializer } from '../../src/core/state/namespace.ts';
import { voidNamespaceSerializer } from '../../src/core/state/namespace.ts';
import { ChangelogWriter } from '../../src/kafka/changelog-writer.ts';
import { decodeChangelogRecord } from '../../src/kafka/changelog-codec.ts';

const keyGroupOf = (k: unknown): number => assignToKeyGroup(k, 128);
const numberNs: NamespaceSerializer<number> = { key: (n) => n, toJSON: (n) => n, fromJSON: (j) => (j ?? 0) as number };

type Factory = (clock: ManualClock) => { backend: InternalKeyedStateBackend; close: () => Promise<void> };
const heap: Factory = (clock) => ({
  backend: new HeapKeyedStateBackend({ operatorUid: 'op', clock, trackChanges: true, maxParallelism: 128, keyGroupOf }),
  close: async () => {},
});
let lmdbRuns = 0;
/** LMDB with a tiny write-back cache, so that eviction, reloads and batched deletes all happen. */
const lmdb: Factory = (clock) => {
  const owner = new LmdbStateBackend({ path: mkdtempSync(join(tmpdir(), 'sluice-changes-')), cachedEntriesPerState: 2 });
  const backend = owner.createKeyedStateBackend({ operatorUid: `op${lmdbRuns++}`, subtaskIndex: 0, clock, trackChanges: true, maxParallelism: 128, keyGroupOf });
  return { backend, close: async () => { backend.dispose(); await owner.close(); } };
};
const backends: Array<[string, Factory]> = [['heap', heap], ['LMDB', lmdb]];

/** What a compacted changelog keeps: the last record per (state, key, namespace), decoded. */
function throughChangelog(changes: readonly StateChange[]): Array<{ state: string; key: unknown; namespace: unknown; value: unknown; ttlTimestamp?: number }> {
  const writer = new ChangelogWriter({ topic: 'op-changelog', maxParallelism: 128, keyGroupOf });
  return writer.encode(changes).map((r) => decodeChangelogRecord(r.key!, r.value ?? null));
}

const entryId = (c: { state: string; key: unknown; namespace: unknown }): string => JSON.stringify([c.state, c.key, c.namespace]);

for (const [name, make] of backends) {
  test(`${name}: a clear followed by an update in one checkpoint is one write, not a write and a delete`, async () => {
    const { backend: b, close } = make(new ManualClock(0));
    const v = b.getOrCreateState(new ValueStateDescriptor<number>('v'), voidNamespaceSerializer);
    b.setCurrentKey('a');
    v.update(1);
    b.snapshot(1);
    v.clear();
    v.update(2);
    b.setCurrentKey('b');
    v.update(5);
    v.clear();
    const changes = b.changesSinceLastSnapshot();
    assert.deepEqual(changes.map((c) => [c.key, c.value]).sort(), [['a', 2], ['b', undefined]]);
    const kept = throughChangelog(changes);
    assert.deepEqual(kept.find((c) => c.key === 'a')?.value, 2, 'a last-wins changelog keeps the live value');
    await close();
  });

  test(`${name}: changes carry the TTL timestamp; a read that refreshes it is a change`, async () => {
    const clock = new ManualClock(1000);
    const { backend: b, close } = make(clock);
    const t = b.getOrCreateState(
      new ValueStateDescriptor<string>('t').enableTimeToLive(StateTtlConfig.newBuilder(100).updateTtlOnReadAndWrite().build()),
      voidNamespaceSerializer,
    );
    const plain = b.getOrCreateState(new ValueStateDescriptor<string>('p'), voidNamespaceSerializer);
    b.setCurrentKey('k');
    t.update('x');
    plain.update('y');
    assert.deepEqual(
      b.changesSinceLastSnapshot().map((c) => [c.state, c.value, c.ttlTimestamp]).sort(),
      [['p', 'y', undefined], ['t', 'x', 1000]],
    );
    assert.deepEqual(throughChangelog(b.changesSinceLastSnapshot()).find((c) => c.state === 't')?.ttlTimestamp, 1000);
    b.snapshot(1);
    clock.advance(60);
    assert.equal(t.value(), 'x');
    assert.deepEqual(b.changesSinceLastSnapshot().map((c) => [c.state, c.value, c.ttlTimestamp]), [['t', 'x', 1060]]);
    await close();
  });
}

test('LMDB: a TTL refreshed by a read survives the eviction of the write-back cache', async () => {
  const clock = new ManualClock(0);
  const { backend: b, close } = lmdb(clock);
  const t = b.getOrCreateState(
    new ValueStateDescriptor<string>('t').enableTimeToLive(StateTtlConfig.newBuilder(100).updateTtlOnReadAndWrite().build()),
    voidNamespaceSerializer,
  );
  b.setCurrentKey('k');
  t.update('x');
  b.snapshot(1); // written to LMDB with timestamp 0
  clock.advance(60);
  assert.equal(t.value(), 'x'); // refreshes the timestamp to 60
  for (const other of ['a', 'b', 'c']) {
    b.setCurrentKey(other);
    t.update(other); // fills the cache (2 entries): 'k' is evicted
  }
  clock.advance(60); // 120: expired for timestamp 0, alive for 60
  b.setCurrentKey('k');
  assert.equal(t.value(), 'x');
  await close();
});

test('LMDB: deletes are seen at once, survive eviction, and reach the database at the flush', async () => {
  const { backend: b, close } = lmdb(new ManualClock(0));
  const v = b.getOrCreateState(new ValueStateDescriptor<number>('v'), numberNs);
  for (let k = 0; k < 6; k++) {
    b.setCurrentKey(`k${k}`);
    v.setCurrentNamespace(k % 2);
    v.update(k);
  }
  b.snapshot(1);
  b.setCurrentKey('k0');
  v.setCurrentNamespace(0);
  v.clear(); // in the database, not in the cache
  assert.equal(v.value(), undefined);
  b.setCurrentKey('k5');
  v.setCurrentNamespace(1);
  v.clear();
  v.update(50);
  b.setCurrentKey('k3');
  v.clear();
  b.setCurrentKey('k0');
  v.setCurrentNamespace(0);
  assert.equal(v.value(), undefined, 'still deleted after other writes evicted the cache');
  assert.equal(b.numEntries(), 4);
  assert.deepEqual(
    b.changesSinceLastSnapshot().map((c) => [c.key, c.namespace, c.value]).sort(),
    [['k0', 0, undefined], ['k3', 1, undefined], ['k5', 1, 50]],
  );
  const snap = b.snapshot(2);
  assert.deepEqual(snap.keyGroups.flatMap((g) => g.states.v ?? []).map(([k, n, x]) => [k, n, x]).sort(), [['k1', 1, 1], ['k2', 0, 2], ['k4', 0, 4], ['k5', 1, 50]]);
  await close();
});

// ---- property: random operations across checkpoints, against a model ----

type Key = 'a' | 'b' | 7;
type Op =
  | { op: 'set'; k: Key; n: number; x: number }
  | { op: 'clear'; s: 'v' | 'l' | 'r' | 'm' | 't'; k: Key; n: number }
  | { op: 'add'; k: Key; n: number; x: number }
  | { op: 'replace'; k: Key; n: number; xs: number[] }
  | { op: 'reduce'; k: Key; n: number; x: number }
  | { op: 'put'; k: Key; n: number; mk: string; x: number }
  | { op: 'remove'; k: Key; n: number; mk: string }
  | { op: 'merge'; s: 'l' | 'r'; k: Key; n: number; from: number[] }
  | { op: 'ttlSet'; k: Key; x: number }
  | { op: 'ttlRead'; k: Key }
  | { op: 'tick'; ms: number }
  | { op: 'checkpoint' };

const key = fc.constantFrom<Key>('a', 'b', 7);
const ns = fc.integer({ min: 0, max: 2 });
const val = fc.integer({ min: -5, max: 5 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), k: key, n: ns, x: val }),
  fc.record({ op: fc.constant('clear' as const), s: fc.constantFrom('v' as const, 'l' as const, 'r' as const, 'm' as const, 't' as const), k: key, n: ns }),
  fc.record({ op: fc.constant('add' as const), k: key, n: ns, x: val }),
  fc.record({ op: fc.constant('replace' as const), k: key, n: ns, xs: fc.array(val, { maxLength: 2 }) }),
  fc.record({ op: fc.constant('reduce' as const), k: key, n: ns, x: val }),
  fc.record({ op: fc.constant('put' as const), k: key, n: ns, mk: fc.constantFrom('p', 'q'), x: val }),
  fc.record({ op: fc.constant('remove' as const), k: key, n: ns, mk: fc.constantFrom('p', 'q') }),
  fc.record({ op: fc.constant('merge' as const), s: fc.constantFrom('l' as const, 'r' as const), k: key, n: ns, from: fc.uniqueArray(ns, { maxLength: 3 }) }),
  fc.record({ op: fc.constant('ttlSet' as const), k: key, x: val }),
  fc.record({ op: fc.constant('ttlRead' as const), k: key }),
  fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 3 }) }),
  fc.constant({ op: 'checkpoint' as const }),
);

const TTL = 4;

/** The expected state: entry id → portable value (and TTL timestamp for 't'). */
class Model {
  readonly values = new Map<string, { state: string; key: unknown; namespace: unknown; value: unknown; t?: number }>();
  get(state: string, k: Key, n: number): unknown {
    return this.values.get(entryId({ state, key: k, namespace: n }))?.value;
  }
  set(state: string, k: Key, n: number, value: unknown, t?: number): void {
    const id = entryId({ state, key: k, namespace: n });
    if (value === undefined) this.values.delete(id);
    else this.values.set(id, t === undefined ? { state, key: k, namespace: n, value } : { state, key: k, namespace: n, value, t });
  }
}

async function runOps(make: Factory, ops: readonly Op[]): Promise<void> {
  const clock = new ManualClock(0);
  const { backend: b, close } = make(clock);
  try {
    const v = b.getOrCreateState(new ValueStateDescriptor<number>('v'), numberNs);
    const l = b.getOrCreateState(new ListStateDescriptor<number>('l'), numberNs);
    const r = b.getOrCreateState(new ReducingStateDescriptor<number>('r', (x, y) => x + y), numberNs);
    const m = b.getOrCreateState(new MapStateDescriptor<string, number>('m'), numberNs);
    const t = b.getOrCreateState(
      new ValueStateDescriptor<number>('t').enableTimeToLive(StateTtlConfig.newBuilder(TTL).updateTtlOnReadAndWrite().build()),
      numberNs,
    );
    const handles = { v, l, r, m, t };
    const model = new Model();
    const replica = new Map<string, { value: unknown; ttlTimestamp?: number }>();
    const expired = (ts: number): boolean => clock.now() - ts >= TTL;

    const checkpoint = (id: number): void => {
      const changes = b.changesSinceLastSnapshot();
      const ids = changes.map(entryId);
      assert.equal(new Set(ids).size, ids.length, 'at most one change per (state, key, namespace)');
      for (const c of throughChangelog(changes)) {
        if (c.value === undefined) replica.delete(entryId(c));
        else replica.set(entryId(c), c.ttlTimestamp === undefined ? { value: c.value } : { value: c.value, ttlTimestamp: c.ttlTimestamp });
      }
      // The replica is the model, except entries of the TTL state that expired (the snapshot drops them without a delete).
      for (const [id, e] of model.values) {
        if (e.t !== undefined && expired(e.t)) continue;
        assert.deepEqual(replica.get(id), e.t === undefined ? { value: e.value } : { value: e.value, ttlTimestamp: e.t }, `replica of ${id}`);
      }
      for (const [id, e] of replica) {
        if (!model.values.has(id)) assert.ok(e.ttlTimestamp !== undefined && expired(e.ttlTimestamp), `replica has ${id}, which is not in the state`);
      }
      b.snapshot(id);
      for (const [id, e] of model.values) if (e.t !== undefined && expired(e.t)) model.values.delete(id);
    };

    let checkpoints = 0;
    for (const o of ops) {
      if (o.op === 'tick') {
        clock.advance(o.ms);
        continue;
      }
      if (o.op === 'checkpoint') {
        checkpoint(++checkpoints);
        continue;
      }
      b.setCurrentKey(o.k);
      const n = 'n' in o ? o.n : 0;
      for (const h of Object.values(handles)) h.setCurrentNamespace(n);
      switch (o.op) {
        case 'set':
          v.update(o.x);
          model.set('v', o.k, n, o.x);
          break;
        case 'clear':
          handles[o.s].clear();
          model.set(o.s, o.k, n, undefined);
          break;
        case 'add':
          l.add(o.x);
          model.set('l', o.k, n, [...((model.get('l', o.k, n) as number[] | undefined) ?? []), o.x]);
          break;
        case 'replace':
          l.update(o.xs);
          model.set('l', o.k, n, o.xs.length === 0 ? undefined : o.xs);
          break;
        case 'reduce':
          r.add(o.x);
          model.set('r', o.k, n, ((model.get('r', o.k, n) as number | undefined) ?? 0) + o.x);
          break;
        case 'put': {
          m.put(o.mk, o.x);
          const entries = [...((model.get('m', o.k, n) as Array<[string, number]> | undefined) ?? [])];
          const at = entries.findIndex(([mk]) => mk === o.mk);
          if (at >= 0) entries[at] = [o.mk, o.x];
          else entries.push([o.mk, o.x]);
          model.set('m', o.k, n, entries);
          break;
        }
        case 'remove': {
          m.remove(o.mk);
          const entries = ((model.get('m', o.k, n) as Array<[string, number]> | undefined) ?? []).filter(([mk]) => mk !== o.mk);
          model.set('m', o.k, n, entries.length === 0 ? undefined : entries);
          break;
        }
        case 'merge': {
          const sources = o.from.filter((s) => s !== n);
          handles[o.s].mergeNamespaces(n, sources);
          const combine = o.s === 'l' ? (a: unknown, x: unknown) => [...(a as number[]), ...(x as number[])] : (a: unknown, x: unknown) => (a as number) + (x as number);
          let acc: unknown;
          for (const s of sources) {
            const sv = model.get(o.s, o.k, s);
            if (sv === undefined) continue;
            acc = acc === undefined ? sv : combine(acc, sv);
            model.set(o.s, o.k, s, undefined);
          }
          if (acc !== undefined) {
            const cur = model.get(o.s, o.k, n);
            model.set(o.s, o.k, n, cur === undefined ? acc : combine(cur, acc));
          }
          break;
        }
        case 'ttlSet':
          t.update(o.x);
          model.set('t', o.k, 0, o.x, clock.now());
          break;
        case 'ttlRead': {
          const e = model.values.get(entryId({ state: 't', key: o.k, namespace: 0 }));
          const alive = e !== undefined && !expired(e.t!);
          assert.equal(t.value(), alive ? e.value : undefined);
          model.set('t', o.k, 0, alive ? e.value : undefined, clock.now());
          break;
        }
      }
      assert.deepEqual(v.value(), model.get('v', o.k, n));
      assert.deepEqual(l.get(), model.get('l', o.k, n) ?? []);
      assert.deepEqual(r.get(), model.get('r', o.k, n));
      assert.deepEqual([...m.entries()], model.get('m', o.k, n) ?? []);
    }
    checkpoint(++checkpoints);
  } finally {
    await close();
  }
}

for (const [name, make] of backends) {
  test(`${name} property: the changes of every checkpoint, applied last-wins to a replica, give the current state`, async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { maxLength: 80, size: 'max' }), (ops) => runOps(make, ops)), { numRuns: name === 'heap' ? 300 : 60, seed: 42 });
  });
}
