import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { subtaskForKey } from 'sluice';
import { murmur2, murmur2Ascii } from '../../src/util/murmur2.ts';
import { hashKey } from '../../src/kafka/key-groups.ts';

const enc = new TextEncoder();

test("murmur2 matches Kafka's test vectors", () => {
  // From Kafka's UtilsTest.testMurmur2.
  const vectors: Array<[string, number]> = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [s, h] of vectors) {
    assert.equal(murmur2(enc.encode(s)), h, s);
    assert.equal(murmur2Ascii(s), h, s);
  }
});

test('ASCII fast path equals hashing the UTF-8 bytes; non-ASCII keys hash their UTF-8 bytes', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary-ascii', maxLength: 40 }), (s) => murmur2Ascii(s) === murmur2(enc.encode(s))));
  assert.equal(hashKey('héllo'), murmur2(enc.encode('héllo')));
});

test('subtaskForKey: key group by Kafka\'s default partitioner, then its owner; stable, in range, spread', () => {
  // 'abc' is in key group toPositive(murmur2) % 128 = 27, which subtask 27 * 7 / 128 = 1 of 7 owns.
  assert.equal((479470107 & 0x7fffffff) % 128, 27);
  assert.equal(subtaskForKey('abc', 7), 1);
  assert.equal(subtaskForKey(42, 4), subtaskForKey('42', 4), 'numbers hash as their decimal text');
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 4000; i++) counts[subtaskForKey(`user-${i}`, 4)]!++;
  for (const c of counts) assert.ok(c > 800 && c < 1200, `uneven spread ${counts}`);
  assert.equal(subtaskForKey('x', 1), 0);
});
