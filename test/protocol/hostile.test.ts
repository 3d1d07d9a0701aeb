import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_TABLE, decodeRequest, decodeRequestHeader, encodeRequest, ProtocolError } from '../../src/protocol/index.ts';
import { sampleStruct } from './sample.ts';

// Hostile or broken input must only ever produce a ProtocolError: no RangeError, no hang, no
// allocation sized by a length field.

function expectProtocolErrorOrBody(frame: Buffer): void {
  try {
    decodeRequest(frame);
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw new Error(`non-ProtocolError for ${frame.toString('hex')}`, { cause: e });
  }
}

let seed = 12345;
function rand(n: number): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
}

const validFrames: Buffer[] = [];
for (const api of API_TABLE) {
  if (api === undefined) continue;
  for (let v = api.minVersion; v <= api.maxVersion; v++) {
    validFrames.push(encodeRequest(api.apiKey, v, 1, 'c', sampleStruct(api.request.schema.fields, v)).subarray(4));
  }
}

describe('hostile input', () => {
  it('every truncation of every valid request is a MALFORMED ProtocolError', () => {
    for (const frame of validFrames) {
      for (let len = 0; len < frame.length; len++) {
        assert.throws(
          () => decodeRequest(frame.subarray(0, len)),
          (e: unknown) => e instanceof ProtocolError && e.code === 'SLUICE_PROTOCOL_MALFORMED',
          `${frame.subarray(0, 4).toString('hex')} truncated to ${len}`,
        );
      }
    }
  });

  it('random byte flips never escape as anything but ProtocolError', () => {
    for (let round = 0; round < 20; round++) {
      for (const valid of validFrames) {
        const frame = Buffer.from(valid);
        for (let k = 0; k < 3; k++) frame[4 + rand(frame.length - 4)] = rand(256); // keep key/version
        expectProtocolErrorOrBody(frame);
      }
    }
  });

  it('random bodies behind a valid header', () => {
    for (let i = 0; i < 20000; i++) {
      const api = validFrames[rand(validFrames.length)]!;
      const len = rand(64);
      const frame = Buffer.alloc(len + 12);
      api.copy(frame, 0, 0, 4);
      frame.writeInt32BE(i, 4);
      frame.writeInt16BE(-1, 8); // null client id
      for (let j = 0; j < len; j++) frame[12 + j] = rand(4) === 0 ? 0xff : rand(256);
      expectProtocolErrorOrBody(frame);
    }
  });

  it('absurd lengths fail fast without allocating', () => {
    const before = process.memoryUsage().arrayBuffers;
    const cases = [
      '0000 0000 00000001 ffff 7fffffff', // Produce v0: acks, timeout... truncated
      '0003 0000 00000001 ffff 7fffffff', // Metadata v0: 2^31-1 topics in 0 bytes
      '0003 0001 00000001 ffff fffffffe', // negative array length
      '0003 000c 00000001 ffff 00 ffffffff0f', // compact array of 2^32-2 elements
      '0003 000c 00000001 ffff 00 ffffffffff7f', // varint longer than 5 bytes
      '0003 0000 00000001 ffff 00000001 7fff 61', // string of 32767 bytes, 1 present
      '0003 0000 00000001 ffff 00000001 8000', // negative string length
      '0000 0003 00000001 ffff ffff 0001 00000001 00000001 0001 74 00000001 00000000 7fffffff 00', // records of 2^31-1 bytes
      '0003 000c 00000001 ffff ff ffffffff0f', // header tag count 2^32-1
      '0012 0003 00000001 ffff 01 00 ffffffff0f', // header tag of 4 GiB
      '0001 000c 00000001 ffff 00 ffffffff 00000000 00000000 00000000 00 00000000 00000000 01 01 01 01 00 ff', // tag overrun
      '0001 000c 00000001 ffff 00 ffffffff 00000000 00000000 00000000 00 00000000 00000000 01 01 01 02 01 00 00 00', // tags out of order
      '', '00', '0000 00', '0000 0000 0000',
    ];
    for (const c of cases) {
      const frame = Buffer.from(c.replace(/\s/g, ''), 'hex');
      assert.throws(() => decodeRequest(frame), ProtocolError, c);
    }
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024);
  });

  it('unsupported key or version is UNSUPPORTED_VERSION with the header attached', () => {
    for (const hex of ['0000 000c 0000002a ffff', '7fff 0000 0000002a ffff', '0012 0063 0000002a ffff 00']) {
      const frame = Buffer.from(hex.replace(/\s/g, ''), 'hex');
      assert.throws(
        () => decodeRequest(frame),
        (e: unknown) =>
          e instanceof ProtocolError && e.code === 'SLUICE_PROTOCOL_UNSUPPORTED_VERSION' && e.correlationId === 42,
      );
    }
    assert.equal(decodeRequestHeader(Buffer.from('0000000c0000002affff00', 'hex')).correlationId, 42);
  });
});
