/**
 * `npm run test:long`: runs every test file that has long variants (tests declared with
 * `longVariant(...)` from test/helpers/long-variant.ts) with SLUICE_LONG_TESTS=1, so the long
 * variants run next to the short cases of the same files. Extra arguments go to `node --test`
 * (e.g. `npm run test:long -- --test-name-pattern=LMDB`).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCacheEnv } from './helpers/compile-cache-env.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function* testFiles(dir: string): Iterable<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* testFiles(path);
    else if (entry.name.endsWith('.test.ts')) yield path;
  }
}

const files = [...testFiles(join(ROOT, 'test'))].filter((f) => /\blongVariant\(/.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f)).sort();
if (files.length === 0) throw new Error('no test file declares a longVariant(...) test');
console.error(`test:long: ${files.length} files\n  ${files.join('\n  ')}`);
const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=900000', ...process.argv.slice(2), ...files], {
  cwd: ROOT,
  env: { ...process.env, SLUICE_LONG_TESTS: '1', ...compileCacheEnv() },
  stdio: 'inherit',
});
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
