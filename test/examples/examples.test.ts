import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestBroker } from '../helpers/broker.ts';
import { createTopics, kill, produce, readTopic, spawnNode, spawnSluice, type Child } from '../connectors/kafka-helpers.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let env: Record<string, string>;

before(async () => {
  broker = await startTestBroker();
  env = { SLUICE_BOOTSTRAP: broker.bootstrap };
});
after(async () => {
  await broker.stop();
});

async function finished(child: Child, what: string): Promise<string> {
  const code = await child.exited;
  assert.equal(code, 0, `${what} exited with ${code}: ${child.stderr()}`);
  return child.stdout();
}

test('npm start: the quickstart prints MESSAGE 0 … MESSAGE 9 and exits 0 (embedded broker, then SLUICE_BOOTSTRAP)', { timeout: 60_000 }, async () => {
  for (const extra of [{}, env]) {
    const out = await finished(spawnNode(['src/quickstart/main.ts'], extra), 'quickstart');
    const lines = out.split('\n').filter((l) => l.includes('MESSAGE'));
    assert.deepEqual(lines.map((l) => l.trim()), Array.from({ length: 10 }, (_, i) => `output <- MESSAGE ${i}`));
    assert.match(out, /Try next/);
    assert.match(out, /Dashboard \(the job, its metrics, topics and groups\): http:\/\/127\.0\.0\.1:\d+\//);
  }
});

/** Resolves once `text()` matches `pattern` (checked on every chunk of the child's output). */
function waitFor(child: Child, text: () => string, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (pattern.test(text())) {
        child.process.stdout!.off('data', check);
        child.process.stderr!.off('data', check);
        resolve();
      }
    };
    child.process.stdout!.on('data', check);
    child.process.stderr!.on('data', check);
    void child.exited.then(() => (pattern.test(text()) ? resolve() : reject(new Error(`${what} ended first: ${child.stderr()}`))));
    check();
  });
}

test('examples/upper-case: producer, job (sluice run) and consumer; the job proves its own output', { timeout: 120_000 }, async () => {
  // A marker of this run: `output` may hold what earlier runs (npm start above) wrote.
  const marker = `run-${process.pid}-${Date.now().toString(36)}`;
  const job = spawnSluice(['run', 'examples/upper-case/job.ts'], env);
  const consumer = spawnNode(['examples/upper-case/consumer.ts'], env);
  try {
    await waitFor(job, job.stderr, /job 'upper-case' started/, 'the job');
    assert.match(await finished(spawnNode(['examples/upper-case/producer.ts', '10', marker], env), 'producer'), /produced 10 messages/);
    const expected = Array.from({ length: 10 }, (_, i) => `${marker.toUpperCase()} ${i}`);
    await waitFor(consumer, consumer.stdout, new RegExp(`${expected.at(-1)}\n`), 'the consumer');
    assert.deepEqual(consumer.stdout().split('\n').filter((l) => l.startsWith(marker.toUpperCase())), expected);
    await kill(job, 'SIGTERM');
    assert.equal(await job.exited, 143, job.stderr());
    assert.match(job.stderr(), /SIGTERM: stopping the job/);
    assert.match(job.stderr(), /job 'upper-case' cancelled after [\d.]+ s: read \d+ records?, wrote \d+/);
  } finally {
    await Promise.all([kill(job), kill(consumer)]);
  }
});

test('examples/pyflink-tutorial: the PyFlink tutorial translated, with only `test` created beforehand', { timeout: 120_000 }, async () => {
  const own = await startTestBroker();
  const tutorial = { SLUICE_BOOTSTRAP: own.bootstrap };
  await createTopics(own.bootstrap, { test: 1 });
  const job = spawnSluice(['run', 'examples/pyflink-tutorial/job.ts'], tutorial);
  const consumer = spawnNode(['examples/pyflink-tutorial/consumer.ts', '10'], tutorial);
  try {
    await waitFor(job, job.stderr, /job 'my_flink_job' started \(streaming, parallelism 1\): source Kafka Source; operators Map, Sink/, 'the job');
    assert.match(await finished(spawnNode(['examples/pyflink-tutorial/producer.ts'], tutorial), 'producer'), /sent 10 messages to test/);
    const out = await finished(consumer, 'consumer');
    assert.deepEqual(out.trim().split('\n'), Array.from({ length: 10 }, (_, i) => `MESSAGE ${i}`));
    assert.match(job.stderr(), /KafkaSink: Kafka property 'group.id' is for consumers and is ignored/);
    await kill(job, 'SIGTERM');
    assert.equal(await job.exited, 143, job.stderr());
  } finally {
    await Promise.all([kill(job), kill(consumer)]);
    await own.stop();
  }
});

test('examples/click-stream: clicks per user in tumbling event-time windows, at parallelism 2', { timeout: 60_000 }, async () => {
  await finished(spawnNode(['examples/click-stream/producer.ts', '0', '60'], env), 'producer');
  const job = spawnSluice(['run', '--parallelism', '2', 'examples/click-stream/job.ts'], env);
  try {
    // Later clicks move event time past the first minute: its six windows close.
    await finished(spawnNode(['examples/click-stream/producer.ts', '120', '10'], env), 'producer');
    const results = await readTopic(broker.bootstrap, 'clicks-per-user', 30, 30_000);
    const rows = results.map((m) => ({ key: m.key.toString(), ...(JSON.parse(m.value.toString()) as { user: string; windowStart: string; clicks: number }) }));
    for (const r of rows) {
      assert.equal(r.key, r.user);
      assert.equal(r.clicks, 2, `${r.user} ${r.windowStart}`); // one click a second, users in turn: 2 per user per 10 s
    }
    const windows = new Set(rows.map((r) => r.windowStart));
    assert.deepEqual([...windows].sort(), [0, 10, 20, 30, 40, 50].map((s) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString()));
    assert.equal(new Set(rows.map((r) => `${r.user}@${r.windowStart}`)).size, 30);
  } finally {
    await kill(job);
  }
});

test('examples/read-to-end: a bounded job reads a topic to its end and finishes', { timeout: 60_000 }, async () => {
  await createTopics(broker.bootstrap, { words: 2 });
  await produce(broker.bootstrap, 'words', [
    { partition: 0, value: 'To be, or not to be' },
    { partition: 1, value: 'that is the question' },
  ]);
  const out = await finished(spawnSluice(['run', 'examples/read-to-end/job.ts', 'words'], env), 'job');
  const counts = Object.fromEntries([...out.matchAll(/^\d{4}-\d\d-\d\d (\w+): (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
  assert.deepEqual(counts, { to: 2, be: 2, or: 1, not: 1, that: 1, is: 1, the: 1, question: 1 });
  assert.match(out, /read 2 records from words; done/);
});

test('the example consumer waits for a missing topic (a cluster that does not create topics) instead of dying', { timeout: 120_000 }, async () => {
  const strict = await startTestBroker({ autoCreateTopics: false });
  const consumer = spawnNode(['examples/upper-case/consumer.ts', '1'], { SLUICE_BOOTSTRAP: strict.bootstrap });
  try {
    await waitFor(consumer, consumer.stderr, /waiting for topic output to be created/, 'the consumer');
    await createTopics(strict.bootstrap, { output: 1 });
    await produce(strict.bootstrap, 'output', [{ value: 'HELLO' }]);
    assert.equal(await finished(consumer, 'consumer'), 'HELLO\n');
    assert.equal(consumer.stderr(), 'consumer: waiting for topic output to be created…\n');
  } finally {
    await kill(consumer);
    await strict.stop();
  }
});
