import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { globSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HOOK_HELPERS, needsOwnProcess } from '../helpers/test-isolation.ts';
import { tempDir } from '../helpers/tmp-dir.ts';

// `npm test` runs the files that can share a process in one (`--test-isolation=none`) and the
// others in a process each (test/run-suite.ts). A failure in either must fail the suite.

const RUNNER = fileURLToPath(new URL('../run-suite.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('files with top-level hooks or process-wide changes get a process of their own', () => {
  const alone: [string, string][] = [
    ["before(async () => { broker = await startTestBroker(); });", 'top-level hooks'],
    ['afterEach(() => clock.reset());', 'top-level hooks'],
    ["process.on('warning', () => {});", 'process listeners'],
    ["process.env.SLUICE_LOG_LEVEL = 'debug';", 'changes the environment'],
    ["delete process.env['TZ'];", 'changes the environment'],
    ["Object.assign(process.env, { SLUICE_LOG_LEVEL: 'debug' });", 'changes the environment'],
    ['process.exitCode = 0;', 'process-wide state'],
    ["const broker = await startTestBroker();", 'top-level await'],
    ['// test-isolation: process (asserts which modules are loaded)', 'asks for its own process'],
    ["const env = kafkaTestEnv({}, [{ name: 't', partitions: 1 }]);", 'top-level hooks'],
  ];
  for (const [source, reason] of alone) assert.equal(needsOwnProcess(`import { test } from 'node:test';\n${source}\n`), reason, source);
  const shared = [
    "test('x', async (t) => { t.after(() => broker.stop()); const broker = await startTestBroker(); });",
    "describe('d', () => { before(() => {}); it('y', () => {}); });",
    "test('z', () => { assert.equal(process.env.HOME === undefined, false); });",
  ];
  for (const source of shared) assert.equal(needsOwnProcess(`import { test } from 'node:test';\n${source}\n`), undefined, source);
});

test('every test helper that registers hooks is known to the classifier', () => {
  // A helper that calls before()/after() registers them where it is called: at the top of a file,
  // that is the file's top-level hooks, which would apply to every file of a shared process.
  const helpers = globSync('test/**/*.ts', { cwd: ROOT }).filter((f) => !f.endsWith('.test.ts')).sort();
  const registering = helpers.filter((f) => /import \{[^}]*\b(before|after|beforeEach|afterEach)\b[^}]*\} from 'node:test'/.test(readFileSync(join(ROOT, f), 'utf8')));
  assert.deepEqual(registering, Object.keys(HOOK_HELPERS).sort(), 'list the hook-registering functions of a new helper in HOOK_HELPERS (test/helpers/test-isolation.ts)');
  for (const [file, names] of Object.entries(HOOK_HELPERS)) {
    for (const name of names) assert.match(readFileSync(join(ROOT, file), 'utf8'), new RegExp(`export function ${name}\\b`), `${file} exports ${name}`);
  }
});

/** Runs the suite runner on the given test files (name → source) and returns its exit status and output. */
function runSuite(files: Record<string, string>): { status: number | null; output: string } {
  const { dir, cleanup } = tempDir('sluice-run-suite-test-');
  try {
    for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), `import { test, before } from 'node:test';\n${source}\n`);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync(process.execPath, [RUNNER, '--test-reporter=tap', ...Object.keys(files).map((n) => join(dir, n))], { encoding: 'utf8', env });
    return { status: r.status, output: r.stdout + r.stderr };
  } finally {
    cleanup();
  }
}

const PASSES = "test('passes', () => {});";
const PASSES_ALONE = "before(() => {});\ntest('passes alone', () => {});";

test('the runner exits 0 when the shared and the separate files pass', () => {
  const r = runSuite({ 'a.test.ts': PASSES, 'b.test.ts': PASSES_ALONE });
  assert.equal(r.status, 0, r.output);
  assert.match(r.output, /shared process: 1 files/);
  assert.match(r.output, /one process per file: 1 files/);
});

test('a failing test in the shared process fails the run; the separate files still run', () => {
  const r = runSuite({ 'a.test.ts': "test('fails', () => { throw new Error('shared failure'); });", 'b.test.ts': PASSES_ALONE });
  assert.equal(r.status, 1, r.output);
  assert.match(r.output, /shared failure/);
  assert.match(r.output, /ok \d+ - passes alone/);
});

test('a failing file in a process of its own fails the run', () => {
  const r = runSuite({ 'a.test.ts': PASSES, 'b.test.ts': "before(() => {});\ntest('fails alone', () => { throw new Error('separate failure'); });" });
  assert.equal(r.status, 1, r.output);
  assert.match(r.output, /separate failure/);
});

test('a shared file that does not load fails the run', () => {
  const r = runSuite({ 'a.test.ts': PASSES, 'c.test.ts': "throw new Error('cannot load');" });
  assert.equal(r.status, 1, r.output);
  assert.match(r.output, /cannot load/);
});

test('work a shared test left behind that throws after it ended fails the run', () => {
  const late = "test('leaves a timer', () => { setTimeout(() => void Promise.reject(new Error('too late')), 10); });\ntest('waits', () => new Promise((r) => setTimeout(r, 200)));";
  const r = runSuite({ 'a.test.ts': late });
  assert.equal(r.status, 1, r.output);
  assert.match(r.output, /too late/);
});
