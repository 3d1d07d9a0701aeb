// The member assignment of `sluice groups describe`, decoded by Sluice's own code: checked against
// another implementation of Kafka's ConsumerProtocolAssignment (@platformatic/kafka's encoder) and
// hand-built bytes for the cases an encoder would not produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeConsumerProtocolAssignment } from '@platformatic/kafka';
import { decodeConsumerAssignment } from '../../../src/cli/wire/consumer-assignment.ts';

const assigned = [
  { topic: 'orders', partitions: [0, 1, 2] },
  { topic: 'payments', partitions: [5] },
];

test('decodes what another client encodes, versions 0 to 3, with and without user data', () => {
  for (const version of [0, 1, 2, 3]) {
    for (const userData of [null, Buffer.from('sticky')]) {
      const bytes = encodeConsumerProtocolAssignment({ version, assignedPartitions: assigned, userData });
      assert.deepEqual(decodeConsumerAssignment(bytes), assigned, `v${version} ${userData ? 'with' : 'without'} user data`);
    }
  }
  assert.deepEqual(decodeConsumerAssignment(encodeConsumerProtocolAssignment({ version: 1, assignedPartitions: [] })), []);
});

/** Version, then the v0 layout: [topic, [partition]], user data (int32 length, -1 for null). */
function handBuilt(version: number, topic: string, partitions: number[], tail = Buffer.alloc(0)): Buffer {
  const name = Buffer.from(topic);
  const b = Buffer.alloc(2 + 4 + 2 + name.length + 4 + 4 * partitions.length + 4);
  let pos = b.writeInt16BE(version, 0);
  pos = b.writeInt32BE(1, pos);
  pos = b.writeInt16BE(name.length, pos);
  pos += name.copy(b, pos);
  pos = b.writeInt32BE(partitions.length, pos);
  for (const p of partitions) pos = b.writeInt32BE(p, pos);
  b.writeInt32BE(-1, pos);
  return Buffer.concat([b, tail]);
}

test('a version newer than 3 decodes with the layout it extends (fields appended after are ignored)', () => {
  assert.deepEqual(decodeConsumerAssignment(handBuilt(7, 'clicks', [3, 4], Buffer.from([0, 0, 0, 9]))), [{ topic: 'clicks', partitions: [3, 4] }]);
});

test('empty, truncated, negative-version or oversized-count bytes are "no assignment", never a throw', () => {
  const good = handBuilt(1, 'clicks', [3, 4]);
  assert.equal(decodeConsumerAssignment(Buffer.alloc(0)), undefined, 'a member between JoinGroup and SyncGroup has no assignment yet');
  for (let cut = 1; cut < good.length - 4; cut++) assert.equal(decodeConsumerAssignment(good.subarray(0, cut)), undefined, `cut at ${cut}`);
  const negative = Buffer.from(good);
  negative.writeInt16BE(-1, 0);
  assert.equal(decodeConsumerAssignment(negative), undefined);
  const huge = Buffer.from(good);
  huge.writeInt32BE(0x7fffffff, 2);
  assert.equal(decodeConsumerAssignment(huge), undefined);
  assert.equal(decodeConsumerAssignment(Buffer.from('{"connect":"config"}')), undefined);
});
