import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_TABLE, decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../src/protocol/index.ts';
import { sampleStruct } from './sample.ts';

// Every version of every API (which covers the lowest, a middle and the highest): a body with a
// value in every field survives encode → decode, request and response alike.
for (const api of API_TABLE) {
  if (api === undefined) continue;
  describe(`${api.name} (key ${api.apiKey}) v${api.minVersion}-v${api.maxVersion}`, () => {
    for (let v = api.minVersion; v <= api.maxVersion; v++) {
      it(`request v${v} round trips`, () => {
        const body = sampleStruct(api.request.schema.fields, v);
        const frame = encodeRequest(api.apiKey, v, 42 + v, 'sluice-test', body);
        assert.equal(frame.readInt32BE(0), frame.length - 4);
        const decoded = decodeRequest(frame.subarray(4));
        assert.deepEqual(decoded.header, {
          apiKey: api.apiKey,
          apiVersion: v,
          correlationId: 42 + v,
          clientId: 'sluice-test',
          headerSize: decoded.header.headerSize,
        });
        assert.deepEqual(decoded.body, body);
      });
      it(`response v${v} round trips`, () => {
        const body = sampleStruct(api.response.schema.fields, v);
        const chunks = encodeResponse(api.apiKey, v, 7, body);
        const frame = Buffer.concat(chunks);
        assert.equal(frame.readInt32BE(0), frame.length - 4);
        const decoded = decodeResponse(api.apiKey, v, frame.subarray(4));
        assert.equal(decoded.correlationId, 7);
        assert.deepEqual(decoded.body, body);
      });
    }
  });
}
