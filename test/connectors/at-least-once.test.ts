import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { startTestBroker } from '../helpers/broker.ts';
import { createTopics, eventually, kill, spawnSluice, type Child } from './kafka-helpers.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let bootstrap: string;

before(async () => {
  broker = await startTestBroker();
  bootstrap = broker.bootstrap;
  await createTopics(bootstrap, { 'alo-in': 3, 'alo-out': 3 });
});
after(async () => {
  await broker.stop();
});

const TOTAL = 20_000;
const JOB = ['run', 'test/connectors/fixtures/copy-job.ts'];
const ENV = { INPUT: 'alo-in', OUTPUT: 'alo-out', GROUP: 'alo-job', CHECKPOINT_MS: '500' };

test('at-least-once: the job process is killed (SIGKILL) mid-stream and restarted; nothing is lost', { timeout: 180_000 }, async (t) => {
  // Everything that reaches the output topic.
  const seen = new Set<string>();
  let received = 0;
  const reader = new Consumer({ clientId: 'alo-reader', groupId: 'alo-reader', bootstrapBrokers: [bootstrap], deserializers: stringDeserializers });
  const stream = await reader.consume({ topics: ['alo-out'], mode: 'earliest', maxWaitTime: 100 });
  stream.on('data', (m) => {
    received++;
    seen.add(String(m.value));
  });

  const env = { ...ENV, SLUICE_BOOTSTRAP: bootstrap };
  let job: Child = spawnSluice(JOB, env);
  const jobs: Child[] = [job];
  try {
    // A producer writes TOTAL messages over a few seconds while the job runs; the last thousand only
    // after the kill, so that the kill is mid-stream however slowly the job starts on a busy machine.
    let killed!: () => void;
    const afterKill = new Promise<void>((resolve) => (killed = resolve));
    const producer = new Producer({ clientId: 'alo-producer', bootstrapBrokers: [bootstrap], serializers: stringSerializers });
    const producing = (async () => {
      for (let i = 0; i < TOTAL; i += 100) {
        if (i === TOTAL - 1000) await afterKill;
        await producer.send({ messages: Array.from({ length: 100 }, (_, j) => ({ topic: 'alo-in', key: `k${(i + j) % 97}`, value: `m-${i + j}` })) });
        await new Promise((r) => setTimeout(r, 15));
      }
    })();

    // The sink writes at checkpoints (long linger): kill half-way between two of them, when the
    // job has read records that are not in the output yet.
    await eventually(() => seen.size > 0, 90_000, `the job's first output (job: ${job.stderr()})`);
    await new Promise((r) => setTimeout(r, 250));
    await kill(job, 'SIGKILL');
    const atKill = seen.size;
    assert.ok(atKill < TOTAL, 'killed mid-stream');
    killed();

    job = spawnSluice(JOB, env);
    jobs.push(job);
    await producing;
    await producer.close();
    await eventually(() => seen.size === TOTAL, 90_000, `all ${TOTAL} results (have ${seen.size}; job: ${job.stderr()})`);
    for (let i = 0; i < TOTAL; i++) assert.ok(seen.has(`M-${i}`), `M-${i} is missing`);
    // Duplicates are allowed (records after the last checkpoint before the kill are read again).
    assert.ok(received >= TOTAL);
    t.diagnostic(`killed after ${atKill} results; ${received - TOTAL} duplicates`);
  } finally {
    for (const j of jobs) await kill(j, 'SIGKILL');
    await stream.close();
    await reader.close(true);
  }
});
