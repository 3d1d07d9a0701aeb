import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { startTestBroker } from '../helpers/broker.ts';
import { tempDir } from '../helpers/tmp-dir.ts';
import { createTopics, eventually, kill, spawnSluice, type Child } from '../connectors/kafka-helpers.ts';
import { checkExactlyOnce, endMarkers, makeInput, PARTITIONS, readOutputs, seeded } from './crash-harness.ts';

// Issue 10, "What it must show" 2: a worker frozen (SIGSTOP) until its replacement has taken over,
// then resumed (SIGCONT), cannot commit anything; the output stays exactly-once.

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker({ groups: { minSessionTimeoutMs: 100, initialRebalanceDelayMs: 0 } });
});
after(async () => {
  await broker.stop();
});

test('exactly-once: a frozen worker resumed after its replacement took over commits nothing, learns it was fenced, stands by and takes over when the replacement dies; every result exactly once', { timeout: 900_000 }, async (t) => {
  const { dir, cleanup } = tempDir('sluice-zombie-');
  const name = 'zombie';
  const topics = { input: `${name}-in`, counts: `${name}-counts`, windows: `${name}-windows` };
  await createTopics(broker.bootstrap, { [topics.input]: PARTITIONS, [topics.counts]: PARTITIONS, [topics.windows]: PARTITIONS });
  const RECORDS = 4_000;
  const { input, expectedCounts, expectedWindows } = makeInput(RECORDS, 30, seeded(7));
  const env = {
    SLUICE_BOOTSTRAP: broker.bootstrap,
    SLUICE_LOG_LEVEL: 'info',
    INPUT: topics.input,
    COUNTS: topics.counts,
    WINDOWS: topics.windows,
    GROUP: name,
    JOB_ID: name,
    CHECKPOINT_MS: '200',
    EXACTLY_ONCE: '1',
    STATE_BACKEND: 'heap',
    SLUICE_STATE_DIR: `${dir}/workers`,
    SLUICE_GROUP_SESSION_TIMEOUT_MS: '3000',
    TXN_TIMEOUT_MS: '8000',
  };
  const JOB = ['run', 'test/runtime/fixtures/count-job.ts'];
  const producer = new Producer({ clientId: 'zombie-producer', bootstrapBrokers: [broker.bootstrap], serializers: stringSerializers });
  const send = async (part: typeof input): Promise<void> => {
    for (let i = 0; i < part.length; i += 500) await producer.send({ messages: part.slice(i, i + 500).map((r) => ({ topic: topics.input, key: r.key, value: r.value })) });
  };
  const counted = async (): Promise<number> => (await readOutputs(broker.bootstrap, topics)).seen.size;
  const quarter = RECORDS / 4;
  const part = (i: number): typeof input => input.slice(i * quarter, (i + 1) * quarter);
  const jobs: Child[] = [];
  try {
    // The first worker counts the first quarter and goes on writing into its open transactions.
    const zombie = spawnSluice(JOB, env);
    jobs.push(zombie);
    await send(part(0));
    await eventually(async () => (await counted()) > 0, 120_000, 'the first worker commits a checkpoint');
    await send(part(1));
    await new Promise((r) => setTimeout(r, 150));
    zombie.process.kill('SIGSTOP');
    t.diagnostic(`froze the first worker with ${await counted()} inputs committed`);

    // Its replacement takes another worker slot, waits until the group expelled the frozen member
    // and its open transaction ended, and takes over from the last committed checkpoint.
    const replacement = spawnSluice(JOB, env);
    jobs.push(replacement);
    // Taken over = the replacement runs the job (the group expelled the frozen member) — not only
    // "the first half is counted": the frozen worker may have committed it before it froze, and
    // resuming it before its session expired would leave it a live member, not a zombie.
    await eventually(() => /job 'zombie' started/.test(replacement.stderr()), 180_000, `the replacement runs the job (replacement: ${replacement.stderr().slice(-2000)})`);
    await eventually(async () => (await counted()) >= 2 * quarter, 180_000, `the replacement counts the first half (replacement: ${replacement.stderr().slice(-2000)})`);

    // The zombie wakes up: whatever it still does must not become visible. It learns that it was
    // fenced, rejoins as a new incarnation and stands by (the replacement leads the job group).
    zombie.process.kill('SIGCONT');
    await send(part(2));
    await eventually(() => /standing by/.test(zombie.stderr()), 300_000, `the resumed worker learns it was fenced and stands by (its log: ${zombie.stderr().slice(-3000)})`);
    assert.match(zombie.stderr(), /fenced/i, 'the resumed worker says that it was fenced');
    await eventually(async () => (await counted()) >= 3 * quarter, 180_000, `the replacement counts the third quarter (replacement: ${replacement.stderr().slice(-2000)})`);
    assert.equal(zombie.process.exitCode, null, 'fencing did not end the resumed worker’s process');

    // The replacement dies: the standing-by worker takes over from the last committed checkpoint.
    await kill(replacement, 'SIGKILL');
    await send(part(3));
    await producer.send({ messages: endMarkers(topics.input, RECORDS) });
    let outputs = await readOutputs(broker.bootstrap, topics);
    await eventually(
      async () => {
        outputs = await readOutputs(broker.bootstrap, topics);
        return outputs.seen.size >= RECORDS + 1 && [...expectedWindows.keys()].every((w) => outputs.windows.has(w));
      },
      300_000,
      `every input counted after the takeover (former zombie: ${zombie.stderr().slice(-3000)})`,
    );
    assert.match(zombie.stderr(), /now runs the job/, 'the standing-by worker took over');
    outputs.counts.delete('~end');
    outputs.countSequences.delete('~end');
    const missing: number[] = [];
    for (let seq = 0; seq < RECORDS; seq++) if (!outputs.seen.has(seq)) missing.push(seq);
    checkExactlyOnce({ ...outputs, missing, expectedCounts, expectedWindows, kills: 0 }, (s) => t.diagnostic(s));
  } finally {
    for (const j of jobs) {
      j.process.kill('SIGCONT');
      await kill(j, 'SIGKILL');
    }
    await producer.close();
    cleanup();
  }
});
