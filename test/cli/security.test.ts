// The CLI against a secured broker started by `sluice broker` with security flags: SCRAM users
// managed with `sluice users`, ACLs with `sluice acls`, and produce / consume / topics through
// `--command-config` files holding Kafka client properties (SASL_SSL with SCRAM-SHA-512).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { tlsMaterial, type TlsMaterial } from '../helpers/tls-material.ts';
import { tempDir } from '../helpers/tmp-dir.ts';
import { runCli, spawnCli } from './run-cli.ts';

const tmp = tempDir('sluice-cli-security-');
let tls: TlsMaterial;
let broker: ChildProcess;
let saslSsl = '';
let plaintext = '';
const file = (name: string, text: string): string => {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  return path;
};
let adminConfig = '';
let bobConfig = '';

before(async () => {
  tls = tlsMaterial();
  const users = file('users.txt', 'admin:admin-secret\n');
  broker = spawnCli([
    'broker', '--data-dir', join(tmp.dir, 'data'),
    '--listeners', 'PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
    '--ssl-cert', tls.server.certFile, '--ssl-key', tls.server.keyFile,
    '--sasl-users', users, '--authorizer', '--super-users', 'User:admin',
  ], { env: { SLUICE_LOG_LEVEL: 'warn' } });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`broker did not start: ${out}`)), 60_000);
    broker.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    broker.once('exit', (code) => reject(new Error(`broker exited ${code}`)));
  });
  plaintext = /PLAINTEXT (\S+),/.exec(line)![1]!;
  saslSsl = /SASL_SSL (\S+)\)/.exec(line)![1]!;
  const scram = (user: string, password: string) =>
    `# Kafka client properties\nsecurity.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\\n  username="${user}" password="${password}";\nssl.ca.location=${tls.ca.certFile}\n`;
  adminConfig = file('admin.properties', scram('admin', 'admin-secret'));
  bobConfig = file('bob.properties', scram('bob', 'bob-secret'));
});
after(async () => {
  broker.kill('SIGTERM');
  await new Promise((r) => broker.once('exit', r));
  tls.cleanup();
  tmp.cleanup();
});

const cli = (args: string[], config?: string, input?: string) => runCli([...(config ? ['--command-config', config] : []), ...args], { bootstrap: saslSsl, input });

test('sluice users add/list/delete manage SCRAM credentials over SASL_SSL; the new user can then authenticate', async () => {
  const added = await cli(['users', 'add', 'bob', '--password', 'bob-secret'], adminConfig);
  assert.equal(added.code, 0, added.stderr);
  const listed = await cli(['users', 'list'], adminConfig);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^bob\s+SCRAM-SHA-512 \(4096 iterations\)$/m);
  const noConfig = await cli(['topics', 'list']);
  assert.notEqual(noConfig.code, 0, 'a plaintext client on the SASL_SSL listener is refused');
  const denied = await cli(['topics', 'create', 'bob-topic', '--partitions', '1'], bobConfig);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /[Aa]uthoriz/);
  const other = await cli(['users', 'add', 'eve', '--password', 'x'], bobConfig);
  assert.notEqual(other.code, 0, 'bob may not ALTER the cluster');
  const wrong = await cli(['topics', 'list'], file('wrong.properties', `security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nsasl.username=bob\nsasl.password=nope\nssl.ca.location=${tls.ca.certFile}\n`));
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /authentication failed/);
  assert.equal((await cli(['users', 'add', 'carol', '--password', 'c', '--mechanism', 'SCRAM-SHA-256'], adminConfig)).code, 0);
  const deleted = await cli(['users', 'delete', 'carol', '--mechanism', 'SCRAM-SHA-256'], adminConfig);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.doesNotMatch((await cli(['users', 'list'], adminConfig)).stdout, /carol/);
});

test('sluice acls add/list/remove, then produce and consume as bob with --command-config', async () => {
  for (const op of ['CREATE', 'WRITE', 'READ']) {
    const r = await cli(['acls', 'add', '--allow-principal', 'User:bob', '--operation', op, '--topic', 'bob-', '--resource-pattern-type', 'prefixed'], adminConfig);
    assert.equal(r.code, 0, r.stderr);
  }
  const g = await cli(['acls', 'add', '--allow-principal', 'User:bob', '--operation', 'READ', '--group', 'bob-group'], adminConfig);
  assert.equal(g.code, 0, g.stderr);
  const listed = await cli(['acls', 'list', '--principal', 'User:bob'], adminConfig);
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal(listed.stdout.trim().split('\n').length, 5, listed.stdout + listed.stderr);
  assert.match(listed.stdout, /TOPIC\s+bob-\s+PREFIXED\s+User:bob\s+\*\s+WRITE\s+ALLOW/);

  const created = await cli(['topics', 'create', 'bob-events', '--partitions', '1'], bobConfig);
  assert.equal(created.code, 0, created.stderr);
  const produced = await cli(['produce', 'bob-events'], bobConfig, 'one\ntwo\n');
  assert.equal(produced.code, 0, produced.stderr);
  const consumed = await cli(['consume', 'bob-events', '--group', 'bob-group', '--from-beginning', '--max-messages', '2'], bobConfig);
  assert.equal(consumed.code, 0, consumed.stderr);
  assert.equal(consumed.stdout, 'one\ntwo\n');

  const removed = await cli(['acls', 'remove', '--topic', 'bob-', '--resource-pattern-type', 'prefixed', '--principal', 'User:bob', '--operation', 'WRITE'], adminConfig);
  assert.equal(removed.code, 0, removed.stderr);
  assert.match(removed.stdout, /removed 1 ACL/);
  const after = await cli(['produce', 'bob-events'], bobConfig, 'three\n');
  assert.notEqual(after.code, 0, 'WRITE was removed');
  // The plaintext listener serves tools on loopback with the same ACLs (ANONYMOUS has none).
  const anonymous = await runCli(['topics', 'list'], { bootstrap: plaintext });
  assert.equal(anonymous.code, 0, anonymous.stderr);
  assert.equal(anonymous.stdout.trim(), '', 'ANONYMOUS may DESCRIBE no topic');
});

test('--command-config with an unknown property is a usage error naming it', async () => {
  const r = await cli(['topics', 'list'], file('typo.properties', 'security.protocol=SASL_SSL\nsasl.mechanisms=PLAIN\n'));
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /sasl\.mechanisms/);
});
