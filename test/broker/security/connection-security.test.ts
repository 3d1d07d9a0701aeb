// What the connection layer does on each kind of listener, seen on the wire: SASL before
// anything else, failures answered then closed, wrong protocols refused with one log line,
// mutual TLS, and Metadata advertising the listener the client came in on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { ApiKey } from '../../../src/protocol/api-keys.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { startSecuredBroker, USER, PASSWORD, type SecuredBroker } from '../../compat/security/secured-broker.ts';
import { WireClient, capturingLogger } from './wire-client.ts';

const captured = capturingLogger();
let s: SecuredBroker;
before(async () => {
  s = await startSecuredBroker({ logger: captured.logger, connectionsMaxReauthMs: 60_000 });
});
after(async () => {
  await s.stop();
});

const portOf = (name: 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SSL' | 'SASL_SSL'): number => s.broker.listeners.find((l) => l.name === name)!.listenPort;
const plainToken = (user: string, password: string): Buffer => Buffer.from(`\0${user}\0${password}`);
const METADATA_ALL = { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(check(), what);
}

test('SASL listener: before authentication only ApiVersions and SaslHandshake are answered; any other API closes the connection unanswered', async () => {
  const c = await WireClient.plain(portOf('SASL_PLAINTEXT'));
  const versions = await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
  const keys = versions!.apiKeys.map((a: { apiKey: number }) => a.apiKey);
  for (const k of [ApiKey.SaslHandshake, ApiKey.SaslAuthenticate, ApiKey.DescribeAcls, ApiKey.CreateAcls, ApiKey.DeleteAcls, ApiKey.DescribeUserScramCredentials, ApiKey.AlterUserScramCredentials]) assert.ok(keys.includes(k), `api key ${k} advertised`);
  assert.equal(await c.request(ApiKey.Metadata, 12, METADATA_ALL), null, 'Metadata before authentication: closed without an answer');
  assert.ok(c.closed);
  await eventually(() => captured.lines.some((l) => /Unexpected Kafka request of type Metadata during SASL handshake/.test(l.reason ?? '')), 'the refusal is logged');
});

test('SASL v1 flow: a wrong password gets SASL_AUTHENTICATION_FAILED, then the connection closes; the right one gets a session', async () => {
  const bad = await WireClient.plain(portOf('SASL_PLAINTEXT'));
  assert.equal((await bad.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' }))!.errorCode, ErrorCode.NONE);
  const failed = await bad.request(ApiKey.SaslAuthenticate, 2, { authBytes: plainToken(USER, 'wrong') });
  assert.equal(failed!.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
  assert.match(failed!.errorMessage, /Invalid username or password/);
  await bad.untilClosed();

  const good = await WireClient.plain(portOf('SASL_PLAINTEXT'));
  const hs = await good.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
  assert.deepEqual(hs!.mechanisms, ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']);
  const ok = await good.request(ApiKey.SaslAuthenticate, 2, { authBytes: plainToken(USER, PASSWORD) });
  assert.equal(ok!.errorCode, ErrorCode.NONE);
  assert.equal(ok!.sessionLifetimeMs, 60_000n, 'connections.max.reauth.ms is the session lifetime (KIP-368)');
  const meta = await good.request(ApiKey.Metadata, 12, METADATA_ALL);
  assert.equal(meta!.brokers[0].port, portOf('SASL_PLAINTEXT'), 'Metadata advertises the SASL_PLAINTEXT listener');
  // KIP-368: re-authentication on the same connection, same mechanism and principal.
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal((await good.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' }))!.errorCode, ErrorCode.NONE);
  assert.equal((await good.request(ApiKey.SaslAuthenticate, 2, { authBytes: plainToken(USER, PASSWORD) }))!.errorCode, ErrorCode.NONE);
  assert.ok((await good.request(ApiKey.Metadata, 12, METADATA_ALL)) !== null, 'still served after re-authentication');
  good.close();
});

test('SASL v0 flow (SaslHandshake v0, then raw tokens): PLAIN answered with an empty frame; a wrong password closes the connection', async () => {
  const c = await WireClient.plain(portOf('SASL_PLAINTEXT'));
  assert.equal((await c.request(ApiKey.SaslHandshake, 0, { mechanism: 'PLAIN' }))!.errorCode, ErrorCode.NONE);
  const answer = await c.rawToken(plainToken(USER, PASSWORD));
  assert.deepEqual(answer, Buffer.alloc(0));
  assert.ok((await c.request(ApiKey.Metadata, 1, { topics: null })) !== null, 'authenticated: Metadata answered');
  c.close();
  const bad = await WireClient.plain(portOf('SASL_PLAINTEXT'));
  await bad.request(ApiKey.SaslHandshake, 0, { mechanism: 'PLAIN' });
  assert.equal(await bad.rawToken(plainToken(USER, 'nope')), null, 'closed, no answer');
});

test('listeners without SASL answer SaslHandshake with ILLEGAL_SASL_STATE and keep the connection', async () => {
  const c = await WireClient.plain(portOf('PLAINTEXT'));
  assert.equal((await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' }))!.errorCode, ErrorCode.ILLEGAL_SASL_STATE);
  const meta = await c.request(ApiKey.Metadata, 12, METADATA_ALL);
  assert.equal(meta!.brokers[0].port, portOf('PLAINTEXT'));
  c.close();
});

test('a TLS client on a plaintext listener and a plaintext client on a TLS listener: closed, one clear log line each', async () => {
  const tlsOnPlain = tlsConnect({ port: portOf('PLAINTEXT'), host: '127.0.0.1', ca: s.tls.ca.cert, servername: 'localhost' });
  await new Promise<void>((resolve) => tlsOnPlain.once('error', () => resolve()).once('close', () => resolve()));
  await eventually(() => captured.lines.some((l) => /TLS handshake on a plaintext listener/.test(l.msg)), 'TLS-on-plaintext logged');
  const plainOnTls = await WireClient.plain(portOf('SSL'));
  assert.equal(await plainOnTls.request(ApiKey.ApiVersions, 0, {}), null);
  await eventually(() => captured.lines.some((l) => /plaintext Kafka request to a TLS listener/.test(l.msg)), 'plaintext-on-TLS logged');
  assert.equal(captured.lines.filter((l) => /frame/.test(l.msg) || /frame/.test(l.reason ?? '')).length, 0, 'no "bad frame" lines');
  assert.equal(captured.lines.filter((l) => /TLS handshake on a plaintext listener/.test(l.msg)).length, 1);
});

test('mutual TLS: the certificate subject is the principal; a certificate from an unknown CA is refused', async () => {
  const c = await WireClient.tls(portOf('SSL'), { ca: s.tls.ca.cert, cert: s.carol.cert, key: s.carol.key });
  const meta = await c.request(ApiKey.Metadata, 12, METADATA_ALL);
  assert.equal(meta!.brokers[0].port, portOf('SSL'));
  c.close();
  const rogue = s.tls.rogueServer;
  const refused = await WireClient.tls(portOf('SSL'), { ca: s.tls.ca.cert, cert: rogue.cert, key: rogue.key }).then(
    (w) => w.request(ApiKey.ApiVersions, 0, {}),
    () => null,
  );
  assert.equal(refused, null);
  await eventually(() => captured.lines.some((l) => /client certificate .* is not trusted|TLS handshake with a client failed/.test(l.msg)), 'the untrusted certificate is logged');
});
