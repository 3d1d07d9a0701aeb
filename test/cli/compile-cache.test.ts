import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { CLI } from './run-cli.ts';

// `sluice` turns on Node's compile cache, so that each start (and each worker thread of
// `--workers N`) does not parse, compile and type-strip again what an earlier start already did.

/** The compile cache directory that `sluice --version` ran with ('' when it was off). */
function cacheDirOf(env: Record<string, string>): string {
  const probe = 'data:text/javascript,import m from "node:module";process.on("exit",()=>process.stderr.write("cache-dir:"+(m.getCompileCacheDir()??"")+"\\n"))';
  const base: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete base.NODE_TEST_CONTEXT;
  delete base.NODE_COMPILE_CACHE;
  if (env.NODE_DISABLE_COMPILE_CACHE === undefined) delete base.NODE_DISABLE_COMPILE_CACHE;
  const r = spawnSync(process.execPath, ['--import', probe, CLI, '--version'], { encoding: 'utf8', env: base });
  assert.equal(r.status, 0, r.stderr);
  const m = /^cache-dir:(.*)$/m.exec(r.stderr);
  assert.ok(m, r.stderr);
  return m[1]!;
}

test('sluice runs with the compile cache on', () => {
  assert.notEqual(cacheDirOf({}), '');
});

test('NODE_DISABLE_COMPILE_CACHE=1 turns it off', () => {
  assert.equal(cacheDirOf({ NODE_DISABLE_COMPILE_CACHE: '1' }), '');
});
