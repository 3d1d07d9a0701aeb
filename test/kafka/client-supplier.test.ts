import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaRequestError } from '../../src/kafka/errors.ts';
import { kafkaTestEnv } from './helpers.ts';

const env = kafkaTestEnv({}, [{ name: 'cs-topic', partitions: 2 }]);

test('one producer per worker, consumers on demand, one admin; close() closes every client it created', async () => {
  const clients = env.supplier('cs-worker-0');
  assert.equal(clients.transactionalId, 'cs-worker-0');
  const producer = clients.producer();
  assert.equal(clients.producer(), producer, 'the same producer every time');
  assert.equal(clients.admin(), clients.admin());
  const side = clients.nonTransactionalProducer();
  assert.notEqual(side, producer, 'a transactional worker gets a separate producer for non-transactional records');
  const c1 = clients.consumer('a');
  const c2 = clients.consumer('b');
  assert.notEqual(c1, c2);
  // Use them, so connections exist.
  await producer.metadata({ topics: ['cs-topic'] });
  await side.send({ messages: [{ topic: 'cs-topic', partition: 0, value: Buffer.from('x') }] });
  await c1.listOffsets({ topics: ['cs-topic'] });
  await clients.admin().listTopics();
  await clients.wire('w').metadata(['cs-topic']);

  const admin = clients.admin();
  await clients.close();
  for (const client of [producer, side, c1, c2, admin]) assert.equal(client.closed, true);
  for (const ask of [() => clients.producer(), () => clients.admin(), () => clients.consumer('c'), () => clients.wire('x')]) {
    assert.throws(ask, (e: unknown) => e instanceof KafkaRequestError && e.code === 'SLUICE_KAFKA_CLIENTS_CLOSED');
  }
  await clients.close(); // twice is fine
});

test('an idempotent worker uses its one producer for control records too', () => {
  const clients = env.supplier();
  assert.equal(clients.transactionalId, undefined);
  assert.equal(clients.nonTransactionalProducer(), clients.producer());
});
