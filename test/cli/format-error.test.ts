import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MultipleErrors, NetworkError, ProtocolError } from '@platformatic/kafka';
import { parseBootstrap } from '../../src/cli/bootstrap.ts';
import { CliError } from '../../src/cli/cli-error.ts';
import { errorLine } from '../../src/cli/format-error.ts';
import { collectConfig } from '../../src/cli/option-parsers.ts';

function refused(address: string): Error {
  const socketError = Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });
  const network = new NetworkError(`Connection to ${address} failed.`, { cause: socketError });
  return new MultipleErrors('Listing topics failed.', [new MultipleErrors('Cannot connect to any broker.', [network])]);
}

test('connection failures name the address that failed', () => {
  assert.equal(
    errorLine(new CliError('cannot list topics', { cause: refused('127.0.0.1:9') }), '127.0.0.1:9'),
    'cannot connect to Kafka at 127.0.0.1:9 (ECONNREFUSED); is a broker running there? (set --bootstrap or SLUICE_BOOTSTRAP)',
  );
  assert.equal(
    errorLine(refused('kafka-0.internal:9092'), '127.0.0.1:9092'),
    "cannot connect to the Kafka broker at kafka-0.internal:9092 (ECONNREFUSED), the address advertised through 127.0.0.1:9092; check the broker's advertised listeners",
  );
});

test('broker errors give the operation, the reason and the code', () => {
  const protocol = new ProtocolError('TOPIC_ALREADY_EXISTS', 'topic "t" already exists');
  const err = new CliError('cannot create topic "t"', { cause: new MultipleErrors('Creating topics failed.', [protocol]) });
  assert.equal(errorLine(err, 'x:1'), 'cannot create topic "t": topic "t" already exists (TOPIC_ALREADY_EXISTS)');
  assert.equal(errorLine(new CliError('topic "t" does not exist'), 'x:1'), 'topic "t" does not exist');
  assert.equal(errorLine(new Error('boom'), 'x:1'), 'boom');
});

test('option parsing', () => {
  assert.deepEqual(parseBootstrap('a:1, b:2,[::1]:9092'), ['a:1', 'b:2', '[::1]:9092']);
  for (const bad of ['', 'host', 'host:0', 'host:70000', 'host:x', ':9092']) assert.throws(() => parseBootstrap(bad), /--bootstrap must be host:port/);
  assert.deepEqual(collectConfig('a=b=c', [{ name: 'x', value: '1' }]), [{ name: 'x', value: '1' }, { name: 'a', value: 'b=c' }]);
  assert.deepEqual(collectConfig('empty=', []), [{ name: 'empty', value: '' }]);
  for (const bad of ['novalue', '=x', ' =x']) assert.throws(() => collectConfig(bad, []), /--config must be key=value/);
  assert.throws(() => collectConfig('a=2', [{ name: 'a', value: '1' }]), /given twice/);
});
