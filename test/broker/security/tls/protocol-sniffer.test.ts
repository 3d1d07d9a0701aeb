import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createNetServer, connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { sniffProtocol, wrongProtocolMessage, SNIFF_BYTES } from '../../../../src/broker/security/tls/protocol-sniffer.ts';
import { encodeRequest } from '../../../../src/protocol/index.ts';

/** The first bytes a client writes to a plain TCP server. */
async function firstBytes(write: (port: number) => { destroy(): void }): Promise<Buffer> {
  let client: { destroy(): void } | undefined;
  const server = createNetServer();
  try {
    const bytes = new Promise<Buffer>((resolve) => server.on('connection', (s) => s.once('data', (d: Buffer) => { resolve(d); s.destroy(); })));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    client = write((server.address() as { port: number }).port);
    return await bytes;
  } finally {
    client?.destroy();
    server.close();
  }
}

test('a real TLS ClientHello is recognised (the "frame of 369 MB")', { timeout: 20_000 }, async () => {
  const hello = await firstBytes((port) => {
    const c = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    c.on('error', () => {});
    return c;
  });
  assert.equal(sniffProtocol(hello), 'tls');
  assert.ok(hello.readInt32BE(0) > 300_000_000, 'read as a Kafka size it is absurd');
  assert.match(wrongProtocolMessage('plaintext', 'tls')!, /TLS handshake on a plaintext listener/);
});

test('a real Kafka request is recognised, on its first 8 bytes', { timeout: 20_000 }, async () => {
  const request = await firstBytes((port) => {
    const c = netConnect(port, '127.0.0.1', () => c.write(encodeRequest(18, 3, 1, 'kcat', { clientSoftwareName: 'x', clientSoftwareVersion: '1' })));
    return c;
  });
  assert.equal(sniffProtocol(request.subarray(0, SNIFF_BYTES)), 'kafka');
  assert.equal(sniffProtocol(request.subarray(0, 5)), 'unknown', 'too short to tell');
  assert.match(wrongProtocolMessage('tls', 'kafka')!, /plaintext Kafka request to a TLS listener/);
  assert.equal(wrongProtocolMessage('tls', 'tls'), null);
  assert.equal(sniffProtocol(Buffer.from('GET / HTTP/1.1\r\n')), 'unknown');
});
