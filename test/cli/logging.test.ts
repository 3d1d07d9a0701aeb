import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempDir } from '../helpers/tmp-dir.ts';
import { collect, runCli, spawnCli, waitForOutput } from './run-cli.ts';

// Logs go to stderr (stdout belongs to the program), readable or JSON, at the level asked for.

/** Starts `sluice [flags] broker`, waits until it listens, stops it; returns its output. */
async function brokerOutput(flags: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const { dir, cleanup } = tempDir('sluice-log-');
  try {
    const child = spawnCli([...flags, 'broker', '--port', '0', '--data-dir', dir], { env: { SLUICE_LOG_LEVEL: '', SLUICE_LOG_FORMAT: '', ...env } });
    const done = collect(child, Date.now(), { timeoutMs: 60_000 });
    await waitForOutput(child, 'listening on', 60_000);
    child.kill('SIGTERM');
    return await done;
  } finally {
    cleanup();
  }
}

test('sluice broker: logs on stderr, JSON when not on a terminal, pretty or JSON on request, at the level asked for', { timeout: 240_000 }, async () => {
  const json = await brokerOutput([]);
  assert.equal(json.code, 0, json.stderr);
  assert.match(json.stdout, /^Sluice broker listening on 127\.0\.0\.1:\d+ \(data in .*\)\nSIGTERM: stopping broker\n$/);
  const entry = JSON.parse(json.stderr.split('\n').find((l) => l.includes('"broker listening"'))!) as Record<string, unknown>;
  assert.equal(entry.level, 30);
  assert.equal(entry.component, 'broker');

  const pretty = await brokerOutput(['--log-format', 'pretty']);
  assert.match(pretty.stderr, /^\d\d:\d\d:\d\d\.\d{3} INFO  broker: broker listening host=127\.0\.0\.1 port=\d+/m);
  assert.doesNotMatch(pretty.stderr, /"level"/);

  const quiet = await brokerOutput(['--log-level', 'warn']);
  assert.doesNotMatch(quiet.stderr, /broker listening/);
  const byEnv = await brokerOutput([], { SLUICE_LOG_LEVEL: 'warn', SLUICE_LOG_FORMAT: 'pretty' });
  assert.doesNotMatch(byEnv.stderr, /broker listening/);
});

test('startBroker() inside a job file logs to stderr; stdout holds what the program printed', { timeout: 120_000 }, async () => {
  const r = await runCli(['--log-format', 'json', 'run', 'test/cli/fixtures/start-broker.ts'], { env: { SLUICE_LOG_LEVEL: '' }, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'the program printed this\n');
  assert.match(r.stderr, /"msg":"broker listening"/);
});

test('bad --log-level and --log-format values are usage errors', async () => {
  const level = await runCli(['--log-level', 'loud', 'topics', 'list']);
  assert.equal(level.code, 1);
  assert.match(level.stderr, /^sluice: option '--log-level <level>' argument 'loud' is invalid\. Allowed choices are fatal, error, warn, info, debug, trace, silent\. \(see --help\)\n$/);
  const format = await runCli(['--log-format', 'xml', 'topics', 'list']);
  assert.match(format.stderr, /Allowed choices are pretty, json/);
});
