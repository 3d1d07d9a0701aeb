import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SluiceError, SluiceErrorCodes } from 'sluice';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function* sources(dir: string): Iterable<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (name.endsWith('.ts')) yield path;
  }
}

test('the registry: one code per key, spelled SLUICE_<key>, none twice', () => {
  const values = Object.values(SluiceErrorCodes);
  assert.equal(new Set(values).size, values.length);
  for (const [key, value] of Object.entries(SluiceErrorCodes)) assert.equal(value, `SLUICE_${key}`);
});

test('every SLUICE_ code written in src is in the registry (environment variables aside)', () => {
  const registered = new Set<string>(Object.values(SluiceErrorCodes));
  const texts = [...sources(SRC)].map((f) => [f, readFileSync(f, 'utf8')] as const);
  // Environment variables share the prefix: those read through process.env somewhere in src.
  const environment = new Set<string>();
  for (const [, text] of texts) for (const m of text.matchAll(/process\.env\.(SLUICE_\w+)/g)) environment.add(m[1]!);
  environment.add('SLUICE_BOOTSTRAP'); // read through a constant (cli/bootstrap.ts)
  const strays: string[] = [];
  for (const [file, text] of texts) {
    for (const m of text.matchAll(/['"`](SLUICE_[A-Z0-9_]+)['"`]/g)) {
      if (!registered.has(m[1]!) && !environment.has(m[1]!)) strays.push(`${file.slice(SRC.length)}: ${m[1]}`);
    }
  }
  assert.deepEqual(strays, []);
});

test('SluiceError carries a registered code', () => {
  const e = new SluiceError(SluiceErrorCodes.INVALID_JOB, 'x');
  assert.equal(e.code, 'SLUICE_INVALID_JOB');
  assert.equal(e.name, 'SluiceError');
});
