import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopbackHost, tokenFor } from '../../src/dashboard/http/access.ts';

test('loopback hosts: localhost, 127.0.0.0/8 and ::1; everything else is not', () => {
  for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', 'LOCALHOST']) assert.equal(isLoopbackHost(h), true, h);
  for (const h of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '127.0.0.1.example.com', 'localhost.evil', '']) assert.equal(isLoopbackHost(h), false, h);
});

test('bound off loopback, the dashboard always requires a token: the given one or a fresh random one', () => {
  assert.equal(tokenFor('127.0.0.1', undefined), undefined);
  assert.equal(tokenFor('127.0.0.1', 'mine'), 'mine');
  assert.equal(tokenFor('0.0.0.0', 'mine'), 'mine');
  const a = tokenFor('0.0.0.0', undefined);
  const b = tokenFor('::', undefined);
  assert.match(a ?? '', /^[A-Za-z0-9_-]{32}$/);
  assert.notEqual(a, b);
});
