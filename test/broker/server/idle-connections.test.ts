import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startTestBroker } from '../../helpers/broker.ts';
import { encodeRequest } from '../../../src/protocol/codec.ts';

test('a client that sends half a frame and goes quiet is disconnected after the idle timeout', async () => {
  const broker = await startTestBroker({ connectionsMaxIdleMs: 300 });
  try {
    const socket = connect(broker.port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', r));
    const started = Date.now();
    socket.write(Buffer.from([0, 0, 0, 50, 0, 18])); // announces 50 bytes, sends 2
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('still connected after 5 s')), 5000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    assert.ok(Date.now() - started >= 250, 'not closed before the idle timeout');
    // The broker still serves others.
    const ok = connect(broker.port, '127.0.0.1');
    await new Promise<void>((r) => ok.once('connect', r));
    ok.write(encodeRequest(18, 0, 1, 'probe', {}));
    const reply = await new Promise<Buffer>((r) => ok.once('data', r));
    assert.equal(reply.readInt32BE(4), 1, 'correlation id echoed');
    ok.destroy();
  } finally {
    await broker.stop();
  }
});
