import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SaslAuthenticator, NO_SASL, type SaslAuthenticatorOptions } from '../../../../src/broker/security/sasl/authenticator.ts';
import { ApiKey, ErrorCode } from '../../../../src/protocol/index.ts';
import { ManualClock } from '../../../../src/util/clock.ts';
import { credentials, platformaticPlain, platformaticScram } from './sasl-fixtures.ts';

function authenticator(o: Partial<SaslAuthenticatorOptions> = {}): { sasl: SaslAuthenticator; clock: ManualClock } {
  const clock = new ManualClock(1_000_000);
  return { sasl: new SaslAuthenticator({ mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'], credentials: credentials(), clock, ...o }), clock };
}

test('before the handshake only ApiVersions and SaslHandshake are served; anything else closes', () => {
  const { sasl } = authenticator();
  assert.deepEqual(sasl.gate(ApiKey.ApiVersions), { action: 'dispatch' });
  assert.deepEqual(sasl.gate(ApiKey.ApiVersions), { action: 'dispatch' });
  assert.deepEqual(sasl.gate(ApiKey.SaslHandshake), { action: 'handshake' });
  const metadata = authenticator().sasl;
  assert.deepEqual(metadata.gate(ApiKey.Metadata), { action: 'close', reason: 'Unexpected Kafka request of type Metadata during SASL handshake' });
  assert.deepEqual(metadata.gate(ApiKey.ApiVersions), { action: 'close', reason: 'SASL authentication failed earlier on this connection' });
  assert.equal(authenticator().sasl.gate(ApiKey.SaslAuthenticate).action, 'close');
  assert.equal(metadata.principal, null);
});

test('an unsupported mechanism gets UNSUPPORTED_SASL_MECHANISM with the enabled list, then the connection closes', () => {
  const { sasl } = authenticator({ mechanisms: ['SCRAM-SHA-512'] });
  const reply = sasl.handshake(1, 'PLAIN');
  assert.deepEqual(reply.response, { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: ['SCRAM-SHA-512'] });
  assert.equal(reply.next.then, 'close');
  assert.equal(sasl.gate(ApiKey.SaslAuthenticate).action, 'close');
});

test('handshake v1 then SaslAuthenticate: @platformatic/kafka\'s SCRAM-SHA-512 and PLAIN clients log in', async () => {
  for (const [mechanism, login] of [
    ['SCRAM-SHA-512', (s: SaslAuthenticator) => platformaticScram(s, 'SHA-512', 'alice', 'alice-secret')],
    ['SCRAM-SHA-256', (s: SaslAuthenticator) => platformaticScram(s, 'SHA-256', 'dev', 'dev-secret')],
    ['PLAIN', (s: SaslAuthenticator) => platformaticPlain(s, 'dev', 'dev-secret')],
  ] as const) {
    const { sasl } = authenticator();
    assert.deepEqual(sasl.handshake(1, mechanism), { response: { errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] }, next: { then: 'continue' } });
    assert.equal(sasl.expectsRawToken, false);
    assert.deepEqual(sasl.gate(ApiKey.Metadata).action, 'close', 'nothing but SaslAuthenticate during authentication');
  }
  for (const [mechanism, login, user] of [
    ['SCRAM-SHA-512', (s: SaslAuthenticator) => platformaticScram(s, 'SHA-512', 'alice', 'alice-secret'), 'alice'],
    ['SCRAM-SHA-256', (s: SaslAuthenticator) => platformaticScram(s, 'SHA-256', 'dev', 'dev-secret'), 'dev'],
    ['PLAIN', (s: SaslAuthenticator) => platformaticPlain(s, 'dev', 'dev-secret'), 'dev'],
  ] as const) {
    const { sasl } = authenticator();
    sasl.handshake(1, mechanism);
    const outcome = await login(sasl);
    assert.equal(outcome.error, null, `${mechanism}: ${outcome.error}`);
    assert.deepEqual(sasl.principal, { type: 'User', name: user });
    assert.equal(sasl.mechanism, mechanism);
    assert.equal(outcome.responses.at(-1)!.sessionLifetimeMs, 0n, 'no session lifetime by default');
    assert.deepEqual(sasl.gate(ApiKey.Produce), { action: 'dispatch' });
    assert.equal(sasl.maxFrameBytes(100 << 20), 100 << 20);
  }
});

test('a wrong password gets SASL_AUTHENTICATION_FAILED with a message, then a delayed close; nothing else is served', async () => {
  const { sasl } = authenticator({ failedAuthenticationDelayMs: 250 });
  sasl.handshake(1, 'SCRAM-SHA-512');
  const outcome = await platformaticScram(sasl, 'SHA-512', 'alice', 'nope');
  assert.ok(outcome.error, 'the client sees a failure');
  const last = outcome.responses.at(-1)!;
  assert.equal(last.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
  assert.equal(last.errorMessage, 'Authentication failed due to invalid credentials with SASL mechanism SCRAM-SHA-512');
  assert.equal(sasl.principal, null);
  assert.equal(sasl.gate(ApiKey.Metadata).action, 'close');
  const again = authenticator({ failedAuthenticationDelayMs: 250 }).sasl;
  again.handshake(1, 'PLAIN');
  const reply = again.authenticate(Buffer.from('\0dev\0wrong'));
  assert.deepEqual(reply.next, { then: 'close', delayMs: 250, reason: 'SASL authentication failed: wrong password or unknown user \'dev\'' });
  assert.equal(reply.response.errorMessage, 'Authentication failed: Invalid username or password');
});

test('handshake v0: raw tokens without Kafka framing (kafka-python, old librdkafka)', () => {
  const { sasl } = authenticator();
  assert.equal(sasl.handshake(0, 'PLAIN').response.errorCode, 0);
  assert.equal(sasl.expectsRawToken, true);
  const reply = sasl.rawToken(Buffer.from('dev\0dev\0dev-secret'));
  assert.deepEqual(reply, { token: Buffer.alloc(0), next: { then: 'continue' } }); // sent as a zero-length frame
  assert.equal(sasl.expectsRawToken, false);
  assert.deepEqual(sasl.principal, { type: 'User', name: 'dev' });
  assert.deepEqual(sasl.gate(ApiKey.Metadata), { action: 'dispatch' });

  const bad = authenticator().sasl;
  bad.handshake(0, 'SCRAM-SHA-256');
  const first = bad.rawToken(Buffer.from('n,,n=alice,r=abc'));
  assert.match(first.token!.toString(), /^r=abc[^,]+,s=[^,]+,i=4096$/);
  const failed = bad.rawToken(Buffer.from('c=biws,r=abc,p=AAAA'));
  assert.equal(failed.token, null, 'v0 failures close without a reply, as Kafka does');
  assert.equal(failed.next.then, 'close');
  assert.equal(bad.rawToken(Buffer.from('x')).next.then, 'close');
});

test('frames before authentication are limited to sasl.server.max.receive.size', () => {
  const { sasl } = authenticator({ maxReceiveBytes: 4096 });
  assert.equal(sasl.maxFrameBytes(100 << 20), 4096);
  assert.equal(authenticator().sasl.maxFrameBytes(100 << 20), 512 * 1024);
});

test('after authentication, SaslHandshake and SaslAuthenticate get ILLEGAL_SASL_STATE when sessions do not expire', () => {
  const { sasl } = authenticator();
  sasl.handshake(1, 'PLAIN');
  sasl.authenticate(Buffer.from('\0dev\0dev-secret'));
  assert.equal(sasl.gate(ApiKey.SaslHandshake).action, 'handshake');
  assert.deepEqual(sasl.handshake(1, 'PLAIN'), { response: { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] }, next: { then: 'continue' } });
  assert.equal(sasl.gate(ApiKey.SaslAuthenticate).action, 'authenticate');
  const reply = sasl.authenticate(Buffer.from('\0dev\0dev-secret'));
  assert.equal(reply.response.errorCode, ErrorCode.ILLEGAL_SASL_STATE);
  assert.equal(reply.next.then, 'continue');
  assert.deepEqual(sasl.gate(ApiKey.Fetch), { action: 'dispatch' });
});

test('KIP-368: the session lifetime is sent, the first request after expiry closes, re-authentication renews it', async () => {
  const { sasl, clock } = authenticator({ maxReauthMs: 60_000 });
  sasl.handshake(1, 'SCRAM-SHA-512');
  const outcome = await platformaticScram(sasl, 'SHA-512', 'alice', 'alice-secret');
  assert.equal(outcome.responses.at(-1)!.sessionLifetimeMs, 60_000n);
  assert.equal(sasl.sessionExpiresAt, 1_060_000);
  clock.advance(50_000);
  assert.deepEqual(sasl.gate(ApiKey.Produce), { action: 'dispatch' });
  // Re-authentication before expiry: same mechanism, same principal.
  assert.equal(sasl.gate(ApiKey.SaslHandshake).action, 'handshake');
  assert.equal(sasl.handshake(1, 'SCRAM-SHA-512').response.errorCode, ErrorCode.NONE);
  assert.equal(sasl.gate(ApiKey.Produce).action, 'close', 'only SaslAuthenticate while re-authenticating');
});

test('KIP-368: a renewed session lasts from the re-authentication; expiry without it closes', async () => {
  const { sasl, clock } = authenticator({ maxReauthMs: 60_000 });
  sasl.handshake(1, 'SCRAM-SHA-256');
  await platformaticScram(sasl, 'SHA-256', 'alice', 'alice-secret');
  clock.advance(59_000);
  sasl.gate(ApiKey.SaslHandshake);
  sasl.handshake(1, 'SCRAM-SHA-256');
  const again = await platformaticScram(sasl, 'SHA-256', 'alice', 'alice-secret');
  assert.equal(again.error, null);
  assert.equal(again.responses.at(-1)!.sessionLifetimeMs, 60_000n);
  clock.advance(59_000); // 118 s after the first login, 59 s after the second
  assert.deepEqual(sasl.gate(ApiKey.Produce), { action: 'dispatch' });
  clock.advance(1_001);
  const closed = sasl.gate(ApiKey.Produce);
  assert.equal(closed.action, 'close');
  assert.match((closed as { reason: string }).reason, /session of User:alice expired/);
});

test('KIP-368: re-authenticating as someone else or with another mechanism fails and closes', async () => {
  const first = authenticator({ maxReauthMs: 60_000 });
  first.sasl.handshake(1, 'PLAIN');
  first.sasl.authenticate(Buffer.from('\0dev\0dev-secret'));
  first.sasl.gate(ApiKey.SaslHandshake);
  first.sasl.handshake(1, 'PLAIN');
  const other = first.sasl.authenticate(Buffer.from('\0alice\0alice-secret'));
  assert.equal(other.response.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
  assert.equal(other.response.errorMessage, 'Cannot change principals during re-authentication from User.dev: User.alice');
  assert.equal(other.next.then, 'close');

  const second = authenticator({ maxReauthMs: 60_000 });
  second.sasl.handshake(1, 'PLAIN');
  second.sasl.authenticate(Buffer.from('\0dev\0dev-secret'));
  second.sasl.gate(ApiKey.SaslHandshake);
  assert.equal(second.sasl.handshake(1, 'SCRAM-SHA-256').response.errorCode, ErrorCode.NONE);
  const changed = second.sasl.authenticate(Buffer.from('n,,n=dev,r=x'));
  assert.equal(changed.response.errorMessage, "SASL mechanism 'SCRAM-SHA-256' requested by client is not supported for re-authentication of mechanism 'PLAIN'");
  assert.equal(changed.next.then, 'close');
});

test('KIP-368: at most one re-authentication a second; a second handshake within it gets ILLEGAL_SASL_STATE', () => {
  const { sasl, clock } = authenticator({ maxReauthMs: 60_000 });
  sasl.handshake(1, 'PLAIN');
  sasl.authenticate(Buffer.from('\0dev\0dev-secret'));
  sasl.gate(ApiKey.SaslHandshake);
  sasl.handshake(1, 'PLAIN');
  sasl.authenticate(Buffer.from('\0dev\0dev-secret'));
  clock.advance(500);
  sasl.gate(ApiKey.SaslHandshake);
  assert.equal(sasl.handshake(1, 'PLAIN').response.errorCode, ErrorCode.ILLEGAL_SASL_STATE);
  clock.advance(600);
  sasl.gate(ApiKey.SaslHandshake);
  assert.equal(sasl.handshake(1, 'PLAIN').response.errorCode, ErrorCode.NONE);
});

test('listeners without SASL answer ILLEGAL_SASL_STATE, as Kafka does', () => {
  assert.equal(NO_SASL.handshake().errorCode, ErrorCode.ILLEGAL_SASL_STATE);
  assert.equal(NO_SASL.authenticate().errorCode, ErrorCode.ILLEGAL_SASL_STATE);
});
