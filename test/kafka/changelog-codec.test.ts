import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodePortable, encodePortable } from '../../src/kafka/portable-codec.ts';
import { decodeChangelogRecord, encodeChangelogKey, encodeChangelogValue } from '../../src/kafka/changelog-codec.ts';
import { ChangelogFormatError } from '../../src/kafka/errors.ts';
import { keyGroupOf, keyGroupOfBytes, keyBytes } from '../../src/kafka/key-groups.ts';
import { hashKey } from '../../src/kafka/key-groups.ts';
import { Partitioners } from 'kafkajs';

/** Values as they live in state: JSON plus what JSON loses. */
const stateValue = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.bigInt(),
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.date(),
    fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('node'), { maxKeys: 4, noNullPrototype: true }),
    fc.array(fc.tuple(tie('leaf'), tie('node')), { maxLength: 3 }).map((e) => new Map(e)),
    fc.array(tie('leaf'), { maxLength: 3 }).map((e) => new Set(e)),
  ),
})).node;

test('portable encoding round-trips every kind of state value (property)', () => {
  fc.assert(
    fc.property(stateValue, (v) => {
      assert.deepStrictEqual(decodePortable(encodePortable(v)), v);
    }),
    { numRuns: 500 },
  );
});

test('portable encoding keeps what JSON loses: -0, NaN, Infinity, bigint, undefined, Date, Map, Set', () => {
  const v = { z: -0, n: Number.NaN, i: -Infinity, b: 12345678901234567890n, u: undefined, d: new Date(86_400_000), m: new Map([[1, 'a']]), s: new Set(['x']) };
  const back = decodePortable(encodePortable(v)) as typeof v;
  assert.ok(Object.is(back.z, -0));
  assert.ok(Number.isNaN(back.n));
  assert.deepStrictEqual(back, v);
  assert.deepEqual(Object.keys(back), Object.keys(v), 'values keep their property order');
});

test('canonical encoding: equal keys give equal bytes whatever their property order', () => {
  assert.ok(encodePortable({ a: 1, b: [{ y: 2, x: 1 }] }, true).equals(encodePortable({ b: [{ x: 1, y: 2 }], a: 1 }, true)));
  assert.ok(!encodePortable({ a: 1, b: 2 }).equals(encodePortable({ b: 2, a: 1 })), 'values keep order');
  assert.ok(!encodePortable('5', true).equals(encodePortable(5, true)), "'5' and 5 are different keys");
});

test('a __proto__ property is decoded as data, not as a prototype', () => {
  const v = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
  const back = decodePortable(encodePortable(v)) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
  assert.deepEqual(Object.keys(back), ['__proto__', 'a']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('functions and symbols in state are a typed error naming where they are', () => {
  assert.throws(() => encodePortable({ a: [1, { f: () => 1 }] }), (e: unknown) => e instanceof ChangelogFormatError && /\$\.a\[1\]\.f.*function/.test(e.message));
  assert.throws(() => encodePortable(Symbol('s')), ChangelogFormatError);
  assert.throws(() => encodePortable(new Float32Array(2)), ChangelogFormatError);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => encodePortable(cyclic), (e: unknown) => e instanceof ChangelogFormatError && /cycle/.test(e.message));
});

test('changelog records round-trip: state, key, namespace, value, TTL; tombstones for deletes', () => {
  const change = { state: 'count', key: 'user-1', namespace: { start: 0, end: 10_000 }, value: 42, ttlTimestamp: 1_700_000_000_123 };
  const k = encodeChangelogKey(change.state, change.key, change.namespace);
  const v = encodeChangelogValue(change)!;
  assert.deepStrictEqual(decodeChangelogRecord(k, v), change);
  const del = { state: 'count', key: 'user-1', namespace: null, value: undefined };
  assert.equal(encodeChangelogValue(del), undefined, 'a delete is a tombstone');
  assert.deepStrictEqual(decodeChangelogRecord(encodeChangelogKey('count', 'user-1', null), null), del);
  // Same (state, key, namespace) → same record key, so compaction keeps only the latest.
  assert.ok(encodeChangelogKey('s', { b: 1, a: 2 }, [1, 2]).equals(encodeChangelogKey('s', { a: 2, b: 1 }, [1, 2])));
  assert.ok(!encodeChangelogKey('s', 'k', null).equals(encodeChangelogKey('t', 'k', null)));
});

test('an object key comes back with the property order it was written with', () => {
  const key = { user: 'u1', region: 'eu' };
  const back = decodeChangelogRecord(encodeChangelogKey('s', key, null), encodeChangelogValue({ state: 's', key, namespace: null, value: 1 })!);
  assert.deepEqual(Object.keys(back.key as object), ['user', 'region']);
  const plain = encodeChangelogValue({ state: 's', key: ['a', 1], namespace: null, value: 1 })!;
  assert.equal(plain[1], 0, 'no copy of the key when its order is already canonical');
});

test('corrupt or truncated changelog bytes only ever raise ChangelogFormatError (fuzz)', () => {
  const k = encodeChangelogKey('state', { a: [1, 'x'] }, { start: 1, end: 2 });
  const v = encodeChangelogValue({ state: 'state', key: { a: [1, 'x'] }, namespace: null, value: { m: new Map([[1, [2, 3]]]), s: 'text' }, ttlTimestamp: 5 })!;
  fc.assert(
    fc.property(fc.nat(k.length - 1), fc.nat(v.length - 1), fc.integer({ min: 0, max: 255 }), fc.boolean(), (ki, vi, byte, truncate) => {
      const kk = Buffer.from(k);
      const vv = Buffer.from(v);
      if (truncate) {
        try {
          decodeChangelogRecord(kk.subarray(0, ki), vv.subarray(0, vi));
        } catch (e) {
          assert.ok(e instanceof ChangelogFormatError, String(e));
        }
        return;
      }
      kk[ki] = byte;
      vv[vi] = byte;
      try {
        decodeChangelogRecord(kk, vv);
      } catch (e) {
        assert.ok(e instanceof ChangelogFormatError, String(e));
      }
    }),
    { numRuns: 3000 },
  );
  assert.throws(() => decodeChangelogRecord(Buffer.from([2, 0, 0, 1]), null), (e: unknown) => e instanceof ChangelogFormatError && /newer Sluice|Upgrade/.test(e.message));
});

test('key group = Kafka default partitioner over the key partitioner bytes, for any key', () => {
  const partitioner = Partitioners.DefaultPartitioner();
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.integer(), fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 })), fc.integer({ min: 1, max: 4096 }), (key, maxP) => {
      const g = keyGroupOf(key, maxP);
      assert.equal(g, keyGroupOfBytes(keyBytes(key), maxP));
      assert.equal(g, (hashKey(key) & 0x7fffffff) % maxP, 'the engine hashes the same key bytes');
      const kafka = partitioner({ topic: 't', partitionMetadata: Array.from({ length: maxP }, (_, i) => ({ partitionId: i, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] })), message: { key: Buffer.from(keyBytes(key)), value: null } });
      assert.equal(g, kafka, 'a Java/kafkajs producer picks the same partition for this record key');
    }),
    { numRuns: 400 },
  );
});
