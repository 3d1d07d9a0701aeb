import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { BasicAuthenticator, basicCredentials, MAX_CHECKS_PER_SECOND, type Authentication, type DashboardAuth } from '../../src/dashboard/http/basic-auth.ts';
import { ManualClock } from '../../src/util/clock.ts';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const requestWith = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;
const viewer = (a: Authentication) => (a.ok ? a.viewer : undefined);
const reason = (a: Authentication) => (a.ok ? 'ok' : a.reason);

test('Basic credentials: user and password split at the first colon, UTF-8; anything else is no credentials', () => {
  assert.deepEqual(basicCredentials(`Basic ${b64('alice:pa:ss')}`), { user: 'alice', password: 'pa:ss' });
  assert.deepEqual(basicCredentials(`basic ${b64('zoë:mot de passe')}`), { user: 'zoë', password: 'mot de passe' });
  assert.deepEqual(basicCredentials(`Basic ${b64('alice:')}`), { user: 'alice', password: '' });
  for (const bad of [undefined, '', 'Bearer abc', `Basic ${b64(':pw')}`, `Basic ${b64('nocolon')}`, 'Basic !!!', `Basic ${b64('a:b')} extra`]) assert.equal(basicCredentials(bad), undefined, String(bad));
});

test('a checked password is remembered for 30 s only, and a wrong one is never remembered', () => {
  const clock = new ManualClock(1_000);
  const passwords = new Map([['alice', 'right']]);
  let checks = 0;
  const auth: DashboardAuth = {
    verifyPassword: (user, password) => {
      checks++;
      return passwords.get(user) === password;
    },
    authorize: ({ user, host, operation, name }) => user === 'alice' && host === '10.0.0.7' && operation === 'DESCRIBE' && name === 'orders',
  };
  const basic = new BasicAuthenticator(auth, clock);
  const alice = viewer(basic.authenticate(requestWith(`Basic ${b64('alice:right')}`), '10.0.0.7'));
  assert.equal(alice?.user, 'alice');
  assert.equal(alice.can('DESCRIBE', 'TOPIC', 'orders'), true);
  assert.equal(alice.can('READ', 'TOPIC', 'orders'), false);
  assert.equal(alice.can('DESCRIBE', 'TOPIC', 'payments'), false);
  assert.equal(reason(basic.authenticate(requestWith(`Basic ${b64('alice:wrong')}`), '10.0.0.7')), 'wrong');
  assert.equal(reason(basic.authenticate(requestWith(`Basic ${b64('alice:wrong')}`), '10.0.0.7')), 'wrong');
  assert.equal(checks, 3);
  clock.advance(29_000);
  assert.equal(reason(basic.authenticate(requestWith(`Basic ${b64('alice:right')}`), '10.0.0.7')), 'ok');
  assert.equal(checks, 3, 'remembered');
  passwords.set('alice', 'changed');
  clock.advance(2_000);
  assert.equal(reason(basic.authenticate(requestWith(`Basic ${b64('alice:right')}`), '10.0.0.7')), 'wrong', 'after 30 s the old password is checked again and refused');
  assert.equal(checks, 4);
});

test('without an authorize function every authenticated user sees everything', () => {
  const basic = new BasicAuthenticator({ verifyPassword: () => true }, new ManualClock());
  assert.equal(viewer(basic.authenticate(requestWith(`Basic ${b64('bob:x')}`), '127.0.0.1'))?.can('READ', 'TOPIC', 'any'), true);
  assert.equal(reason(basic.authenticate(requestWith(), '127.0.0.1')), 'missing');
});

test('at most MAX_CHECKS_PER_SECOND password checks a second: a flood of wrong logins is answered busy, not checked; remembered logins still pass', () => {
  const clock = new ManualClock(5_000);
  let checks = 0;
  const basic = new BasicAuthenticator({ verifyPassword: (user, password) => (checks++, user === 'alice' && password === 'right') }, clock);
  const attempt = (login: string) => reason(basic.authenticate(requestWith(`Basic ${b64(login)}`), '10.0.0.9'));
  assert.equal(attempt('alice:right'), 'ok');
  for (let i = 1; i < MAX_CHECKS_PER_SECOND; i++) assert.equal(attempt(`alice:guess${i}`), 'wrong');
  assert.equal(attempt('alice:guess-more'), 'busy');
  assert.equal(attempt('alice:right'), 'ok', 'remembered, so not counted');
  assert.equal(checks, MAX_CHECKS_PER_SECOND);
  clock.advance(1_000);
  assert.equal(attempt('alice:guess-more'), 'wrong', 'a new second, a new budget');
});
