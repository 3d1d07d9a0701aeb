import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { runCli } from './run-cli.ts';

/** A loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// Independent child processes: run the cases side by side.
describe('sluice errors', { concurrency: true }, () => {
  test('an unreachable bootstrap fails quickly with one line naming the address', async () => {
    const port = await closedPort();
    const address = `127.0.0.1:${port}`;
    const [viaFlag, viaEnv, consume, verbose] = await Promise.all([
      runCli(['--bootstrap', address, 'topics', 'list']),
      runCli(['groups', 'list'], { bootstrap: address }),
      runCli(['consume', 'anything', '--max-messages', '1'], { bootstrap: address }),
      runCli(['topics', 'describe', 'x', '--verbose'], { bootstrap: address }),
    ]);
    for (const r of [viaFlag, viaEnv, consume]) {
      assert.equal(r.code, 1, r.stderr);
      // Refused at once: the reason is the refusal itself, not a timeout after retries.
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.split('\n').length, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`^sluice: cannot connect to Kafka at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
    }
    // --verbose (after the subcommand too) adds the details.
    assert.equal(verbose.code, 1);
    assert.match(verbose.stderr, /^sluice: cannot connect to Kafka at /);
    assert.ok(verbose.stderr.split('\n').length > 3, verbose.stderr);
    assert.match(verbose.stderr, /ECONNREFUSED/);
  });

  test('a server that never answers fails after a bounded wait', async () => {
    // Accepts connections and reads requests, never replies (a wrong port, a stuck proxy).
    const silent = createServer((socket) => socket.on('data', () => {}));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const r = await runCli(['topics', 'list'], { bootstrap: `127.0.0.1:${port}`, env: { SLUICE_CONNECT_TIMEOUT_MS: '1500' } });
      assert.equal(r.code, 1, r.stderr);
      // The bound the command applied (SLUICE_CONNECT_TIMEOUT_MS), not a stopwatch: a loaded
      // machine may take long to start a process.
      assert.equal(r.stderr, `sluice: cannot connect to Kafka at 127.0.0.1:${port}: no answer within 1.5 s (is a Kafka broker listening there?)\n`);
    } finally {
      silent.close();
    }
  });

  test('bad global and command options are one-line usage errors', async () => {
    const [badBootstrap, badIsolation, badMax, badAcks, unknownCommand] = await Promise.all([
      runCli(['--bootstrap', 'no-port', 'topics', 'list']),
      runCli(['consume', 't', '--isolation', 'serializable'], { bootstrap: '127.0.0.1:1' }),
      runCli(['consume', 't', '--max-messages', '-3'], { bootstrap: '127.0.0.1:1' }),
      runCli(['produce', 't', '--acks', 'some'], { bootstrap: '127.0.0.1:1' }),
      runCli(['frobnicate']),
    ]);
    assert.match(badBootstrap.stderr, /^sluice: --bootstrap must be host:port .*"no-port"/);
    assert.match(badIsolation.stderr, /^sluice: .*--isolation must be one of read_uncommitted, read_committed/);
    assert.match(badMax.stderr, /^sluice: .*--max-messages must be an integer >= 1/);
    assert.match(badAcks.stderr, /^sluice: .*--acks must be one of all, -1, 1, 0/);
    assert.match(unknownCommand.stderr, /^sluice: unknown command 'frobnicate'/);
    for (const r of [badBootstrap, badIsolation, badMax, badAcks, unknownCommand]) {
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});
