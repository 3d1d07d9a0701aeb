/**
 * `npm test`'s runner (after the typecheck). Starting a test file's process costs more than most
 * unit test files take to run (Node, type stripping, importing the sources), so the suite runs in
 * two `node --test` invocations:
 *
 * 1. the files that can share one process (test/helpers/test-isolation.ts), with `--test-isolation=none`:
 *    imported one after the other into a single process, their tests run one at a time;
 * 2. every other file in a process of its own, one file at a time, as before.
 *
 * Both run with Node's compile cache on (NODE_COMPILE_CACHE, inherited by the processes tests
 * start), so a process does not type-strip and compile again what an earlier one did.
 * Both always run; the runner exits non-zero if either failed. (A test that leaves work behind
 * which throws after the test ended fails its file's process; in the shared process Node reports
 * it as a diagnostic and exits non-zero: test/scripts/run-suite.test.ts checks both.)
 *
 * Usage: `node test/run-suite.ts [node --test options] [test files]` (no files: the whole suite).
 * A `--test-reporter-destination` file is written once per invocation, named `<name>.shared<ext>`
 * and `<name>.isolated<ext>`.
 */
import { spawnSync } from 'node:child_process';
import { globSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCacheEnv } from './helpers/compile-cache-env.ts';
import { needsOwnProcess } from './helpers/test-isolation.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIMEOUT = '--test-timeout=300000';

function run(label: string, args: string[], files: string[]): boolean {
  if (files.length === 0) return true;
  console.error(`run-suite: ${label}: ${files.length} files`);
  const result = spawnSync(process.execPath, ['--test', ...args, ...files], { cwd: ROOT, stdio: 'inherit', env: process.env });
  if (result.error) throw result.error;
  return result.status === 0;
}

/** The caller's options, with each reporter destination file renamed for this invocation. */
function optionsFor(phase: string, options: string[]): string[] {
  return options.map((arg) => {
    const m = /^--test-reporter-destination=(.+)$/.exec(arg);
    if (!m || m[1] === 'stdout' || m[1] === 'stderr') return arg;
    const ext = extname(m[1]!);
    return `--test-reporter-destination=${m[1]!.slice(0, m[1]!.length - ext.length)}.${phase}${ext}`;
  });
}

function main(): number {
  const argv = process.argv.slice(2);
  const options = argv.filter((a) => a.startsWith('-'));
  const patterns = argv.filter((a) => !a.startsWith('-'));
  const files = globSync(patterns.length > 0 ? patterns : ['test/**/*.test.ts'], { cwd: ROOT }).sort();
  if (files.length === 0) throw new Error(`no test files match ${patterns.join(' ')}`);
  const shared = files.filter((f) => needsOwnProcess(readFileSync(resolve(ROOT, f), 'utf8')) === undefined);
  const alone = files.filter((f) => !shared.includes(f));

  Object.assign(process.env, compileCacheEnv());
  const sharedOk = run('shared process', ['--test-isolation=none', TIMEOUT, ...optionsFor('shared', options)], shared);
  const aloneOk = run('one process per file', ['--test-concurrency=1', TIMEOUT, ...optionsFor('isolated', options)], alone);
  return sharedOk && aloneOk ? 0 : 1;
}

process.exitCode = main();
