// Sluice's own wire client (the CLI's) against the broker: version negotiation, SASL PLAIN and
// SCRAM over plaintext and TLS, refused credentials, topic changes, produce and fetch with the
// Java client's key partitioning, and what it does with peers that are not Kafka.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { readFileSync } from 'node:fs';
import { ApiKey } from '../../../src/protocol/api-keys.ts';
import { ZERO_UUID } from '../../../src/protocol/primitives/uuid.ts';
import { BrokerConnection } from '../../../src/cli/wire/broker-connection.ts';
import { ClusterClient } from '../../../src/cli/wire/cluster-client.ts';
import { readFetchedPartition } from '../../../src/cli/wire/fetched-records.ts';
import { RecordProducer } from '../../../src/cli/wire/record-producer.ts';
import { createTopic, deleteTopic, EARLIEST, LATEST, listOffsets, listTopics } from '../../../src/cli/wire/topic-admin.ts';
import { BrokerAuthenticationError, BrokerConnectionError, BrokerRequestError } from '../../../src/cli/wire/wire-errors.ts';
import { murmur2 } from '../../../src/util/murmur2.ts';
import { startSecuredBroker, USER, PASSWORD, type SecuredBroker } from '../../compat/security/secured-broker.ts';

let s: SecuredBroker;
before(async () => {
  s = await startSecuredBroker();
});
after(async () => {
  await s.stop();
});

const settings = { clientId: 'wire-test' };

test('SASL PLAIN and SCRAM-SHA-256/512, over plaintext and TLS; wrong credentials are an authentication error', async () => {
  const ca = readFileSync(s.tls.ca.certFile);
  const cases = [
    { listener: 'SASL_PLAINTEXT' as const, mechanism: 'PLAIN' },
    { listener: 'SASL_PLAINTEXT' as const, mechanism: 'SCRAM-SHA-256' },
    { listener: 'SASL_SSL' as const, mechanism: 'SCRAM-SHA-512' },
  ];
  for (const { listener, mechanism } of cases) {
    const tls = listener === 'SASL_SSL' ? { tls: { ca } } : {};
    const cluster = await ClusterClient.connect([s.bootstrap(listener)], { ...settings, ...tls, sasl: { mechanism, username: USER, password: PASSWORD } });
    try {
      assert.ok(Array.isArray(await listTopics(cluster, true)), `${mechanism} on ${listener}`);
    } finally {
      cluster.close();
    }
    await assert.rejects(
      ClusterClient.connect([s.bootstrap(listener)], { ...settings, ...tls, sasl: { mechanism, username: USER, password: 'wrong' } }),
      (e: unknown) => e instanceof BrokerAuthenticationError && /authentication failed at /.test(e.message),
      `${mechanism} on ${listener} with a wrong password`,
    );
  }
  // Unauthenticated requests on a SASL listener: the broker closes the connection; the client says so.
  const c = await BrokerConnection.open(s.bootstrap('SASL_PLAINTEXT'), settings);
  await assert.rejects(c.request(ApiKey.Metadata, { topics: [] }), BrokerConnectionError);
  c.close();
});

test('create, produce (keys placed as the Java client places them), list offsets, fetch, delete', async () => {
  const cluster = await ClusterClient.connect([s.bootstrap('PLAINTEXT')], settings);
  try {
    await createTopic(cluster, 'wire-t', 3, 1, [{ name: 'retention.ms', value: '3600000' }]);
    await assert.rejects(createTopic(cluster, 'wire-t', 3, 1, []), (e: unknown) => e instanceof BrokerRequestError && e.errorName === 'TOPIC_ALREADY_EXISTS');
    const topic = (await cluster.topic('wire-t'))!;
    assert.equal(topic.partitions.length, 3);
    const producer = new RecordProducer(cluster, topic);
    const keys = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'];
    await producer.send(keys.map((k) => ({ key: Buffer.from(k), value: Buffer.from(`v-${k}`) })), -1, 0);
    await producer.send([{ value: Buffer.from('gz'), partition: 1 }], 1, 1);
    const latest = await listOffsets(cluster, topic, LATEST, 0);
    const earliest = await listOffsets(cluster, topic, EARLIEST, 0);
    assert.deepEqual(earliest, [0n, 0n, 0n]);
    const expected = [0, 1, 2].map((p) => keys.filter((k) => (murmur2(Buffer.from(k)) & 0x7fffffff) % 3 === p).length + (p === 1 ? 1 : 0));
    assert.deepEqual(latest.map(Number), expected);

    const connection = await cluster.node(topic.partitions[1]!.leaderId);
    const response = await connection.request(ApiKey.Fetch, {
      replicaId: -1, maxWaitMs: 100, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'wire-t', topicId: topic.topicId, partitions: [{ partition: 1, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20, replicaDirectoryId: ZERO_UUID }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const p = response.responses[0]!.partitions[0]!;
    assert.equal(p.errorCode, 0);
    const got = readFetchedPartition(p.records as Buffer, 0n, null);
    assert.deepEqual(got.records.map((r) => String(r.value)), [...keys.filter((k) => (murmur2(Buffer.from(k)) & 0x7fffffff) % 3 === 1).map((k) => `v-${k}`), 'gz']);
    assert.equal(got.next, latest[1]);

    await deleteTopic(cluster, 'wire-t');
    assert.equal(await cluster.topic('wire-t'), undefined);
  } finally {
    cluster.close();
  }
});

test('peers that are not Kafka: refused, closed mid-request, absurd frame sizes', async () => {
  const probe: Server = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const free = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  await assert.rejects(BrokerConnection.open(`127.0.0.1:${free}`, settings), (e: unknown) => e instanceof BrokerConnectionError && e.reason === 'ECONNREFUSED');

  const hangUp = createServer((socket) => socket.once('data', () => socket.destroy()));
  const garbage = createServer((socket) => socket.once('data', () => socket.write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))));
  for (const [server, reason] of [[hangUp, /closed the connection/], [garbage, /is this a Kafka broker/]] as const) {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = `127.0.0.1:${(server.address() as { port: number }).port}`;
    await assert.rejects(BrokerConnection.open(address, settings), (e: unknown) => e instanceof BrokerConnectionError && reason.test(e.message));
    await new Promise<void>((r) => server.close(() => r()));
  }
});
