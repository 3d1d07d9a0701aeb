import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KafkaSink, KafkaSource } from '../../src/index.ts';
import type { KafkaClientProvider, KafkaClients, KafkaConnection } from '../../src/core/kafka-clients.ts';
import type { SinkInitContext } from '../../src/core/sink.ts';
import type { SourceReaderContext } from '../../src/core/source.ts';
import { ClientSupplier } from '../../src/kafka/client-supplier.ts';
import { WorkerClients } from '../../src/kafka/worker-clients.ts';
import { systemClock } from '../../src/util/clock.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { createTopics, produce, readTopic } from './kafka-helpers.ts';

let a: Awaited<ReturnType<typeof startTestBroker>>;
let b: Awaited<ReturnType<typeof startTestBroker>>;

before(async () => {
  [a, b] = await Promise.all([startTestBroker(), startTestBroker()]);
  await createTopics(a.bootstrap, { 'shared-in': 1, 'shared-out': 1, 'shared-dlq': 1 });
  await createTopics(b.bootstrap, { 'other-out': 1 });
});
after(async () => {
  await a?.stop();
  await b?.stop();
});

/** How many records a topic's only partition holds. */
async function readTopicCount(bootstrap: string, topic: string): Promise<number> {
  const probe = new ClientSupplier({ connection: { bootstrapBrokers: [bootstrap] }, clientId: 'count', producer: { kind: 'idempotent' } });
  try {
    const offsets = await probe.consumer('count').listOffsets({ topics: [topic] });
    return Number(offsets.get(topic)?.[0] ?? 0n);
  } finally {
    await probe.close();
  }
}

/** The worker's clients, recording which set every connector asked for. */
function recordingProvider(): { provider: KafkaClientProvider; handed: KafkaClients[]; worker: WorkerClients } {
  const worker = new WorkerClients({ clientId: 'shared-test' });
  const handed: KafkaClients[] = [];
  const provider = {
    clients(connection: KafkaConnection) {
      const c = worker.clients(connection);
      handed.push(c);
      return c;
    },
  };
  return { provider, handed, worker };
}

const sinkContext = (kafka: KafkaClientProvider): SinkInitContext => ({ subtaskIndex: 0, parallelism: 1, jobName: 'shared', kafka });
const writerContext = { timestamp: () => undefined, currentWatermark: () => Number.MIN_SAFE_INTEGER };

test('the sinks, readers and dead-letter writer of one cluster share the worker clients; another cluster gets its own', async () => {
  const { provider, handed, worker } = recordingProvider();
  try {
    // The same cluster, given as an option and as a property.
    const sink1 = new KafkaSink<string>({ bootstrapServers: a.bootstrap, topic: 'shared-out' });
    const sink2 = new KafkaSink<string>({ topic: 'shared-out', properties: { 'bootstrap.servers': a.bootstrap } });
    const reader = new KafkaSource<string>({
      bootstrapServers: a.bootstrap,
      topics: ['shared-in'],
      groupId: 'shared-group',
      startingOffsets: 'earliest',
      deserializer: (bytes) => {
        const text = bytes === null ? '' : bytes.toString();
        if (text === 'bad') throw new Error('not a good record');
        return text;
      },
      onDeserializationError: 'dead-letter',
      deadLetterTopic: 'shared-dlq',
    }).createReader({ subtaskIndex: 0, parallelism: 1, clock: systemClock, sleepUntil: async () => {}, kafka: provider } satisfies SourceReaderContext);

    const supplier = worker.clients({ bootstrapBrokers: [a.bootstrap] });
    const producer = supplier.producer();
    let sends = 0;
    const send = producer.send.bind(producer);
    producer.send = ((...args: Parameters<typeof send>) => {
      sends++;
      return send(...args);
    }) as typeof producer.send;

    const w1 = await sink1.createWriter(sinkContext(provider));
    const w2 = await sink2.createWriter(sinkContext(provider));
    await reader.start?.();
    assert.equal(handed.length, 3, 'both sinks and the reader asked the worker for their clients');
    for (const c of handed) assert.equal(c, supplier, 'one set of clients for the cluster');

    // A record the reader cannot read goes to the dead-letter topic on the same producer.
    await produce(a.bootstrap, 'shared-in', [{ value: 'bad', partition: 0 }]);
    const sendsBefore = sends;
    const collected: string[] = [];
    const out = {
      collect: (v: string) => void collected.push(v),
      emitWatermark: () => {},
      markIdle: () => {},
      markActive: () => {},
      createOutputForSplit: () => out,
      releaseOutputForSplit: () => {},
    };
    for (let id = 1; (await readTopicCount(a.bootstrap, 'shared-dlq')) === 0; id++) {
      await reader.isAvailable();
      reader.pollNext(out);
      reader.snapshotState?.(id);
      await reader.positionsToCommit?.(id)?.durable;
    }
    assert.ok(sends > sendsBefore, 'the dead-letter record went out on the worker producer');

    w1.write('one', writerContext);
    w2.write('two', writerContext);
    await w1.flush?.(false);
    await w2.flush?.(false);
    assert.ok(sends >= 1, 'the sinks wrote on the worker producer');
    assert.deepEqual((await readTopic(a.bootstrap, 'shared-out', 2)).map((m) => m.value.toString()).sort(), ['one', 'two']);

    await w1.close?.();
    await reader.close?.();
    assert.equal(producer.closed, false, 'a writer or reader never closes the worker producer');
    w2.write('three', writerContext);
    await w2.flush?.(false);
    assert.deepEqual((await readTopic(a.bootstrap, 'shared-out', 3)).map((m) => m.value.toString()).sort(), ['one', 'three', 'two']);
    await w2.close?.();

    const other = await new KafkaSink<string>({ bootstrapServers: b.bootstrap, topic: 'other-out' }).createWriter(sinkContext(provider));
    assert.notEqual(handed.at(-1), supplier, 'another cluster gets its own clients');
    assert.equal([...worker.clusters()].length, 2);
    await other.close?.();
  } finally {
    await worker.close();
  }
});

test('the worker closes the clients: asking a closed worker for a producer fails with a clear code', async () => {
  const worker = new WorkerClients({ clientId: 'closed-test' });
  const supplier = worker.clients({ bootstrapBrokers: [a.bootstrap] });
  const producer = supplier.producer();
  await producer.metadata({ topics: [] });
  await worker.close();
  assert.equal(producer.closed, true);
  assert.throws(() => supplier.producer(), (e: Error & { code?: string }) => e.code === 'SLUICE_KAFKA_CLIENTS_CLOSED');
});

test('a writer created outside a worker has clients of its own and closes them', async () => {
  const w = await new KafkaSink<string>({ bootstrapServers: a.bootstrap, topic: 'shared-out' }).createWriter({ subtaskIndex: 0, parallelism: 1, jobName: 'alone' });
  w.write('alone', writerContext);
  await w.flush?.(false);
  await w.close?.();
  assert.ok((await readTopic(a.bootstrap, 'shared-out', 4)).some((m) => m.value.toString() === 'alone'));
});

test('the worker producer gives up on a missing topic instead of retrying forever', async () => {
  const supplier = new ClientSupplier({ connection: { bootstrapBrokers: [a.bootstrap], retryDelay: 50 }, clientId: 'bounded', producer: { kind: 'idempotent' } });
  try {
    await assert.rejects(supplier.producer().metadata({ topics: ['never-there'], autocreateTopics: false }));
  } finally {
    await supplier.close();
  }
});
