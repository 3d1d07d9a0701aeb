import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The Kafka substrate sits below the runtime: it may use util, state and errors, never the
// runtime, the API, the connectors, the CLI or the broker.
const DIR = fileURLToPath(new URL('../../src/kafka/', import.meta.url));
const ALLOWED = /^\.\.\/(util|state)\/|^\.\.\/errors\.ts$|^\.\//;

test('src/kafka imports only util, state, errors and itself', () => {
  const offenders: string[] = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(DIR + file, 'utf8');
    for (const m of source.matchAll(/from '(\.[^']+)'|import\('(\.[^']+)'\)/g)) {
      const target = m[1] ?? m[2]!;
      if (!ALLOWED.test(target)) offenders.push(`${file} → ${target}`);
    }
  }
  assert.deepEqual(offenders, []);
});
