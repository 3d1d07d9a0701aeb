import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { createTopics, eventually, kill, spawnSluice, type Child } from '../kafka-helpers.ts';
import { checkExactlyOnce, endMarkers, makeInput, PARTITIONS, readOutputs, seeded } from '../../runtime/crash-harness.ts';

// Issue 11 with exactly-once: in a distributed job (exchanges through Kafka, every worker a member
// of the job group), a worker frozen (SIGSTOP) while the group gives its tasks to another worker
// cannot commit anything when it wakes (its offsets carry a stale generation: KIP-447); it learns
// that it was fenced, joins again as a new member and shares the tasks; the output stays exactly-once.

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker({ groups: { minSessionTimeoutMs: 100, initialRebalanceDelayMs: 0 } });
});
after(async () => {
  await broker.stop();
});

test('distributed exactly-once: a frozen worker whose tasks moved commits nothing when it wakes, rejoins and shares the job; every result exactly once', { timeout: 900_000 }, async (t) => {
  const { dir, cleanup } = tempDir('sluice-dzombie-');
  const name = 'dzombie';
  const topics = { input: `${name}-in`, counts: `${name}-counts`, windows: `${name}-windows` };
  await createTopics(broker.bootstrap, { [topics.input]: PARTITIONS, [topics.counts]: PARTITIONS, [topics.windows]: PARTITIONS });
  const RECORDS = 3_000;
  const { input, expectedCounts, expectedWindows } = makeInput(RECORDS, 30, seeded(17));
  const env = {
    SLUICE_BOOTSTRAP: broker.bootstrap,
    SLUICE_LOG_LEVEL: 'info',
    SLUICE_EXCHANGES: 'kafka',
    SLUICE_PARALLELISM: '3',
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
  const producer = new Producer({ clientId: `${name}-producer`, bootstrapBrokers: [broker.bootstrap], serializers: stringSerializers });
  const send = async (part: typeof input): Promise<void> => {
    for (let i = 0; i < part.length; i += 500) await producer.send({ messages: part.slice(i, i + 500).map((r) => ({ topic: topics.input, key: r.key, value: r.value })) });
  };
  const counted = async (): Promise<number> => (await readOutputs(broker.bootstrap, topics)).seen.size;
  const third = RECORDS / 3;
  const part = (i: number): typeof input => input.slice(i * third, (i + 1) * third);
  const runsAll = (c: Child): boolean => c.stderr().split('\n').some((l) => l.includes('job group: tasks assigned') && l.includes('"units":[0,1,2]'));
  const jobs: Child[] = [];
  try {
    const zombie = spawnSluice(JOB, env);
    jobs.push(zombie);
    await send(part(0));
    await eventually(async () => (await counted()) > 0, 120_000, 'the first worker commits a checkpoint');
    // Frozen in the middle of the second third: it holds an open transaction.
    await send(part(1));
    await new Promise((r) => setTimeout(r, 150));
    zombie.process.kill('SIGSTOP');
    t.diagnostic(`froze the first worker with ${await counted()} inputs committed`);

    // Another worker joins; the group expels the frozen one (session timeout) and assigns it every unit.
    const other = spawnSluice(JOB, env);
    jobs.push(other);
    await eventually(() => runsAll(other), 180_000, `the other worker is assigned every unit (its log: ${other.stderr().slice(-2000)})`);

    // The frozen worker wakes as soon as its tasks moved — usually before Kafka timed its open
    // transaction out, so what fences it is the group generation of its offset commit or heartbeat
    // (KIP-447); later, its producer epoch. Either way nothing of it may commit.: it learns that it was fenced, joins as a new member, and the two share the units.
    zombie.process.kill('SIGCONT');
    await eventually(() => /fenced/i.test(zombie.stderr()) && zombie.stderr().split('\n').filter((l) => l.includes('job group: tasks assigned')).length >= 2, 300_000, `the woken worker was fenced and rejoined (its log: ${zombie.stderr().slice(-3000)})`);
    const refused = zombie.stderr().split('\n').filter((l) => /ILLEGAL_GENERATION|UNKNOWN_MEMBER_ID|fenced/i.test(l));
    t.diagnostic(`woken worker: ${refused.length} log lines about being fenced, e.g. ${refused[0]?.slice(0, 300)}`);
    await send(part(2));
    await producer.send({ messages: endMarkers(topics.input, RECORDS) });
    let outputs = await readOutputs(broker.bootstrap, topics);
    await eventually(
      async () => {
        outputs = await readOutputs(broker.bootstrap, topics);
        return outputs.seen.size >= RECORDS + 1 && [...expectedWindows.keys()].every((w) => outputs.windows.has(w));
      },
      300_000,
      `every input counted (woken worker: ${zombie.stderr().slice(-2000)}\nother: ${other.stderr().slice(-2000)})`,
    );
    assert.equal(zombie.process.exitCode, null, 'fencing did not end the woken worker’s process');
    outputs.counts.delete('~end');
    outputs.countSequences.delete('~end');
    const missing: number[] = [];
    for (let seq = 0; seq < RECORDS; seq++) if (!outputs.seen.has(seq)) missing.push(seq);
    checkExactlyOnce({ ...outputs, missing, expectedCounts, expectedWindows, kills: 0 }, (s) => t.diagnostic(s));
  } finally {
    if (process.env.CRASH_LOGS !== undefined) jobs.forEach((j, i) => writeFileSync(`${process.env.CRASH_LOGS}/${name}-${i}.log`, j.stderr()));
    for (const j of jobs) {
      j.process.kill('SIGCONT');
      await kill(j, 'SIGKILL');
    }
    await producer.close();
    cleanup();
  }
});
