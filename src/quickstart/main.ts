/**
 * `npm start`: the tutorial pipeline on the embedded broker, in one process.
 *   1. start the Kafka-compatible broker on a free port with a temporary data dir;
 *   2. create the topics `test` and `output`;
 *   3. run the job: consume `test`, upper-case each value, produce to `output`;
 *   4. produce `message 0` … `message 9` to `test`;
 *   5. read `output` with a separate consumer and print what arrives.
 * Set SLUICE_BOOTSTRAP=host:port to run it against another Kafka instead of the embedded broker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { startBroker, type RunningBroker } from '../broker/index.ts';

const COUNT = 10;

async function main(): Promise<void> {
  let broker: RunningBroker | undefined;
  let dataDir: string | undefined;
  let bootstrap = process.env.SLUICE_BOOTSTRAP;
  if (!bootstrap) {
    dataDir = mkdtempSync(join(tmpdir(), 'sluice-quickstart-'));
    broker = await startBroker({ port: 0, dataDir, logger: (await import('pino')).pino({ level: 'warn' }) });
    bootstrap = broker.bootstrap;
    console.log(`Started the embedded Kafka-compatible broker on ${bootstrap} (data in ${dataDir})`);
  }
  const run = `${Date.now()}`;
  // On the fresh embedded broker the topics start empty, so reading from the earliest offset is
  // safe and avoids racing the producer; on a shared Kafka only new messages are this run's.
  const mode = broker ? 'earliest' : 'latest';
  const admin = new Admin({ clientId: 'quickstart-admin', bootstrapBrokers: [bootstrap] });
  const existing = new Set(await admin.listTopics());
  const missing = ['test', 'output'].filter((t) => !existing.has(t));
  if (missing.length > 0) await admin.createTopics({ topics: missing, partitions: 1, replicas: 1 });
  await admin.close();
  console.log('Topics `test` and `output` are ready.');

  // The job: consume `test`, upper-case, produce to `output`.
  const jobConsumer = new Consumer({ clientId: 'quickstart-job', groupId: `quickstart-job-${run}`, bootstrapBrokers: [bootstrap], deserializers: stringDeserializers });
  const jobProducer = new Producer({ clientId: 'quickstart-job', bootstrapBrokers: [bootstrap], serializers: stringSerializers });
  const jobStream = await jobConsumer.consume({ topics: ['test'], mode, maxWaitTime: 100 });
  jobStream.on('data', (message) => {
    void jobProducer.send({ messages: [{ topic: 'output', key: message.key, value: String(message.value).toUpperCase() }] });
  });

  // A separate consumer prints what the job writes.
  const reader = new Consumer({ clientId: 'quickstart-reader', groupId: `quickstart-reader-${run}`, bootstrapBrokers: [bootstrap], deserializers: stringDeserializers });
  const readStream = await reader.consume({ topics: ['output'], mode, maxWaitTime: 100 });
  const received = new Promise<void>((resolve, reject) => {
    let n = 0;
    const timer = setTimeout(() => reject(new Error(`only ${n} of ${COUNT} results arrived within 30 s`)), 30_000);
    readStream.on('data', (message) => {
      console.log(`  output <- ${message.value}`);
      if (++n === COUNT) {
        clearTimeout(timer);
        resolve();
      }
    });
  });

  const producer = new Producer({ clientId: 'quickstart-producer', bootstrapBrokers: [bootstrap], serializers: stringSerializers });
  await producer.send({ messages: Array.from({ length: COUNT }, (_, i) => ({ topic: 'test', value: `message ${i}` })) });
  console.log(`Produced message 0 … message ${COUNT - 1} to \`test\`; the job upper-cases them into \`output\`:`);
  await received;

  await Promise.all([readStream.close(), jobStream.close()]);
  await Promise.all([producer.close(), jobProducer.close(), reader.close(true), jobConsumer.close(true)]);
  await broker?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  console.log(
    [
      '',
      'What happened: a producer wrote to `test`, a job consumed it, transformed each value and wrote',
      '`output`, and a consumer printed the result, all through a Kafka-compatible broker inside Node.js.',
      'Try next: `npx sluice broker --data-dir ./data` to run the broker on its own, and point any Kafka',
      'client (kafkajs, librdkafka, kafka-python) at localhost:9092.',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(`quickstart failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
