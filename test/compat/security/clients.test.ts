// Real Kafka clients against the secured broker: kafkajs, @platformatic/kafka (through the
// connectors' property mapping), librdkafka (kcat, confluent-kafka-python) and kafka-python over
// SASL_PLAINTEXT with PLAIN, SASL_SSL with SCRAM-SHA-512 (and 256) and mutual TLS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { Consumer, FetchIsolationLevels, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { connectionOptions, parseProperties, COMMON_PROPERTIES } from '../../../src/kafka/properties.ts';
import { startSecuredBroker, run, USER, PASSWORD, type SecuredBroker } from './secured-broker.ts';

let s: SecuredBroker;
before(async () => {
  s = await startSecuredBroker();
});
after(async () => {
  await s.stop();
});

const PY = fileURLToPath(new URL('./secured_clients.py', import.meta.url));

async function kafkajsRoundTrip(name: string, config: Omit<KafkaConfig, 'brokers'>, bootstrap: string): Promise<void> {
  const kafka = new Kafka({ brokers: [bootstrap], clientId: name, logLevel: logLevel.NOTHING, ...config });
  const topic = `kj-${name}`;
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })) });
  await producer.disconnect();
  const txn = kafka.producer({ transactionalId: `${name}-txn`, idempotent: true, maxInFlightRequests: 1 });
  await txn.connect();
  const t = await txn.transaction();
  await t.send({ topic, messages: [{ value: 'in-txn' }] });
  await t.commit();
  await txn.disconnect();
  const consumer = kafka.consumer({ groupId: `${name}-group`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((resolve) => void consumer.run({ eachMessage: async ({ message }) => void (values.push(message.value!.toString()) === 11 && resolve()) }));
  await consumer.disconnect();
  assert.deepEqual(values, [...Array.from({ length: 10 }, (_, i) => `v${i}`), 'in-txn']);
}

test('kafkajs: produce, transaction and group consume over SASL_PLAINTEXT/PLAIN, SASL_SSL/SCRAM-SHA-512 and mutual TLS', async () => {
  await kafkajsRoundTrip('plain', { sasl: { mechanism: 'plain', username: USER, password: PASSWORD } }, s.bootstrap('SASL_PLAINTEXT'));
  await kafkajsRoundTrip('scram512', { ssl: { ca: [s.tls.ca.cert] }, sasl: { mechanism: 'scram-sha-512', username: USER, password: PASSWORD } }, s.bootstrap('SASL_SSL'));
  await kafkajsRoundTrip('scram256', { ssl: { ca: [s.tls.ca.cert] }, sasl: { mechanism: 'scram-sha-256', username: USER, password: PASSWORD } }, s.bootstrap('SASL_SSL'));
  await kafkajsRoundTrip('mtls', { ssl: { ca: [s.tls.ca.cert], cert: s.carol.cert, key: s.carol.key } }, s.bootstrap('SSL'));
});

test('kafkajs: a wrong password gets SASL_AUTHENTICATION_FAILED (an error, not a hang), for PLAIN and SCRAM', async () => {
  for (const mechanism of ['plain', 'scram-sha-512'] as const) {
    const kafka = new Kafka({ brokers: [s.bootstrap('SASL_SSL')], clientId: 'bad', logLevel: logLevel.NOTHING, ssl: { ca: [s.tls.ca.cert] }, sasl: { mechanism, username: USER, password: 'wrong' } as never, retry: { retries: 0 } });
    const admin = kafka.admin();
    await assert.rejects(admin.connect(), (err: Error & { type?: string }) => {
      assert.match(`${err.name} ${err.message} ${err.type ?? ''}`, /SASL|[Aa]uthentication failed/);
      return true;
    });
  }
});

/** Producer + group consumer of @platformatic/kafka configured with Kafka client properties. */
async function platformaticRoundTrip(name: string, bootstrap: string, properties: Record<string, string>): Promise<void> {
  const conn = await connectionOptions(name, parseProperties(name, properties, COMMON_PROPERTIES));
  const topic = `plt-${name}`;
  const producer = new Producer({ clientId: name, bootstrapBrokers: [bootstrap], serializers: stringSerializers, autocreateTopics: true, ...conn });
  await producer.send({ messages: Array.from({ length: 10 }, (_, i) => ({ topic, value: `v${i}` })) });
  await producer.close();
  const txn = new Producer({ clientId: `plt-${name}-txn`, bootstrapBrokers: [bootstrap], serializers: stringSerializers, idempotent: true, transactionalId: `plt-${name}-txn`, ...conn });
  const t = await txn.beginTransaction();
  await t.send({ messages: [{ topic, value: 'in-txn' }] });
  await t.commit();
  await txn.close();
  const consumer = new Consumer({ clientId: name, groupId: `${name}-group`, bootstrapBrokers: [bootstrap], deserializers: stringDeserializers, ...conn });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', isolationLevel: FetchIsolationLevels.READ_COMMITTED });
  const values: string[] = [];
  for await (const message of stream) {
    values.push(message.value);
    if (values.length === 11) break;
  }
  await stream.close();
  await consumer.close();
  assert.deepEqual(values, [...Array.from({ length: 10 }, (_, i) => `v${i}`), 'in-txn']);
}

test('@platformatic/kafka with connector properties (produce, transaction, group consume read_committed): SASL_PLAINTEXT/PLAIN, SASL_SSL/SCRAM-SHA-512, mutual TLS', async () => {
  await platformaticRoundTrip('plain', s.bootstrap('SASL_PLAINTEXT'), { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.username': USER, 'sasl.password': PASSWORD });
  await platformaticRoundTrip('scram', s.bootstrap('SASL_SSL'), {
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'SCRAM-SHA-512',
    'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${USER}" password="${PASSWORD}";`,
    'ssl.ca.location': s.tls.ca.certFile,
  });
  await platformaticRoundTrip('mtls', s.bootstrap('SSL'), { 'security.protocol': 'SSL', 'ssl.ca.location': s.tls.ca.certFile, 'ssl.certificate.location': s.carol.certFile, 'ssl.key.location': s.carol.keyFile });
});

function kcatArgs(kind: 'plain' | 'scram' | 'mtls'): string[] {
  if (kind === 'plain') return ['-b', s.bootstrap('SASL_PLAINTEXT'), '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=PLAIN', '-X', `sasl.username=${USER}`, '-X', `sasl.password=${PASSWORD}`];
  if (kind === 'scram') return ['-b', s.bootstrap('SASL_SSL'), '-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanisms=SCRAM-SHA-512', '-X', `sasl.username=${USER}`, '-X', `sasl.password=${PASSWORD}`, '-X', `ssl.ca.location=${s.tls.ca.certFile}`];
  return ['-b', s.bootstrap('SSL'), '-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${s.tls.ca.certFile}`, '-X', `ssl.certificate.location=${s.carol.certFile}`, '-X', `ssl.key.location=${s.carol.keyFile}`];
}

test('librdkafka (kcat): produce and group consume over SASL_PLAINTEXT/PLAIN, SASL_SSL/SCRAM-SHA-512, mutual TLS', async () => {
  for (const kind of ['plain', 'scram', 'mtls'] as const) {
    const topic = `kc-${kind}`;
    const lines = Array.from({ length: 10 }, (_, i) => `v${i}`).join('\n') + '\n';
    const p = await run('kcat', [...kcatArgs(kind), '-P', '-t', topic, '-X', 'acks=all'], lines);
    assert.equal(p.code, 0, `${kind} produce: ${p.err}`);
    const c = await run('kcat', [...kcatArgs(kind), '-G', `kc-${kind}-group`, topic, '-c', '10', '-e', '-q', '-X', 'auto.offset.reset=earliest']);
    assert.equal(c.code, 0, `${kind} consume: ${c.err}`);
    assert.deepEqual(c.out.trim().split('\n'), lines.trim().split('\n'));
  }
});

test('librdkafka (kcat): a wrong password fails with an authentication error', async () => {
  const args = kcatArgs('scram').map((a) => (a === `sasl.password=${PASSWORD}` ? 'sasl.password=wrong' : a));
  // kcat waits out its metadata timeout (-m) before it exits; the failed authentication is logged at the first attempt.
  const r = await run('kcat', [...args, '-L', '-m', '4']);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /Authentication failed|SASL_AUTHENTICATION_FAILED|Invalid username or password/i);
});

async function python(client: 'confluent' | 'kafka-python', kind: 'plain' | 'scram' | 'scram256' | 'mtls'): Promise<Record<string, unknown>> {
  const security =
    kind === 'plain'
      ? { protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN', username: USER, password: PASSWORD }
      : kind === 'mtls'
        ? { protocol: 'SSL', ca: s.tls.ca.certFile, cert: s.carol.certFile, key: s.carol.keyFile }
        : { protocol: 'SASL_SSL', mechanism: kind === 'scram' ? 'SCRAM-SHA-512' : 'SCRAM-SHA-256', username: USER, password: PASSWORD, ca: s.tls.ca.certFile };
  const bootstrap = s.bootstrap(kind === 'plain' ? 'SASL_PLAINTEXT' : kind === 'mtls' ? 'SSL' : 'SASL_SSL');
  const r = await run('/usr/bin/python3', [PY, JSON.stringify({ client, bootstrap, topic: `py-${client}-${kind}`, group: `py-${client}-${kind}-group`, security })]);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

test('librdkafka (confluent-kafka-python): idempotent produce, transaction, group consume over PLAIN, SCRAM-SHA-512 over TLS, mutual TLS', async () => {
  for (const kind of ['plain', 'scram', 'mtls'] as const) {
    assert.deepEqual(await python('confluent', kind), { produced: 20, consumed: 25, transactional: 5 }, kind);
  }
});

test('kafka-python (SaslHandshake v0/v1 flows): produce and group consume over PLAIN, SCRAM-SHA-256/512 over TLS, mutual TLS', async () => {
  for (const kind of ['plain', 'scram', 'scram256', 'mtls'] as const) {
    assert.deepEqual(await python('kafka-python', kind), { produced: 20, consumed: 20, transactional: null }, kind);
  }
});
