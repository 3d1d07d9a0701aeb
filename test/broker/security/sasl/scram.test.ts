import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { createInterface } from 'node:readline';
import { ScramServer } from '../../../../src/broker/security/sasl/scram.ts';
import { createCredential, SCRAM_MECHANISMS, type ScramCredential, type ScramMechanismName } from '../../../../src/broker/security/sasl/scram-crypto.ts';
import { SaslAuthenticationFailure } from '../../../../src/broker/security/errors.ts';
import type { SaslCredentials } from '../../../../src/broker/security/sasl/mechanism.ts';
import { credentials } from './sasl-fixtures.ts';

const only = (user: string, mechanism: ScramMechanismName, c: ScramCredential): SaslCredentials => ({
  verifyPassword: () => false,
  scramCredential: (u, m) => (u === user && m === mechanism ? c : undefined),
});
const failure = (f: () => unknown): SaslAuthenticationFailure => {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof SaslAuthenticationFailure, `expected a SaslAuthenticationFailure, got ${err}`);
    return err;
  }
  assert.fail('expected the exchange to fail');
};

test('RFC 7677 test vector (SCRAM-SHA-256): the exact server-first and server-final messages', () => {
  const m = SCRAM_MECHANISMS['SCRAM-SHA-256'];
  const credential = createCredential(m, 'pencil', 4096, Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'));
  const server = new ScramServer('SCRAM-SHA-256', only('user', 'SCRAM-SHA-256', credential), () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0');
  const first = server.evaluate(Buffer.from('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
  assert.equal(first.toString(), 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
  assert.equal(server.complete, false);
  const final = server.evaluate(Buffer.from('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='));
  assert.equal(final.toString(), 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  assert.equal(server.complete, true);
  assert.equal(server.authorizationId, 'user');
});

test('the stored credential holds salt, iterations, StoredKey and ServerKey, never the password', () => {
  const c = createCredential(SCRAM_MECHANISMS['SCRAM-SHA-512'], 'pencil', 4096);
  assert.deepEqual(Object.keys(c).sort(), ['iterations', 'salt', 'serverKey', 'storedKey']);
  assert.equal(c.storedKey.length, 64);
  assert.equal(c.serverKey.length, 64);
  assert.ok(!JSON.stringify(c).includes('pencil'));
});

/** Runs kafka-python's own ScramClient (the client of the v0 raw-token flow) against a ScramServer. */
async function kafkaPython(server: ScramServer, mechanism: ScramMechanismName, user: string, password: string): Promise<string> {
  const py = [
    'import sys',
    'from kafka.scram import ScramClient',
    `c = ScramClient(${JSON.stringify(user)}, ${JSON.stringify(password)}, ${JSON.stringify(mechanism)})`,
    'print(c.first_message(), flush=True)',
    'c.process_server_first_message(sys.stdin.readline().strip())',
    'print(c.final_message(), flush=True)',
    'try:',
    '    c.process_server_final_message(sys.stdin.readline().strip())',
    '    print("verified", flush=True)',
    'except Exception as e:',
    '    print("rejected: %s" % e, flush=True)',
  ].join('\n');
  const child = spawn('/usr/bin/python3', ['-c', py], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => (await lines.next()).value as string;
  try {
    child.stdin.write(`${server.evaluate(Buffer.from(await next())).toString()}\n`);
    child.stdin.write(`${server.evaluate(Buffer.from(await next())).toString()}\n`);
    return await next();
  } finally {
    child.stdin.end();
    child.kill();
  }
}

test('kafka-python\'s ScramClient authenticates with SHA-256 and SHA-512 and verifies our server signature', { timeout: 60_000 }, async () => {
  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    const server = new ScramServer(mechanism, credentials());
    assert.equal(await kafkaPython(server, mechanism, 'alice', 'alice-secret'), 'verified', mechanism);
    assert.equal(server.authorizationId, 'alice');
  }
});

test('kafka-python with a wrong password is refused at the proof', { timeout: 60_000 }, async () => {
  const server = new ScramServer('SCRAM-SHA-512', credentials());
  await assert.rejects(kafkaPython(server, 'SCRAM-SHA-512', 'alice', 'wrong'), (err: unknown) => {
    assert.ok(err instanceof SaslAuthenticationFailure);
    assert.equal(err.clientMessage, 'Authentication failed due to invalid credentials with SASL mechanism SCRAM-SHA-512');
    assert.match(err.detail, /wrong password for user 'alice'/);
    return true;
  });
  assert.equal(server.complete, false);
});

/** A hand-rolled client from the RFC's formulas, to tamper with messages. */
function exchange(mechanism: ScramMechanismName, user: string, password: string, tamper: { gs2?: string; cb?: string; nonce?: (n: string) => string; bare?: string } = {}) {
  const m = SCRAM_MECHANISMS[mechanism];
  const server = new ScramServer(mechanism, credentials());
  const gs2 = tamper.gs2 ?? 'n,,';
  const bare = tamper.bare ?? `n=${user},r=clientnonce`;
  const serverFirst = server.evaluate(Buffer.from(gs2 + bare)).toString();
  const params = Object.fromEntries(serverFirst.split(',').map((p) => [p[0], p.slice(2)]));
  const salted = pbkdf2Sync(password, Buffer.from(params.s!, 'base64'), Number(params.i), m.keyLength, m.hash);
  const clientKey = createHmac(m.hash, salted).update('Client Key').digest();
  const storedKey = createHash(m.hash).update(clientKey).digest();
  const withoutProof = `c=${tamper.cb ?? Buffer.from(gs2).toString('base64')},r=${(tamper.nonce ?? ((n) => n))(params.r!)}`;
  const signature = createHmac(m.hash, storedKey).update(`${bare},${serverFirst},${withoutProof}`).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
  return { server, final: () => server.evaluate(Buffer.from(`${withoutProof},p=${proof.toString('base64')}`)).toString() };
}

test('an unknown user gets a challenge like anyone else and fails with the same message as a wrong password', () => {
  const unknown = failure(exchange('SCRAM-SHA-256', 'mallory', 'x').final);
  const wrong = failure(exchange('SCRAM-SHA-256', 'alice', 'x').final);
  assert.equal(unknown.clientMessage, wrong.clientMessage);
  assert.match(unknown.detail, /unknown user 'mallory'/);
  // The decoy salt is stable, so repeated probes cannot tell a decoy from a real user.
  const salt = () => new ScramServer('SCRAM-SHA-256', credentials()).evaluate(Buffer.from('n,,n=mallory,r=a')).toString().split(',')[1];
  assert.equal(salt(), salt());
});

test('channel binding: n and y are accepted, p= (the -PLUS mechanisms) is refused; c= must repeat the gs2 header', () => {
  assert.match(exchange('SCRAM-SHA-256', 'alice', 'alice-secret').final(), /^v=/);
  assert.match(exchange('SCRAM-SHA-256', 'alice', 'alice-secret', { gs2: 'y,,' }).final(), /^v=/);
  assert.match(failure(() => exchange('SCRAM-SHA-256', 'alice', 'alice-secret', { gs2: 'p=tls-unique,,' })).detail, /channel binding 'tls-unique'/);
  assert.match(failure(exchange('SCRAM-SHA-256', 'alice', 'alice-secret', { cb: Buffer.from('y,,').toString('base64') }).final).detail, /channel binding data/);
});

test('the final nonce must be exactly the combined nonce', () => {
  assert.match(failure(exchange('SCRAM-SHA-512', 'alice', 'alice-secret', { nonce: (n) => `${n}x` }).final).detail, /invalid nonce/);
  assert.match(failure(exchange('SCRAM-SHA-512', 'alice', 'alice-secret', { nonce: (n) => n.slice(1) }).final).detail, /invalid nonce/);
  assert.match(failure(exchange('SCRAM-SHA-512', 'alice', 'alice-secret', { nonce: (n) => `x${n}` }).final).detail, /invalid nonce/);
  assert.match(failure(exchange('SCRAM-SHA-512', 'alice', 'alice-secret', { nonce: (n) => `clientnonceclientnonce${n}` }).final).detail, /invalid nonce/);
});

test("librdkafka < 2.6.1's final nonce (its own nonce again in front of the combined one) is accepted, as Kafka 3.9 does", () => {
  const r = exchange('SCRAM-SHA-512', 'alice', 'alice-secret', { nonce: (n) => `clientnonce${n}` });
  assert.match(r.final(), /^v=/);
  assert.equal(r.server.complete, true);
});

test('authzid: equal to the user is fine, another one is refused with Kafka\'s message', () => {
  assert.match(exchange('SCRAM-SHA-256', 'alice', 'alice-secret', { gs2: 'n,a=alice,' }).final(), /^v=/);
  const err = failure(() => exchange('SCRAM-SHA-256', 'alice', 'alice-secret', { gs2: 'n,a=bob,' }));
  assert.equal(err.clientMessage, 'Authentication failed: Client requested an authorization id that is different from username');
});

test('malformed messages fail cleanly; names decode =2C and =3D; delegation tokens are refused', () => {
  const first = (text: string) => failure(() => new ScramServer('SCRAM-SHA-256', credentials()).evaluate(Buffer.from(text)));
  assert.match(first('garbage').detail, /too few fields/);
  assert.match(first('n,,n=a=b,r=x').detail, /invalid username encoding/);
  assert.match(first('n,,m=ext,n=alice,r=x').detail, /mandatory extension/);
  assert.match(first('n,,n=alice,r=x,tokenauth=true').detail, /delegation-token/);
  assert.match(first('n,,n=alice,r=a,b').detail, /invalid extension/);
  const named = new ScramCredentialStoreUsers().withUser('a,b=c');
  const server = new ScramServer('SCRAM-SHA-256', named);
  assert.match(server.evaluate(Buffer.from('n,,n=a=2Cb=3Dc,r=x')).toString(), /^r=x/);
  const second = new ScramServer('SCRAM-SHA-256', credentials());
  second.evaluate(Buffer.from('n,,n=alice,r=x'));
  assert.match(failure(() => second.evaluate(Buffer.from('c=biws,r=x'))).detail, /lacks a proof/);
  assert.match(failure(() => second.evaluate(Buffer.from('anything'))).detail, /state failed/);
});

/** Credentials with one SCRAM-SHA-256 user of any name. */
class ScramCredentialStoreUsers implements SaslCredentials {
  #users = new Map<string, ScramCredential>();
  withUser(name: string): this {
    this.#users.set(name, createCredential(SCRAM_MECHANISMS['SCRAM-SHA-256'], 'pw', 4096));
    return this;
  }
  verifyPassword(): boolean {
    return false;
  }
  scramCredential(user: string): ScramCredential | undefined {
    return this.#users.get(user);
  }
}
