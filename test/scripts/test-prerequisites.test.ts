import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/tmp-dir.ts';

// `npm test` on a fresh machine: its pretest installs the Debian packages the suites need (Kafka
// clients, chromium, openssl) when it can (root with apt-get), or stops at once with the one
// command to run. Every fake machine below has chromium and openssl unless a test says otherwise.

const SCRIPT = 'scripts/test-prerequisites.sh';

/** A directory of fake commands for PATH: each name maps to a shell body. */
function fakeBin(dir: string, commands: Record<string, string>): void {
  for (const [name, body] of Object.entries({ chromium: 'exit 0', openssl: 'exit 0', ...commands })) {
    if (body === '') continue; // absent
    writeFileSync(join(dir, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
}
/** A Python that imports only the listed modules. */
const python = (modules: string[]): string => `case "$2" in ${modules.map((m) => `"import ${m}"`).join('|') || '"-"'}) exit 0;; *) exit 1;; esac`;
const ALL = ['confluent_kafka', 'kafka', 'snappy', 'lz4', 'zstandard'];

function prerequisites(bin: string): { status: number | null; stderr: string } {
  const r = spawnSync('/bin/bash', [SCRIPT], { encoding: 'utf8', env: { PATH: bin, SLUICE_PYTHON: join(bin, 'python3'), SLUICE_CHROMIUM: join(bin, 'chromium') } });
  return { status: r.status, stderr: r.stderr };
}

test('everything there: nothing to do', () => {
  const { dir, cleanup } = tempDir('sluice-prereq-');
  try {
    fakeBin(dir, { id: 'echo 1000', kcat: 'exit 0', python3: python(ALL) });
    assert.deepEqual(prerequisites(dir), { status: 0, stderr: '' });
  } finally {
    cleanup();
  }
});

test('not root: stops at once, naming the missing packages and the one command to run', () => {
  const { dir, cleanup } = tempDir('sluice-prereq-');
  try {
    fakeBin(dir, { id: 'echo 1000', 'apt-get': 'exit 99', python3: python(['kafka', 'lz4']) });
    const r = prerequisites(dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^npm test needs Debian packages that are not installed: kcat python3-confluent-kafka python3-snappy python3-zstandard\n/);
    assert.match(r.stderr, /\n {2}sudo apt-get install -y kcat python3-confluent-kafka python3-snappy python3-zstandard\n$/);
  } finally {
    cleanup();
  }
});

test('root with apt-get: installs what is missing, then checks again', () => {
  const { dir, cleanup } = tempDir('sluice-prereq-');
  try {
    // The fake apt-get records its calls and "installs" kcat and every Python module.
    const log = join(dir, 'apt.log');
    const installed = python(ALL).replace(/'/g, "'\\''");
    fakeBin(dir, {
      id: 'echo 0',
      python3: python(['kafka']),
      'apt-get': `echo "$*" >> ${log}; if [ "$1" = install ]; then printf '#!/bin/bash\\nexit 0\\n' > ${dir}/kcat; chmod +x ${dir}/kcat; printf '%s\\n' '#!/bin/bash' '${installed}' > ${dir}/python3; fi`,
    });
    const r = prerequisites(dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^npm test: installing the Debian packages the suites need: kcat python3-confluent-kafka python3-snappy python3-lz4 python3-zstandard\n/);
    assert.equal(readFileSync(log, 'utf8'), 'update -qq\ninstall -y -qq kcat python3-confluent-kafka python3-snappy python3-lz4 python3-zstandard\n');
  } finally {
    cleanup();
  }
});

test('root, but apt-get could not provide everything: one command, and a failure', () => {
  const { dir, cleanup } = tempDir('sluice-prereq-');
  try {
    fakeBin(dir, { id: 'echo 0', python3: python(ALL), 'apt-get': 'exit 0' });
    const r = prerequisites(dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /still missing after apt-get: kcat\. Install them with:\n {2}apt-get install -y kcat\n$/);
  } finally {
    cleanup();
  }
});

test('chromium and openssl are prerequisites too (the dashboard browser tests and the TLS tests)', () => {
  const { dir, cleanup } = tempDir('sluice-prereq-');
  try {
    fakeBin(dir, { id: 'echo 1000', kcat: 'exit 0', python3: python(ALL), chromium: '', openssl: '' });
    const r = prerequisites(dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^npm test needs Debian packages that are not installed: openssl chromium\n/);
  } finally {
    cleanup();
  }
});
