import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlainServer } from '../../../../src/broker/security/sasl/plain.ts';
import { SaslAuthenticationFailure } from '../../../../src/broker/security/errors.ts';
import { credentials } from './sasl-fixtures.ts';

const run = (token: string): PlainServer => {
  const server = new PlainServer(credentials());
  assert.deepEqual(server.evaluate(Buffer.from(token)), Buffer.alloc(0));
  return server;
};
const refused = (token: string): string => {
  try {
    new PlainServer(credentials()).evaluate(Buffer.from(token));
  } catch (err) {
    assert.ok(err instanceof SaslAuthenticationFailure);
    return err.clientMessage;
  }
  assert.fail('expected a refusal');
};

test('PLAIN: a file user and a SCRAM user log in, with or without an authzid equal to the user', () => {
  assert.equal(run('\0dev\0dev-secret').authorizationId, 'dev');
  assert.equal(run('dev\0dev\0dev-secret').authorizationId, 'dev'); // kafka-python sends the user as authzid
  const alice = run('\0alice\0alice-secret'); // checked against the stored SCRAM credential
  assert.equal(alice.complete, true);
  assert.equal(alice.authorizationId, 'alice');
});

test('PLAIN: refusals carry Kafka\'s messages', () => {
  assert.equal(refused('\0dev\0wrong'), 'Authentication failed: Invalid username or password');
  assert.equal(refused('\0nobody\0dev-secret'), 'Authentication failed: Invalid username or password');
  assert.equal(refused('\0alice\0dev-secret'), 'Authentication failed: Invalid username or password');
  assert.equal(refused('alice\0dev\0dev-secret'), 'Authentication failed: Client requested an authorization id that is different from username');
  assert.equal(refused('\0\0pw'), 'Authentication failed: username not specified');
  assert.equal(refused('\0dev\0'), 'Authentication failed: password not specified');
  assert.equal(refused('dev-secret'), 'Invalid SASL/PLAIN response: expected 3 tokens, got 1');
  assert.equal(refused('a\0b\0c\0d\0e'), 'Invalid SASL/PLAIN response: expected 3 tokens, got 4');
});

test('PLAIN: one token only', () => {
  const server = run('\0dev\0dev-secret');
  assert.throws(() => server.evaluate(Buffer.from('\0dev\0dev-secret')), SaslAuthenticationFailure);
});
