import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startTestBroker } from '../../helpers/broker.ts';
import { ApiKey, decodeResponse, encodeRequest, supportedApiVersions, type ApiVersionsResponse } from '../../../src/protocol/index.ts';
import { HANDLERS } from '../../../src/broker/handlers/index.ts';

/** One ApiVersions v3 exchange over a raw socket. */
async function apiVersions(port: number): Promise<ApiVersionsResponse> {
  const socket = connect(port, '127.0.0.1');
  try {
    await new Promise<void>((r) => socket.once('connect', r));
    socket.write(encodeRequest(ApiKey.ApiVersions, 3, 9, 'probe', { clientSoftwareName: 'probe', clientSoftwareVersion: '1' }));
    let buf = Buffer.alloc(0);
    while (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) {
      buf = Buffer.concat([buf, await new Promise<Buffer>((r) => socket.once('data', r))]);
    }
    return decodeResponse(ApiKey.ApiVersions, 3, buf.subarray(4, 4 + buf.readInt32BE(0))).body as ApiVersionsResponse;
  } finally {
    socket.destroy();
  }
}

test('ApiVersions advertises exactly the APIs that have a handler, at the codec ranges', async () => {
  const broker = await startTestBroker();
  try {
    const body = await apiVersions(broker.port);
    const advertised = body.apiKeys.map((k) => k.apiKey);
    assert.deepEqual(advertised, [...HANDLERS.keys()].sort((a, b) => a - b));
    const codec = new Map(supportedApiVersions().map((a) => [a.apiKey, a]));
    for (const k of body.apiKeys) assert.deepEqual(k, codec.get(k.apiKey), `api ${k.apiKey}`);
    // The codec knows the security APIs; none is advertised before its handler exists.
    for (const key of [ApiKey.SaslHandshake, ApiKey.SaslAuthenticate, ApiKey.CreateAcls, ApiKey.DescribeUserScramCredentials]) {
      assert.ok(codec.has(key), `codec implements ${key}`);
      assert.equal(advertised.includes(key), HANDLERS.has(key), `api ${key} advertised iff handled`);
    }
  } finally {
    await broker.stop();
  }
});
