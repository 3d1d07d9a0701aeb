/**
 * `npm start`: the tutorial pipeline as a Sluice job, on the embedded broker, in one process.
 *   1. start the Kafka-compatible broker on a free port with a temporary data dir
 *      (or use the Kafka at SLUICE_BOOTSTRAP=host:port);
 *   2. create the topics `test` and `output`;
 *   3. start the Sluice job: KafkaSource(`test`) → map(new UpperCaseMapFunction()) → KafkaSink(`output`);
 *   4. produce `message 0` … `message 9` to `test`;
 *   5. read `output` with a separate consumer and print what arrives; then stop the job
 *      (`npm start -- --keep-running`: leave the job, the broker and the dashboard up until Ctrl-C).
 * The dashboard (job graph, metrics, topics, groups) is served on a free loopback port, printed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { startBroker, type RunningBroker } from '../broker/index.ts';
import { exitWhenDrained } from '../cli/exit.ts';
import { SluiceErrorCodes } from '../core/errors/codes.ts';
import { logger } from '../util/logger.ts';
import { upperCaseJob } from './upper-case-job.ts';
import { startDashboard } from '../dashboard/server.ts';
import { LocalJobView } from '../dashboard/local-job-view.ts';
import { ProcessJobs } from '../dashboard/process-jobs.ts';
import { systemClock } from '../util/clock.ts';

const COUNT = 10;

/** End offset of every partition of `topic`, as `{ topic: { partition: offset } }`. */
async function endOffsets(bootstrap: string, topic: string): Promise<Record<number, bigint>> {
  const consumer = new Consumer({ clientId: 'quickstart-offsets', groupId: 'quickstart-offsets', bootstrapBrokers: [bootstrap] });
  try {
    const offsets = (await consumer.listOffsets({ topics: [topic] })).get(topic) ?? [];
    return Object.fromEntries(offsets.map((o, p) => [p, o]));
  } finally {
    await consumer.close();
  }
}

async function main(): Promise<void> {
  let broker: RunningBroker | undefined;
  let dataDir: string | undefined;
  let bootstrap = process.env.SLUICE_BOOTSTRAP;
  if (!bootstrap) {
    dataDir = mkdtempSync(join(tmpdir(), 'sluice-quickstart-'));
    broker = await startBroker({ port: 0, host: '127.0.0.1', dataDir, logger: logger.child({}, { level: process.env.SLUICE_LOG_LEVEL ?? 'warn' }) });
    bootstrap = broker.bootstrap;
    console.log(`Started the embedded Kafka-compatible broker on ${bootstrap} (data in ${dataDir})`);
  } else console.log(`Using the Kafka at ${bootstrap} (SLUICE_BOOTSTRAP)`);

  // The dashboard sees the job once it starts (ProcessJobs listens for it) and the broker's metrics.
  const jobs = new ProcessJobs(systemClock);
  const ownBroker = broker;
  const dashboard = await startDashboard({
    jobs: new LocalJobView(() => jobs.jobs(), systemClock),
    metrics: () => [...(ownBroker ? [ownBroker.metrics.registry] : []), ...jobs.registries()],
    kafka: { bootstrap: [bootstrap] },
  });
  console.log(`Dashboard (the job, its metrics, topics and groups): ${dashboard.url}`);

  const admin = new Admin({ clientId: 'quickstart-admin', bootstrapBrokers: [bootstrap] });
  const existing = new Set(await admin.listTopics());
  const missing = ['test', 'output'].filter((t) => !existing.has(t));
  if (missing.length > 0) await admin.createTopics({ topics: missing, partitions: 1, replicas: 1 });
  console.log('Topics `test` and `output` are ready.');
  // Start where the topics end now: on a shared Kafka, only this run's messages are read.
  const [testEnd, outputEnd] = [await endOffsets(bootstrap, 'test'), await endOffsets(bootstrap, 'output')];
  await admin.close();

  // A separate consumer prints what the job writes.
  const reader = new Consumer({ clientId: 'quickstart-reader', groupId: `quickstart-reader-${process.pid}`, bootstrapBrokers: [bootstrap], deserializers: stringDeserializers });
  const offsets = Object.entries(outputEnd).map(([p, offset]) => ({ topic: 'output', partition: Number(p), offset }));
  const readStream = await reader.consume({ topics: ['output'], mode: 'manual', offsets, maxWaitTime: 100 });
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

  // The job, as any Sluice program would run it (see src/quickstart/upper-case-job.ts).
  const env = upperCaseJob({ bootstrap, groupId: 'quickstart-upper-case', startingOffsets: { offsets: { test: testEnd } } });
  const job = await env.executeAsync('upper-case');
  console.log('Started the Sluice job: KafkaSource(test) → map(UpperCaseMapFunction) → KafkaSink(output).');
  let jobError: unknown;
  job.result.catch((e: unknown) => (jobError = e));

  const producer = new Producer({ clientId: 'quickstart-producer', bootstrapBrokers: [bootstrap], serializers: stringSerializers });
  await producer.send({ messages: Array.from({ length: COUNT }, (_, i) => ({ topic: 'test', value: `message ${i}` })) });
  console.log(`Produced message 0 … message ${COUNT - 1} to \`test\`; the job upper-cases them into \`output\`:`);
  await Promise.race([
    received,
    job.result.then(
      () => Promise.reject(new Error('the job ended early')),
      (e: unknown) => Promise.reject(e),
    ),
  ]);

  if (process.argv.includes('--keep-running')) {
    console.log(`--keep-running: the job, the broker and the dashboard stay up (${dashboard.url}); Ctrl-C stops them.`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  }
  job.cancel();
  await job.result.catch(() => {});
  await dashboard.close();
  jobs.close();
  if (jobError !== undefined && (jobError as { code?: string }).code !== SluiceErrorCodes.JOB_CANCELLED) throw jobError;
  await readStream.close();
  await Promise.all([producer.close(), reader.close(true)]);
  await broker?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  console.log(
    [
      '',
      'What happened: a producer wrote to `test`; a Sluice DataStream job (a KafkaSource, a map, a KafkaSink)',
      'upper-cased each value into `output`; a separate consumer printed it. All through a Kafka-compatible',
      'broker running inside Node.js, no Java or Docker.',
      'Try next:',
      '  npx sluice broker --data-dir ./data                  # the broker on its own, on localhost:9092',
      '  npx sluice run examples/upper-case/job.ts            # the same job as a file (see examples/README.md)',
      '  npx sluice run examples/pyflink-tutorial/job.ts      # the PyFlink + Kafka tutorial, translated',
      '  SLUICE_BOOTSTRAP=your-kafka:9092 npm start           # the same pipeline against any Kafka',
    ].join('\n'),
  );
}

main().catch(async (err: unknown) => {
  console.error(`quickstart failed: ${err instanceof Error ? err.message : String(err)}`);
  await exitWhenDrained(1);
});
