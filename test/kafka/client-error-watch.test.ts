import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { channel } from 'node:diagnostics_channel';
import { Admin, Producer } from '@platformatic/kafka';
import { watchClientErrors } from '../../src/kafka/client-error-watch.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { createTopics } from '../connectors/kafka-helpers.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { taken: 1 });
});
after(async () => {
  await broker?.stop();
});

test("the worker's clients' errors are counted by client and Kafka error name; other clients' are not", { timeout: 60_000 }, async () => {
  const seen: string[] = [];
  const stop = watchClientErrors('sluice-job-a', (client, error) => seen.push(`${client} ${error}`));
  const mine = new Admin({ clientId: 'sluice-job-a-admin', bootstrapBrokers: [broker.bootstrap] });
  const other = new Admin({ clientId: 'someone-else', bootstrapBrokers: [broker.bootstrap] });
  const producer = new Producer({ clientId: 'sluice-job-a-producer', bootstrapBrokers: [broker.bootstrap], retries: 0 });
  try {
    await assert.rejects(mine.createTopics({ topics: ['taken'], partitions: 1, replicas: 1 }));
    await assert.rejects(other.createTopics({ topics: ['taken'], partitions: 1, replicas: 1 }));
    await assert.rejects(producer.send({ messages: [{ topic: 'not a valid topic name!', value: Buffer.from('x') }] }));
    assert.equal(seen.filter((s) => s === 'admin TOPIC_ALREADY_EXISTS').length, 1, seen.join(', '));
    // The broker answers Metadata for an illegal topic name with INVALID_TOPIC_EXCEPTION, as Kafka does.
    assert.deepEqual(seen.filter((s) => s.startsWith('producer ')), ['producer INVALID_TOPIC_EXCEPTION'], seen.join(', '));
    // An error without a Kafka name (a client-side refusal) counts under the library's code.
    const refusal = Object.assign(new Error('refused by the client'), { code: 'PLT_KFK_USER' });
    channel('tracing:plt:kafka:producer:sends:error').publish({ client: { clientId: 'sluice-job-a-producer', constructor: { name: 'Producer' } }, error: refusal });
    assert.deepEqual(seen.filter((s) => s.startsWith('producer ')), ['producer INVALID_TOPIC_EXCEPTION', 'producer PLT_KFK_USER'], seen.join(', '));
    assert.equal(seen.length, 3, `only this worker's clients, each error once: ${seen.join(', ')}`);
    stop();
    await assert.rejects(mine.createTopics({ topics: ['taken'], partitions: 1, replicas: 1 }));
    assert.equal(seen.length, 3, 'nothing counted after stop');
  } finally {
    stop();
    await Promise.allSettled([mine.close(), other.close(), producer.close()]);
  }
});
