import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError, Reader, uuidFromHex, uuidToHex, Writer, ZERO_COPY_THRESHOLD, ZERO_UUID, isUuid } from '../../src/protocol/index.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');

function written(fn: (w: Writer) => void): Buffer {
  const w = new Writer(8);
  fn(w);
  return w.toBuffer();
}

describe('Writer / Reader', () => {
  it('fixed-size integers and floats', () => {
    const b = written((w) => {
      w.writeInt8(-2);
      w.writeInt16(-3);
      w.writeUInt16(65535);
      w.writeInt32(-4);
      w.writeUInt32(4294967295);
      w.writeInt64(-5n);
      w.writeInt64(2 ** 40);
      w.writeFloat64(1.5);
      w.writeBool(true);
    });
    assert.deepEqual(b, hex('fe fffd ffff fffffffc ffffffff fffffffffffffffb 0000010000000000 3ff8000000000000 01'));
    const r = new Reader(b);
    assert.equal(r.readInt8(), -2);
    assert.equal(r.readInt16(), -3);
    assert.equal(r.readUInt16(), 65535);
    assert.equal(r.readInt32(), -4);
    assert.equal(r.readUInt32(), 4294967295);
    assert.equal(r.readInt64(), -5n);
    assert.equal(r.readInt64Number(), 2 ** 40);
    assert.equal(r.readFloat64(), 1.5);
    assert.equal(r.readBool(), true);
    assert.equal(r.remaining, 0);
  });

  it('int64 at the edges of the safe-integer fast paths', () => {
    const edges = [0n, -1n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n), -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n), 4294967295n, -4294967296n, -4294967297n];
    for (const v of edges) {
      const b = written((w) => w.writeInt64(v));
      assert.equal(b.readBigInt64BE(0), v);
      assert.equal(new Reader(b).readInt64(), v);
    }
    assert.throws(() => new Reader(written((w) => w.writeInt64(2n ** 60n))).readInt64Number(), ProtocolError);
  });

  it('unsigned varints, zigzag varints and varlongs', () => {
    const cases: [number, string][] = [[0, '00'], [1, '01'], [127, '7f'], [128, '8001'], [300, 'ac02'], [4294967295, 'ffffffff0f']];
    for (const [v, h] of cases) {
      assert.deepEqual(written((w) => w.writeUVarint(v)), hex(h));
      assert.equal(new Reader(hex(h)).readUVarint(), v);
    }
    const zig: [number, string][] = [[0, '00'], [-1, '01'], [1, '02'], [-64, '7f'], [64, '8001'], [2147483647, 'feffffff0f'], [-2147483648, 'ffffffff0f']];
    for (const [v, h] of zig) {
      assert.deepEqual(written((w) => w.writeVarint(v)), hex(h));
      assert.equal(new Reader(hex(h)).readVarint(), v);
    }
    for (const v of [0n, -1n, 1n, 9223372036854775807n, -9223372036854775808n, 1234567890123n]) {
      assert.equal(new Reader(written((w) => w.writeVarlong(v))).readVarlong(), v);
    }
    assert.deepEqual(written((w) => w.writeVarlong(-1n)), hex('01'));
    assert.throws(() => new Reader(hex('ffffffff1f')).readUVarint(), ProtocolError);
    assert.throws(() => new Reader(hex('ffff')).readUVarint(), ProtocolError);
  });

  it('strings: classic, nullable, compact', () => {
    const b = written((w) => {
      w.writeString('hé');
      w.writeNullableString(null);
      w.writeCompactString('ab');
      w.writeCompactNullableString(null);
      w.writeCompactNullableString('');
    });
    assert.deepEqual(b, hex('0003 68c3a9 ffff 03 6162 00 01'));
    const r = new Reader(b);
    assert.equal(r.readString(), 'hé');
    assert.equal(r.readNullableString(), null);
    assert.equal(r.readCompactString(), 'ab');
    assert.equal(r.readCompactNullableString(), null);
    assert.equal(r.readCompactNullableString(), '');
  });

  it('bytes are slices of the input, not copies', () => {
    const b = written((w) => {
      w.writeBytes(Buffer.from('xyz'));
      w.writeCompactNullableBytes(null);
      w.writeCompactBytes(Buffer.from('q'));
    });
    assert.deepEqual(b, hex('00000003 78797a 00 02 71'));
    const r = new Reader(b);
    const s = r.readBytes();
    assert.equal(s.buffer, b.buffer);
    assert.equal(s.toString(), 'xyz');
    assert.equal(r.readCompactNullableBytes(), null);
    assert.equal(r.readCompactBytes().toString(), 'q');
  });

  it('array lengths and tagged-field sections', () => {
    const b = written((w) => {
      w.writeArrayLength(2);
      w.writeArrayLength(null);
      w.writeCompactArrayLength(2);
      w.writeCompactArrayLength(null);
      w.writeEmptyTaggedFields();
    });
    assert.deepEqual(b, hex('00000002 ffffffff 03 00 00'));
    const r = new Reader(Buffer.concat([b, hex('02 01 01 aa 05 00')]));
    assert.equal(r.readArrayLength(0), 2);
    assert.equal(r.readArrayLength(1), -1);
    assert.equal(r.readCompactArrayLength(1), 2);
    assert.equal(r.readCompactArrayLength(1), -1);
    r.skipTaggedFields();
    r.skipTaggedFields(); // two unknown tags: 1 (1 byte), 5 (empty)
    assert.equal(r.remaining, 0);
  });

  it('uuids are 22-char base64url strings; all zeros is ZERO_UUID', () => {
    const h = '0102030405060708090a0b0c0d0e0f10';
    const id = uuidFromHex(h);
    assert.equal(id.length, 22);
    assert.ok(isUuid(id) && isUuid(ZERO_UUID));
    assert.equal(uuidToHex(id), '01020304-0506-0708-090a-0b0c0d0e0f10');
    assert.deepEqual(written((w) => w.writeUuid(id)), hex(h));
    assert.equal(new Reader(hex(h)).readUuid(), id);
    assert.equal(new Reader(Buffer.alloc(16)).readUuid(), ZERO_UUID);
    assert.throws(() => written((w) => w.writeUuid('nope')), ProtocolError);
  });

  it('grows without copying written data and emits large buffers as their own chunks', () => {
    const big = Buffer.alloc(ZERO_COPY_THRESHOLD, 7);
    const w = new Writer(4);
    const setSize = w.reserveInt32();
    for (let i = 0; i < 100; i++) w.writeInt32(i);
    w.writeRecords([big, Buffer.from('tail')], false);
    w.writeRecords(null, true);
    const chunks = w.finish();
    setSize(w.length - 4);
    assert.ok(chunks.includes(big));
    const all = Buffer.concat(chunks);
    assert.equal(all.readInt32BE(0), all.length - 4);
    assert.equal(all.readInt32BE(4 + 99 * 4), 99);
    assert.equal(all.readInt32BE(404), ZERO_COPY_THRESHOLD + 4);
    assert.equal(all[all.length - 1], 0);
  });

  it('reads past the end throw ProtocolError, never RangeError', () => {
    const r = new Reader(hex('0001'));
    for (const read of [() => r.readInt32(), () => r.readInt64(), () => r.readUuid(), () => r.readFloat64()]) {
      assert.throws(read, ProtocolError);
    }
    assert.throws(() => new Reader(hex('0005 61')).readString(), ProtocolError);
    assert.throws(() => new Reader(hex('7fffffff')).readArrayLength(1), ProtocolError);
    assert.throws(() => new Reader(hex('00000002 00')).readArrayLength(1), ProtocolError);
    assert.equal(new Reader(hex('ffffffff')).readArrayLength(4), -1);
  });
});
