import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/tmp-dir.ts';
import { spawnSluice } from './kafka-helpers.ts';

async function run(args: string[]): Promise<{ code: number | string; out: string; err: string }> {
  const child = spawnSluice(args);
  const code = await child.exited;
  return { code, out: child.stdout(), err: child.stderr() };
}

test('sluice run passes --parallelism, --bootstrap and the job arguments to the job file', async () => {
  const { code, out, err } = await run(['--bootstrap', 'kafka.example:9093', 'run', '--parallelism', '3', 'test/connectors/fixtures/print-settings.ts', 'one', 'two']);
  assert.equal(code, 0, err);
  assert.deepEqual(JSON.parse(out), { parallelism: 3, bootstrap: 'kafka.example:9093', args: ['one', 'two'], result: [2, 4, 6] });
});

test("sluice run: a job file anywhere imports 'sluice' (resolved to this package)", async () => {
  const { dir, cleanup } = tempDir('sluice-run-');
  try {
    const file = join(dir, 'job.ts');
    copyFileSync('test/connectors/fixtures/print-settings.ts', file);
    const { code, out, err } = await run(['run', file]);
    assert.equal(code, 0, err);
    assert.equal(JSON.parse(out).parallelism, 1);
  } finally {
    cleanup();
  }
});

test('sluice run: bad usage and failing jobs are one line and a non-zero status', async () => {
  const missing = await run(['run', 'no/such/job.ts']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^sluice: no job file at .*no\/such\/job\.ts \(see --help\)\n$/);
  const bad = await run(['run', '--parallelism', 'many', 'test/connectors/fixtures/print-settings.ts']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--parallelism must be an integer/);
  for (const n of ['-1', 'two', '17', '']) {
    const standbys = await run(['run', '--standby-replicas', n, 'test/connectors/fixtures/print-settings.ts']);
    assert.equal(standbys.code, 1, standbys.err);
    assert.match(standbys.err, /--standby-replicas must be an integer from 0 to 16/);
  }
  const unreachable = await run(['--bootstrap', '127.0.0.1:1', 'run', 'examples/read-to-end/job.ts']);
  assert.equal(unreachable.code, 1);
  assert.equal(unreachable.err.trim().split('\n').length, 1, unreachable.err);
  assert.match(unreachable.err, /^sluice: .*127\.0\.0\.1:1/);
});
