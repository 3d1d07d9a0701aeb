import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestBroker } from '../helpers/broker.ts';
import { tempDir } from '../helpers/tmp-dir.ts';

// What each entry of the package loads before it does anything: `import 'sluice'`, the subpaths and
// every kind of CLI command. Heavy dependencies load on first use and each command loads only its
// own code, which keeps start-up fast (figures: `npm run bench:startup`). A structural check of the
// module graph, not a timing: a module listed here that loads again at start-up fails the test.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HOOK = fileURLToPath(new URL('../helpers/record-loads.ts', import.meta.url));
const CLI = join(ROOT, 'bin/sluice.js');
/** Dependencies that cost tens to hundreds of milliseconds to load, used only by some features. */
const HEAVY = ['@platformatic/kafka', 'ajv', 'pino', 'prom-client', 'lmdb', 'playwright-core', '@platformatic/wasm-utils'];

const work = tempDir('sluice-eager-imports-');
after(() => work.cleanup());
let runs = 0;

interface Loads {
  /** Project files, relative to the root: `src/api/environment.ts`. */
  files: string[];
  /** Packages from node_modules: `commander`, `@platformatic/kafka`. */
  packages: Set<string>;
  stdout: string;
}

/**
 * Runs `node --import record-loads.ts ARGS` in the project root and returns what it loaded. With
 * `until`, the process is stopped with SIGTERM once its stdout matches.
 */
function loadsOf(args: string[], options: { until?: RegExp; exitCode?: number } = {}): Promise<Loads> {
  const record = join(work.dir, `loads-${++runs}.json`);
  const env: NodeJS.ProcessEnv = { ...process.env, SLUICE_RECORD_LOADS: record, SLUICE_LOG_LEVEL: 'warn' };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--import', HOOK, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let stopped = false;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (!stopped && options.until?.test(stdout)) stopped = child.kill('SIGTERM');
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        assert.equal(code, options.exitCode ?? 0, `node ${args.join(' ')} exited with ${code}:\n${stdout}\n${stderr}`);
        const urls = JSON.parse(readFileSync(record, 'utf8')) as string[];
        const files: string[] = [];
        const packages = new Set<string>();
        for (const url of urls.filter((u) => u.startsWith('file:'))) {
          const path = relative(ROOT, fileURLToPath(url));
          const inModules = /(?:^|[\\/])node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(path);
          if (inModules) packages.add(inModules[1]!.replace('\\', '/'));
          else files.push(path.replaceAll('\\', '/'));
        }
        resolve({ files, packages, stdout });
      } catch (e) {
        reject(e);
      }
    });
  });
}

const under = (loads: Loads, ...folders: string[]): string[] => loads.files.filter((f) => folders.some((d) => f.startsWith(d)));
const heavy = (loads: Loads, except: string[] = []): string[] => HEAVY.filter((p) => loads.packages.has(p) && !except.includes(p));

test("import 'sluice' loads the API and the engine, no client library, logger, metrics library or broker", async () => {
  const loads = await loadsOf(['--input-type=module', '-e', "await import('sluice')"]);
  assert.ok(loads.files.includes('src/api/environment.ts') && loads.files.includes('src/connectors/kafka/kafka-source.ts'), 'the public API loaded');
  assert.deepEqual(heavy(loads), []);
  assert.deepEqual(under(loads, 'src/broker/', 'src/cli/', 'src/dashboard/', 'src/protocol/'), []);
  // The worker records task metrics by default, in plain-number modules of src/metrics; the
  // registry library (prom-client, among the heavy packages checked above) loads only when a
  // worker starts.
});

test("import 'sluice/broker' loads the broker, not the engine, the client library or the codecs' WebAssembly", async () => {
  const loads = await loadsOf(['--input-type=module', '-e', "await import('sluice/broker')"]);
  assert.ok(loads.files.includes('src/broker/broker.ts'));
  assert.deepEqual(heavy(loads), []);
  assert.deepEqual(under(loads, 'src/api/', 'src/runtime/', 'src/connectors/', 'src/cli/'), []);
});

test("import 'sluice/testing' loads no dependency at all", async () => {
  const loads = await loadsOf(['--input-type=module', '-e', "await import('sluice/testing')"]);
  assert.ok(loads.files.includes('src/testing/harness.ts'));
  assert.deepEqual([...loads.packages], []);
});

test('sluice --version loads the command line only: no command implementation, broker or engine', async () => {
  const loads = await loadsOf([CLI, '--version']);
  assert.match(loads.stdout, /^\d+\.\d+\.\d+/);
  assert.ok(loads.files.includes('src/cli/main.ts') && loads.packages.has('commander'));
  assert.deepEqual(heavy(loads), []);
  assert.deepEqual(under(loads, 'src/broker/', 'src/api/', 'src/runtime/', 'src/state/', 'src/protocol/', 'src/cli/consume/', 'src/cli/produce/', 'src/cli/run/'), []);
});

test('sluice run loads no broker, client library or logger before the job imports what it uses', async () => {
  const loads = await loadsOf([CLI, 'run', 'test/package/fixtures-imports/empty-job.ts']);
  assert.ok(loads.files.includes('test/package/fixtures-imports/empty-job.ts') && loads.files.includes('src/cli/run/job-reporter.ts'));
  assert.deepEqual(heavy(loads), []);
  assert.deepEqual(under(loads, 'src/broker/', 'src/protocol/', 'src/api/', 'src/cli/consume/', 'src/cli/produce/'), []);
});

test("sluice topics list loads Sluice's own wire client, no client library, engine or broker", async () => {
  // A loopback port nobody listens on: the command loads what it needs, then fails to connect.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  const loads = await loadsOf([CLI, '--bootstrap', `127.0.0.1:${port}`, 'topics', 'list'], { exitCode: 1 });
  assert.ok(loads.files.includes('src/cli/wire/broker-connection.ts'), "the CLI's wire client loaded when the command ran");
  assert.deepEqual(heavy(loads), []);
  assert.deepEqual(under(loads, 'src/broker/', 'src/api/', 'src/runtime/', 'src/state/', 'src/cli/consume/', 'src/cli/produce/', 'src/cli/run/'), []);
});

test("sluice groups, acls and users load Sluice's own wire client, no client library, engine or broker", async () => {
  // A real broker (in this process), so that each command runs to its end.
  const broker = await startTestBroker();
  try {
    const commands: Array<[string[], number]> = [
      [['groups', 'list'], 0],
      [['groups', 'describe', 'nobody'], 1],
      [['acls', 'list'], 1], // SECURITY_DISABLED: a broker without an authorizer has no ACLs to list
      [['users', 'add', 'ann', '--password', 'secret'], 0],
      [['users', 'list'], 0],
    ];
    for (const [args, exitCode] of commands) {
      const loads = await loadsOf([CLI, '--bootstrap', broker.bootstrap, ...args], { exitCode });
      assert.ok(loads.files.includes('src/cli/wire/broker-connection.ts'), `sluice ${args.join(' ')} used the CLI's wire client`);
      assert.deepEqual(heavy(loads), [], `sluice ${args.join(' ')}`);
      // The ACL names and the SCRAM arithmetic are shared with the broker's security code; nothing else of the broker loads.
      const brokerFiles = under(loads, 'src/broker/').filter((f) => !['src/broker/security/acl/acl-types.ts', 'src/broker/security/sasl/scram-crypto.ts'].includes(f));
      assert.deepEqual([...brokerFiles, ...under(loads, 'src/api/', 'src/runtime/', 'src/state/', 'src/cli/consume/', 'src/cli/produce/', 'src/cli/run/')], [], `sluice ${args.join(' ')}`);
    }
  } finally {
    await broker.stop();
  }
});

test('sluice broker loads the broker without the engine, the client library or metrics', async () => {
  const loads = await loadsOf([CLI, 'broker', '--port', '0', '--data-dir', join(work.dir, 'broker-data')], { until: /listening on/ });
  assert.ok(loads.files.includes('src/broker/broker.ts'));
  assert.deepEqual(heavy(loads, ['pino']), []);
  assert.deepEqual(under(loads, 'src/api/', 'src/runtime/', 'src/state/', 'src/cli/consume/', 'src/cli/produce/', 'src/cli/run/'), []);
});
