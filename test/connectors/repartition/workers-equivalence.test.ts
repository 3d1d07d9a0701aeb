import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consumer } from '@platformatic/kafka';
import { StreamExecutionEnvironment } from '../../../src/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { arraySink, createTopics, produce, readTopic, spawnSluice } from '../kafka-helpers.ts';
import { buildEquivalenceJob, equivalenceInput } from './equivalence-job.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
const INPUT = 'weq-input';
before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { [INPUT]: 3 });
  await produce(broker.bootstrap, INPUT, equivalenceInput(3_000, 40, 11));
});
after(async () => {
  await broker.stop();
});

const JOB = 'test/connectors/repartition/fixtures/equivalence-run.ts';

/** Runs the job (one process per entry of `runs`) and returns its output lines, sorted; checks the output topic holds exactly `expected` records. */
async function run(name: string, runs: Array<{ args?: string[]; env?: Record<string, string> }>, expected: number): Promise<string[]> {
  const output = `${name}-out`;
  await createTopics(broker.bootstrap, { [output]: 1 });
  const children = runs.map((r) =>
    spawnSluice(['--bootstrap', broker.bootstrap, 'run', JOB, ...(r.args ?? [])], { SLUICE_LOG_LEVEL: 'warn', INPUT, OUTPUT: output, JOB_ID: name, ...r.env }),
  );
  const codes = await Promise.all(children.map((c) => c.exited));
  for (const [i, c] of children.entries()) assert.equal(codes[i], 0, `worker ${i} of ${name} failed:\n${c.stderr()}`);
  const consumer = new Consumer({ clientId: 'weq-offsets', groupId: 'weq-offsets', bootstrapBrokers: [broker.bootstrap] });
  try {
    const ends = await consumer.listOffsets({ topics: [output] });
    assert.equal(Number(ends.get(output)![0]), expected, `${name}: records in ${output}`);
  } finally {
    await consumer.close(true);
  }
  return (await readTopic(broker.bootstrap, output, expected, 60_000)).map((m) => String(m.value)).sort();
}

test('1 worker, 4 worker threads in one process (parallelism 4) and 3 separate processes (parallelism 3) give the in-memory output multiset', { timeout: 300_000 }, async () => {
  const reference: string[] = [];
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  buildEquivalenceJob(env, broker.bootstrap, INPUT, arraySink(reference), { bounded: true });
  await env.execute('weq-reference');
  reference.sort();
  assert.ok(reference.filter((l) => l.startsWith('window:')).length > 50);
  assert.ok(reference.filter((l) => l.startsWith('timer:')).length > 500);
  const one = await run('weq-one', [{ args: ['--exchanges', 'kafka'] }], reference.length);
  assert.deepEqual(one, reference);
  const threads = await run('weq-threads', [{ args: ['--workers', '4'], env: { PARALLELISM: '4' } }], reference.length);
  assert.deepEqual(threads, reference);
  const processes = await run(
    'weq-processes',
    [0, 1, 2].map((i) => ({ args: ['--exchanges', 'kafka'], env: { SLUICE_WORKERS: '3', SLUICE_WORKER_INDEX: String(i), PARALLELISM: '3' } })),
    reference.length,
  );
  assert.deepEqual(processes, reference);
});
