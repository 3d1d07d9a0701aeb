import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/tmp-dir.ts';
import { tlsMaterial } from '../helpers/tls-material.ts';

const CLI = fileURLToPath(new URL('../../bin/sluice.js', import.meta.url));

function run(args: string[]): { child: ReturnType<typeof spawn>; output: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

test('sluice broker --dashboard --dashboard-tls on a SASL_SSL broker with ACLs: HTTPS, HTTP Basic with the broker users, views by ACL', { timeout: 120_000 }, async () => {
  const { dir, cleanup } = tempDir();
  const tls = tlsMaterial();
  writeFileSync(join(dir, 'users.txt'), 'admin:admin-pw\nalice:alice-pw\n');
  writeFileSync(join(dir, 'dashboard.properties'), `security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nsasl.username=admin\nsasl.password=admin-pw\nssl.ca.location=${tls.ca.certFile}\n`);
  const { child, output } = run([
    'broker', '--data-dir', join(dir, 'data'), '--listeners', 'SASL_SSL://127.0.0.1:0',
    '--ssl-cert', tls.server.certFile, '--ssl-key', tls.server.keyFile, '--sasl-users', join(dir, 'users.txt'),
    '--authorizer', '--super-users', 'User:admin',
    '--dashboard', '--dashboard-tls', '--dashboard-command-config', join(dir, 'dashboard.properties'),
  ]);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no dashboard line: ${output()}`)), 60_000);
      child.stdout!.on('data', () => {
        const u = /Dashboard: (https:\/\/127\.0\.0\.1:\d+\/) /.exec(output());
        if (u) {
          clearTimeout(timer);
          resolve(u[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`broker exited with ${code}: ${output()}`)));
    });
    const get = (path: string, login?: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const headers: Record<string, string> = login ? { authorization: `Basic ${Buffer.from(login).toString('base64')}` } : {};
        const req = request(new URL(path, url), { headers, ca: tls.ca.cert, servername: 'localhost' }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end();
      });
    assert.equal((await get('/kafka/topics')).status, 401);
    assert.equal((await get('/kafka/topics', 'alice:nope')).status, 401);
    // 200, not 504: the dashboard's own SASL_SSL login to the broker (--dashboard-command-config) works.
    const admin = await get('/kafka/topics', 'admin:admin-pw');
    assert.equal(admin.status, 200, admin.body);
    const alice = await get('/kafka/topics', 'alice:alice-pw');
    assert.equal(alice.status, 200, alice.body);
    assert.deepEqual(JSON.parse(alice.body).topics, [], 'alice has no ACL: she sees no topic');
    assert.equal((await get('/metrics', 'alice:alice-pw')).status, 403);
    assert.equal((await get('/metrics', 'admin:admin-pw')).status, 200);
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    child.kill('SIGKILL');
    tls.cleanup();
    cleanup();
  }
});

test('sluice broker: --dashboard-tls without the broker certificate, and a token on a secured broker, are usage errors', { timeout: 60_000 }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    writeFileSync(join(dir, 'users.txt'), 'admin:admin-pw\n');
    const exit = async (args: string[]) => {
      const { child, output } = run(['broker', '--port', '0', '--data-dir', join(dir, 'data'), ...args]);
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      return { code, out: output() };
    };
    const noCert = await exit(['--dashboard', '--dashboard-tls']);
    assert.notEqual(noCert.code, 0);
    assert.match(noCert.out, /--dashboard-tls serves the broker's certificate: give --ssl-cert and --ssl-key/);
    const token = await exit(['--listeners', 'SASL_PLAINTEXT://127.0.0.1:0', '--sasl-users', join(dir, 'users.txt'), '--dashboard', '--dashboard-token', 'abc']);
    assert.notEqual(token.code, 0);
    assert.match(token.out, /--dashboard-token is not used on a secured broker/);
    const noLogin = run(['broker', '--port', '0', '--data-dir', join(dir, 'data2'), '--listeners', 'SASL_PLAINTEXT://127.0.0.1:0', '--sasl-users', join(dir, 'users.txt'), '--dashboard']);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no dashboard line: ${noLogin.output()}`)), 60_000);
      noLogin.child.stdout!.on('data', () => /Dashboard: http/.test(noLogin.output()) && (clearTimeout(timer), resolve()));
      noLogin.child.once('exit', (code) => reject(new Error(`broker exited with ${code}: ${noLogin.output()}`)));
    });
    noLogin.child.kill('SIGKILL');
    assert.match(noLogin.output(), /warning: the broker has no PLAINTEXT listener for the dashboard's Kafka pages: give --dashboard-command-config/);
    const offLoopback = await exit(['--listeners', 'SASL_PLAINTEXT://127.0.0.1:0', '--sasl-users', join(dir, 'users.txt'), '--dashboard', '0.0.0.0:0']);
    assert.notEqual(offLoopback.code, 0);
    assert.match(offLoopback.out, /passwords in clear/);
  } finally {
    cleanup();
  }
});

test("sluice run --dashboard against a SASL_SSL cluster: the Kafka pages use --command-config's login", { timeout: 120_000 }, async () => {
  const { startSecuredBroker, USER, PASSWORD } = await import('../compat/security/secured-broker.ts');
  const s = await startSecuredBroker({ authorizer: { superUsers: `User:${USER}` } });
  const config = join(s.dir, 'client.properties');
  writeFileSync(config, `security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-256\nsasl.username=${USER}\nsasl.password=${PASSWORD}\nssl.ca.location=${s.tls.ca.certFile}\n`);
  const { child, output } = run(['--bootstrap', s.bootstrap('SASL_SSL'), '--command-config', config, 'run', '--dashboard', '0', 'test/cli/fixtures/wait.ts']);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no dashboard line: ${output()}`)), 60_000);
      child.stderr!.on('data', () => {
        const u = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output());
        if (u) {
          clearTimeout(timer);
          resolve(u[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`sluice run exited with ${code}: ${output()}`)));
    });
    const res = await fetch(new URL('/kafka/cluster', url));
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(((await res.json()) as { brokers: Array<{ nodeId: number }> }).brokers.map((b) => b.nodeId), [1]);
  } finally {
    child.kill('SIGKILL');
    await s.stop();
  }
});
