import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CLI } from './run-cli.ts';

// One minimum Node version everywhere: package.json engines, the `sluice` command's own check,
// README and docs.

const engines = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node;
const minimum = /^>=(\d+\.\d+)\.0$/.exec(engines)?.[1];

/** `sluice --version` on a Node that says it is `version`. */
function sluiceOn(version: string): { status: number | null; stdout: string; stderr: string } {
  const pretend = `data:text/javascript,Object.defineProperty(process.versions,"node",{value:"${version}"})`;
  const r = spawnSync(process.execPath, ['--import', pretend, CLI, '--version'], { encoding: 'utf8', env: { ...process.env, NODE_TEST_CONTEXT: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('package.json engines names the minimum Node as >=MAJOR.MINOR.0', () => {
  assert.equal(minimum, '22.22');
});

test('sluice on an older Node says which Node it needs, in one line, instead of failing on syntax', () => {
  const old = sluiceOn('22.21.9');
  assert.equal(old.status, 1);
  assert.match(old.stderr, new RegExp(`^sluice: Node 22\\.21\\.9 is too old; Sluice needs Node ${minimum!.replace('.', '\\.')} or newer\\. .*\\(npx sluice \\.\\.\\.\\)\\.\\n$`));
  const enough = sluiceOn(`${minimum}.0`);
  assert.equal(enough.status, 0, enough.stderr);
});

test('README and the user docs name the same minimum wherever they name one', () => {
  for (const file of ['README.md', 'docs/quickstart.md', 'docs/cli.md', 'docs/kafka-connectors.md', 'examples/README.md']) {
    const named = [...readFileSync(file, 'utf8').matchAll(/Node (\d+\.\d+)\+? or newer|Node (\d+\.\d+)\+/g)].map((m) => m[1] ?? m[2]);
    for (const v of named) assert.equal(v, minimum, `${file} names Node ${v}`);
  }
  assert.match(readFileSync('README.md', 'utf8'), new RegExp(`Node ${minimum!.replace('.', '\\.')} or newer`));
});
