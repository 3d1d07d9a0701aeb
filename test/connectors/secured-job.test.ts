// A Sluice job whose KafkaSource and KafkaSink carry SASL_SSL client properties (SCRAM-SHA-512,
// the CA file) runs against a broker that accepts only authenticated TLS clients on that listener.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaSink, KafkaSource, StreamExecutionEnvironment, WatermarkStrategy } from '../../src/index.ts';
import { startSecuredBroker, USER, PASSWORD, type SecuredBroker } from '../compat/security/secured-broker.ts';
import { arraySink, spawnNode } from './kafka-helpers.ts';

let s: SecuredBroker;
let properties: Record<string, string>;
before(async () => {
  s = await startSecuredBroker({ authorizer: { superUsers: `User:${USER}` } });
  properties = {
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'SCRAM-SHA-512',
    'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${USER}" password="${PASSWORD}";`,
    'ssl.ca.location': s.tls.ca.certFile,
  };
  const admin = new Kafka({ brokers: [s.bootstrap('SASL_SSL')], logLevel: logLevel.NOTHING, ssl: { ca: [s.tls.ca.cert] }, sasl: { mechanism: 'scram-sha-512', username: USER, password: PASSWORD } }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'secured-in', numPartitions: 2 }, { topic: 'secured-out', numPartitions: 2 }] });
  await admin.disconnect();
});
after(async () => {
  await s.stop();
});

test('KafkaSink and KafkaSource with SASL_SSL properties: write, read, transform and write again, then read back', async () => {
  const bootstrapServers = s.bootstrap('SASL_SSL');
  const numbers = Array.from({ length: 50 }, (_, i) => i);
  const write = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  write.fromCollection(numbers).sinkTo(new KafkaSink<number>({ bootstrapServers, topic: 'secured-in', properties, serializer: (n) => String(n) }));
  await write.execute('write over SASL_SSL');

  const pipe = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  pipe
    .fromSource(new KafkaSource<string>({ bootstrapServers, topics: ['secured-in'], bounded: true, startingOffsets: 'earliest', groupId: 'secured-job', properties }), WatermarkStrategy.noWatermarks<string>(), 'secured source')
    .map((v) => String(Number(v) * 2))
    .sinkTo(new KafkaSink<string>({ bootstrapServers, topic: 'secured-out', properties, serializer: (v) => v }));
  await pipe.execute('pipe over SASL_SSL');

  const read = StreamExecutionEnvironment.getExecutionEnvironment();
  const out: string[] = [];
  read.fromSource(new KafkaSource<string>({ bootstrapServers, topics: ['secured-out'], bounded: true, startingOffsets: 'earliest', properties }), WatermarkStrategy.noWatermarks<string>(), 'check').sinkTo(arraySink(out));
  await read.execute('read back');
  assert.deepEqual(out.map(Number).sort((a, b) => a - b), numbers.map((n) => n * 2));
});

test('the same job with a wrong password exits with an authentication error instead of hanging or retrying forever', async () => {
  const wrong = { ...properties, 'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${USER}" password="wrong";` };
  const job = spawnNode(['test/connectors/fixtures/secured-sink-job.ts'], { SECURED_BOOTSTRAP: s.bootstrap('SASL_SSL'), SECURED_PROPERTIES: JSON.stringify(wrong) });
  const code = await job.exited;
  assert.notEqual(code, 0);
  assert.match(job.stderr(), /refused the credentials/);
  assert.doesNotMatch(job.stdout(), /done/);
});
