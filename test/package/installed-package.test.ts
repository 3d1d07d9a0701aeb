import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PINNED_NODE_PATH as PATH, packAndInstall, runCommand as run, type CommandResult as Result } from '../helpers/installed-package.ts';
import { tempDir } from '../helpers/tmp-dir.ts';

// The package as a user gets it: `npm pack` (prepack builds dist/ with tsc and points the exports
// at it), installed into a new project with npm, then used there: `import 'sluice'`, `npx sluice`,
// a TypeScript job file run by `sluice run` and by node, and the types checked by tsc.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const ok = (r: Result, what: string): Result => {
  assert.equal(r.code, 0, `${what} failed:\n${r.stdout}\n${r.stderr}`);
  return r;
};

const work = tempDir('sluice-package-');
let project = '';

before(async () => {
  ({ project } = await packAndInstall(work.dir, join(ROOT, 'test/package/fixtures')));
});
after(() => work.cleanup());

test('the tarball holds compiled JavaScript and declarations, no TypeScript sources', async () => {
  const files = readdirSync(join(project, 'node_modules/sluice'), { recursive: true }).map(String);
  assert.ok(files.includes(join('dist', 'index.js')) && files.includes(join('dist', 'index.d.ts')));
  assert.ok(files.includes(join('bin', 'sluice.js')));
  assert.deepEqual(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), []);
});

test("import 'sluice' (and sluice/broker, sluice/testing) works in the user's project", async () => {
  const r = ok(await run(process.execPath, ['imports.mjs'], project), 'node imports.mjs');
  assert.equal(r.stdout, 'function function function function\n');
});

test('the bundled entries load their code and no heavy dependency at start (as the sources do: test/package/eager-imports)', async () => {
  const hook = join(ROOT, 'test/helpers/record-loads.ts');
  const loadsOf = async (args: string[]): Promise<string[]> => {
    const record = join(work.dir, `loads-${args.join('-').replace(/\W+/g, '_')}.json`);
    ok(await run(process.execPath, ['--import', hook, ...args], project, { SLUICE_RECORD_LOADS: record }), `node ${args.join(' ')}`);
    return JSON.parse(readFileSync(record, 'utf8')) as string[];
  };
  const heavy = /[\\/]node_modules[\\/](@platformatic[\\/]kafka|ajv|pino|prom-client|lmdb|playwright-core)[\\/]/;
  const fromPackage = (urls: string[]) => urls.filter((u) => u.includes('/node_modules/sluice/dist/'));
  for (const entry of ['sluice', 'sluice/broker', 'sluice/testing']) {
    const urls = await loadsOf(['--input-type=module', '-e', `await import('${entry}')`]);
    assert.deepEqual(urls.filter((u) => heavy.test(u)), [], `import('${entry}')`);
    // The sources load ~210 modules for import('sluice'); the bundle loads its entry plus the chunks esbuild shares
    // between entries (one per distinct set of entries using the code, so the count moves by one or two as modules
    // are shared). The start-up time itself is the start-up benchmark's figure (BENCHMARKS.md); this guards against
    // falling back to loading one file per module.
    assert.ok(fromPackage(urls).length > 0 && fromPackage(urls).length <= 32, `import('${entry}') loads a few bundled files, not one per module: ${fromPackage(urls).length}`);
  }
  const cli = await loadsOf(['node_modules/sluice/bin/sluice.js', '--version']);
  assert.deepEqual(cli.filter((u) => heavy.test(u)), []);
  assert.ok(!cli.some((u) => /node_modules\/sluice\/dist\/(index|broker\/index)\.js$/.test(u)), 'sluice --version loads neither the API nor the broker');
});

test('npx sluice --version, and a TypeScript job file importing sluice: by sluice run and by node', async () => {
  const { version } = (await import(join(ROOT, 'package.json'), { with: { type: 'json' } })).default as { version: string };
  assert.equal(ok(await run('npx', ['sluice', '--version'], project), 'npx sluice --version').stdout, `${version}\n`);
  const byCli = ok(await run('npx', ['sluice', 'run', 'job.ts', '3'], project), 'npx sluice run job.ts');
  assert.equal(byCli.stdout, '2\n4\n6\n');
  assert.match(byCli.stderr, /sluice: job 'doubles' finished in [\d.]+ s: read 3 records, wrote 3/);
  const byNode = ok(await run(process.execPath, ['job.ts', '2'], project), 'node job.ts');
  assert.equal(byNode.stdout, '2\n4\n');
});

test('the declarations type-check a job, and catch a type error in one', async () => {
  const tsc = [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2023', '--skipLibCheck', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules/@types')];
  ok(await run(process.execPath, [...tsc, '--allowImportingTsExtensions', 'job.ts'], project), 'tsc job.ts');
  writeFileSync(join(project, 'wrong.ts'), "import { StreamExecutionEnvironment } from 'sluice';\nconst n: number = StreamExecutionEnvironment.getExecutionEnvironment();\n");
  const wrong = await run(process.execPath, [...tsc, 'wrong.ts'], project);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stdout, /wrong\.ts\(2,7\): error TS2322: Type 'StreamExecutionEnvironment' is not assignable to type 'number'/);
});

test('the installed package serves the dashboard web UI: sluice broker --dashboard', { timeout: 180_000 }, async () => {
  const data = join(work.dir, 'broker-data');
  const env: NodeJS.ProcessEnv = { ...process.env, PATH, SLUICE_LOG_LEVEL: 'warn' };
  delete env.NODE_TEST_CONTEXT;
  // The installed bin itself (not npx, which would stand between the signal and the broker).
  const bin = join(project, 'node_modules/sluice/bin/sluice.js');
  const child = spawn(process.execPath, [bin, 'broker', '--port', '0', '--data-dir', data, '--dashboard'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no dashboard address: ${out}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /Dashboard: (http:\/\/\S+\/)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (code: number | null) => reject(new Error(`sluice broker exited with ${code}: ${out}`)));
    });
    for (const [path, type, text] of [
      ['', 'text/html', '<script type="module"'],
      ['app/main.js', 'text/javascript', 'import'],
      ['app/style.css', 'text/css', '{'],
      ['vendor/uPlot.esm.js', 'text/javascript', 'uPlot'],
      ['metrics', 'text/plain', 'kafka_server_replicamanager_partitioncount'],
    ] as const) {
      const res = await fetch(`${url}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', new RegExp(type.replace('/', '\\/')), path);
      assert.ok((await res.text()).includes(text), `${path} holds ${text}`);
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await closed;
    }
  }
});
