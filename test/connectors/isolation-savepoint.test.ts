import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { KafkaSource, StreamExecutionEnvironment, WatermarkStrategy, type JobSnapshot, type KafkaSourceOptions } from '../../src/index.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { arraySink, createTopics, eventually, produce } from './kafka-helpers.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let bootstrap: string;

before(async () => {
  broker = await startTestBroker();
  bootstrap = broker.bootstrap;
  await createTopics(bootstrap, { txn: 1, resume: 2 });
});
after(async () => {
  await broker.stop();
});

async function readAll(options: Partial<KafkaSourceOptions<string>>): Promise<string[]> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out: string[] = [];
  env
    .fromSource(new KafkaSource<string>({ bootstrapServers: bootstrap, topics: ['txn'], startingOffsets: 'earliest', bounded: true, ...options }), WatermarkStrategy.noWatermarks<string>(), 'txn')
    .sinkTo(arraySink(out));
  await env.execute('txn');
  return out;
}

test("isolation.level read_committed hides aborted transactions and stops at the last stable offset", async () => {
  const producer = new Producer({ clientId: 'txn', bootstrapBrokers: [bootstrap], serializers: stringSerializers, idempotent: true, transactionalId: 'txn-writer', acks: -1 });
  await producer.send({ messages: [{ topic: 'txn', value: 'plain' }] }).catch(() => undefined);
  let t = await producer.beginTransaction();
  await t.send({ messages: [{ topic: 'txn', value: 'committed' }] });
  await t.commit();
  t = await producer.beginTransaction();
  await t.send({ messages: [{ topic: 'txn', value: 'aborted' }] });
  await t.abort();
  t = await producer.beginTransaction();
  await t.send({ messages: [{ topic: 'txn', value: 'open' }] }); // still open while the job reads
  try {
    const committed = await readAll({ properties: { 'isolation.level': 'read_committed' } });
    assert.ok(committed.includes('committed'));
    assert.ok(!committed.includes('aborted') && !committed.includes('open'), `read_committed saw ${committed.join(', ')}`);
    const uncommitted = await readAll({});
    assert.ok(uncommitted.includes('aborted') && uncommitted.includes('open'));
  } finally {
    await t.abort();
    await producer.close();
  }
});

test('a savepoint holds the source offsets: a job restored from it continues after the last record it emitted', async () => {
  await produce(bootstrap, 'resume', [0, 1, 2, 3].map((i) => ({ partition: i % 2, value: `first-${i}` })));
  const run = async (restoreFrom?: JobSnapshot): Promise<{ out: string[]; stop: () => Promise<JobSnapshot> }> => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
    const out: string[] = [];
    env
      .fromSource(new KafkaSource<string>({ bootstrapServers: bootstrap, topics: ['resume'], startingOffsets: 'earliest' }), WatermarkStrategy.noWatermarks<string>(), 'resume')
      .uid('resume-source')
      .sinkTo(arraySink(out));
    const job = await env.executeAsync('resume', restoreFrom === undefined ? {} : { restoreFrom });
    return {
      out,
      stop: async () => {
        const savepoint = await job.triggerSavepoint();
        job.cancel();
        await job.result.catch(() => {});
        return savepoint;
      },
    };
  };
  const first = await run();
  await eventually(() => first.out.length === 4, 10_000, 'the first records');
  const savepoint = await first.stop();
  await produce(bootstrap, 'resume', [0, 1].map((i) => ({ partition: i, value: `second-${i}` })));
  const second = await run(JSON.parse(JSON.stringify(savepoint)) as JobSnapshot); // savepoints survive JSON
  await eventually(() => second.out.length === 2, 10_000, 'the new records');
  await new Promise((r) => setTimeout(r, 300));
  await second.stop();
  assert.deepEqual([...second.out].sort(), ['second-0', 'second-1']);
});
