import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiKey, decodeRequest, decodeResponse, encodeRequest, encodeResponse, ProtocolError, Reader, Writer } from '../../src/protocol/index.ts';
import { compileMessage } from '../../src/protocol/schema/compile.ts';
import { array, field, message, struct, versions } from '../../src/protocol/schema/dsl.ts';

describe('schema DSL', () => {
  it('parses version ranges', () => {
    assert.deepEqual(versions('0+'), { min: 0, max: Infinity });
    assert.deepEqual(versions('3-5'), { min: 3, max: 5 });
    assert.deepEqual(versions('4'), { min: 4, max: 4 });
    assert.equal(versions('none').min > versions('none').max, true);
    assert.throws(() => versions('x'));
  });

  const schema = message('Test', '0-2', '2+', [
    field('a', 'int32', '0+'),
    field('b', 'string', '1+', { nullable: '1+', default: null }),
    field('c', 'int64', '0+', { default: -1n }),
    array('items', '0+', [field('x', 'int16', '0+'), field('y', '[]int32', '1+')]),
    struct('meta', '2+', [field('epoch', 'int32', '2+', { default: -1 })], { tag: 3 }),
    field('flag', 'bool', '2+', { tag: 1 }),
  ]);
  const compiled = compileMessage(schema);

  function roundTrip(v: number, body: object): Record<string, unknown> {
    const w = new Writer();
    compiled.encoder(v)!(w, body);
    const buf = w.toBuffer();
    const r = new Reader(buf);
    const out = compiled.decoder(v)!(r) as Record<string, unknown>;
    assert.equal(r.remaining, 0);
    return out;
  }

  it('absent fields decode to their defaults, with the same keys in every version', () => {
    const v0 = roundTrip(0, { a: 1, b: 'ignored in v0', c: 5n, items: [{ x: 2, y: [9] }] });
    assert.deepEqual(v0, { a: 1, b: null, c: 5n, items: [{ x: 2, y: [] }], meta: { epoch: -1 }, flag: false });
    const v2 = roundTrip(2, { a: 1, b: 'x', c: 5n, items: [{ x: 2, y: [9] }], meta: { epoch: 4 }, flag: true });
    assert.deepEqual(Object.keys(v2), Object.keys(v0));
    assert.deepEqual(v2.meta, { epoch: 4 });
  });

  it('omitted fields encode as defaults; tagged defaults are not written', () => {
    const w = new Writer();
    compiled.encoder(2)!(w, { a: 7 });
    // a, b (compact null), c (-1), items (compact empty), no tags
    assert.deepEqual(w.toBuffer(), Buffer.from('00000007 00 ffffffffffffffff 01 00'.replace(/ /g, ''), 'hex'));
  });

  it('tagged fields are written in tag order', () => {
    const w = new Writer();
    compiled.encoder(2)!(w, { a: 0, meta: { epoch: 1 }, flag: true });
    assert.deepEqual(w.toBuffer().subarray(-11), Buffer.from('02 01 01 01 03 05 00000001 00'.replace(/ /g, ''), 'hex'));
  });

  it('null for a non-nullable field is an INVALID_BODY ProtocolError naming it', () => {
    assert.throws(
      () => encodeResponse(ApiKey.Produce, 9, 1, { responses: [{ name: null, partitionResponses: [] }] }),
      (e: unknown) => e instanceof ProtocolError && e.code === 'SLUICE_PROTOCOL_INVALID_BODY' && e.message.includes('responses[].name'),
    );
  });

  it('wrongly typed values become INVALID_BODY, not TypeError or RangeError', () => {
    for (const body of [{ throttleTimeMs: 2 ** 40 }, { responses: 'nope' }, { responses: [5] }, { nodeEndpoints: [{ nodeId: 1, host: 'h', port: 1, rack: null }], responses: [{ name: 't', partitionResponses: [{ baseOffset: 1.5 }] }] }]) {
      assert.throws(() => encodeResponse(ApiKey.Produce, 11, 1, body), (e: unknown) => e instanceof ProtocolError && e.code === 'SLUICE_PROTOCOL_INVALID_BODY');
    }
    assert.throws(() => encodeRequest(ApiKey.Fetch, 13, 1, null, { topics: [{ topicId: 'not-a-uuid', partitions: [] }] }), ProtocolError);
  });

  it('unsupported versions are rejected by every entry point', () => {
    for (const fn of [
      () => encodeResponse(ApiKey.Produce, 12, 1, {}),
      () => encodeRequest(ApiKey.Produce, 12, 1, null, {}),
      () => decodeResponse(ApiKey.Produce, 12, Buffer.alloc(8)),
      () => encodeResponse(999, 0, 1, {}),
    ]) {
      assert.throws(fn, (e: unknown) => e instanceof ProtocolError && e.code === 'SLUICE_PROTOCOL_UNSUPPORTED_VERSION');
    }
  });

  it('decoded request objects of one version share one shape', () => {
    const frame = (n: number) =>
      encodeRequest(ApiKey.Produce, 9, n, 'c', { acks: 1, timeoutMs: n, topicData: [{ name: 't', partitionData: [{ index: n, records: null }] }] }).subarray(4);
    const a = decodeRequest(frame(1)).body;
    const b = decodeRequest(frame(2)).body;
    assert.deepEqual(Object.keys(a), ['transactionalId', 'acks', 'timeoutMs', 'topicData']);
    assert.deepEqual(Object.keys(a), Object.keys(b));
  });
});
