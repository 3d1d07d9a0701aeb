import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createServer, connect, type TLSSocket } from 'node:tls';
import { PrincipalMapper } from '../../../../src/broker/security/tls/principal-mapper.ts';
import { rfc2253 } from '../../../../src/broker/security/tls/distinguished-name.ts';
import { SecurityError } from '../../../../src/broker/security/errors.ts';
import { tlsMaterial } from '../../../helpers/tls-material.ts';

test('certificate subjects become Kafka\'s RFC 2253 distinguished names (last RDN first, Java escaping)', () => {
  const tls = tlsMaterial();
  try {
    const subject = (s: string) => new X509Certificate(tls.client(`c${s.length}`, s).cert).subject;
    assert.equal(rfc2253(subject('/C=US/ST=CA/O=Sluice/OU=eng/CN=alice')), 'CN=alice,OU=eng,O=Sluice,ST=CA,C=US');
    assert.equal(rfc2253(subject('/O=Acme, Inc./CN=a=b\\+c')), 'CN=a\\=b\\+c,O=Acme\\, Inc.');
    assert.equal(rfc2253(subject('/CN=bob/emailAddress=bob@example.com')), '1.2.840.113549.1.9.1=#160f626f62406578616d706c652e636f6d,CN=bob');
    assert.equal(rfc2253(subject('/DC=com/DC=example/UID=u1/CN=x')), 'CN=x,UID=u1,DC=example,DC=com');
  } finally {
    tls.cleanup();
  }
});

test('ssl.principal.mapping.rules: RULE with $n, L and U, DEFAULT; first match wins; no match refuses', () => {
  const m = new PrincipalMapper('RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/L, RULE:^CN=([^,]*),O=(.*)$/$1@$2/U ,DEFAULT');
  assert.equal(m.map('CN=Alice,OU=ServiceUsers,O=Acme'), 'alice');
  assert.equal(m.map('CN=bob,O=acme'), 'BOB@ACME');
  assert.equal(m.map('CN=carol,OU=x,O=Acme'), 'CN=carol,OU=x,O=Acme');
  const strict = new PrincipalMapper('RULE:^CN=([^,]*)$/$1/');
  assert.equal(strict.map('CN=dave'), 'dave');
  assert.equal(strict.map('CN=dave,O=x'), null, 'the pattern must match the whole name');
  assert.equal(strict.principalOf('O=x\nCN=dave'), null);
  assert.deepEqual(strict.principalOf('CN=dave'), { type: 'User', name: 'dave' });
  assert.equal(new PrincipalMapper('RULE:^(.*)\\/x$/$1/').map('a/x'), 'a', 'escaped slash in a pattern');
  for (const bad of ['RULE:^CN=(.*)$/$1', 'FOO', 'RULE:([/x/', '']) {
    assert.throws(() => new PrincipalMapper(bad), (e: unknown) => e instanceof SecurityError && e.code === 'SLUICE_SECURITY_CONFIG', bad);
  }
});

test('mutual TLS over loopback: the server sees User:<DN> of the client certificate, ANONYMOUS without one', { timeout: 30_000 }, async () => {
  const tls = tlsMaterial();
  const seen: string[] = [];
  const mapper = new PrincipalMapper();
  const server = createServer({ key: tls.server.key, cert: tls.server.cert, ca: tls.ca.cert, requestCert: true, rejectUnauthorized: false }, (s: TLSSocket) => {
    const principal = mapper.principalOf(s.authorized ? s.getPeerX509Certificate()?.subject : null);
    seen.push(principal === null ? 'refused' : `${principal.type}:${principal.name}`);
    s.end();
  });
  try {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const alice = tls.client('alice', '/O=Sluice/OU=eng/CN=alice');
    for (const opts of [{ key: alice.key, cert: alice.cert }, {}]) {
      await new Promise<void>((resolve, reject) => {
        const c = connect({ host: '127.0.0.1', port, ca: tls.ca.cert, ...opts }, () => c.on('close', () => resolve()));
        c.on('error', reject);
        c.resume();
      });
    }
    assert.deepEqual(seen, ['User:CN=alice,OU=eng,O=Sluice', 'User:ANONYMOUS']);
  } finally {
    server.close();
    tls.cleanup();
  }
});
