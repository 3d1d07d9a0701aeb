import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { startTestBroker } from '../helpers/broker.ts';
import { tempDir } from '../helpers/tmp-dir.ts';
import { createTopics, eventually, kill, spawnSluice, type Child } from '../connectors/kafka-helpers.ts';
import { checkExactlyOnce, endMarkers, makeInput, PARTITIONS, readOutputs, seeded } from './crash-harness.ts';

// Issue 10, Recovery: a restarted task restores from its LMDB local copy only when the copy is
// stamped with the job's last committed checkpoint, else it empties the copy and restores from the
// changelog; results are exactly once either way.

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
});
after(async () => {
  await broker.stop();
});

/** The restore log lines of a run: operator uid → source. */
function restoredFrom(child: Child): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of child.stderr().split('\n')) {
    if (!line.startsWith('{')) continue;
    const l = JSON.parse(line) as { msg?: string; operator?: string; source?: string };
    if (l.msg?.startsWith('keyed state restored') === true && l.operator !== undefined) out.set(l.operator, l.source!);
  }
  return out;
}

test('LMDB local copy: reused when stamped with the last committed checkpoint, emptied and restored from the changelog when stale; every result exactly once', { timeout: 600_000 }, async (t) => {
  const { dir, cleanup } = tempDir('sluice-local-copy-');
  const name = 'local-copy';
  const topics = { input: `${name}-in`, counts: `${name}-counts`, windows: `${name}-windows` };
  await createTopics(broker.bootstrap, { [topics.input]: PARTITIONS, [topics.counts]: PARTITIONS, [topics.windows]: PARTITIONS });
  const RECORDS = 3_000;
  const { input, expectedCounts, expectedWindows } = makeInput(RECORDS, 30, seeded(11));
  const lmdb = `${dir}/lmdb`;
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
    STATE_BACKEND: 'lmdb',
    STATE_DIR: lmdb,
    SLUICE_STATE_DIR: `${dir}/workers`,
  };
  const JOB = ['run', 'test/runtime/fixtures/count-job.ts'];
  const producer = new Producer({ clientId: 'local-copy-producer', bootstrapBrokers: [broker.bootstrap], serializers: stringSerializers });
  const send = async (part: typeof input): Promise<void> => {
    for (let i = 0; i < part.length; i += 500) await producer.send({ messages: part.slice(i, i + 500).map((r) => ({ topic: topics.input, key: r.key, value: r.value })) });
  };
  const counted = async (): Promise<number> => (await readOutputs(broker.bootstrap, topics)).seen.size;
  const third = RECORDS / 3;
  const jobs: Child[] = [];
  const run = (): Child => {
    const c = spawnSluice(JOB, env);
    jobs.push(c);
    return c;
  };
  try {
    let job = run();
    await send(input.slice(0, third));
    await eventually(async () => (await counted()) >= third, 180_000, 'the first run counts the first third');
    await kill(job, 'SIGTERM'); // stops after its last completed checkpoint: the copy keeps that stamp
    cpSync(lmdb, `${dir}/lmdb-after-first-third`, { recursive: true });

    job = run();
    await eventually(() => restoredFrom(job).size === 2, 120_000, `the second run restores (${job.stderr().slice(-2000)})`);
    assert.deepEqual(Object.fromEntries(restoredFrom(job)), { count: 'local', 'window-sum': 'local' }, 'both keyed operators reuse the stamped local copy (no changelog read)');
    await send(input.slice(third, 2 * third));
    await eventually(async () => (await counted()) >= 2 * third, 180_000, `the second run counts the second third (${job.stderr().slice(-2000)})`);
    await kill(job, 'SIGTERM');

    // The copy of the first third is stamped with a checkpoint older than the last committed one.
    rmSync(lmdb, { recursive: true, force: true });
    cpSync(`${dir}/lmdb-after-first-third`, lmdb, { recursive: true });
    job = run();
    await eventually(() => restoredFrom(job).size === 2, 120_000, `the third run restores (${job.stderr().slice(-2000)})`);
    assert.deepEqual(Object.fromEntries(restoredFrom(job)), { count: 'changelog', 'window-sum': 'changelog' }, 'a stale stamp: the copy is emptied and the state read from the changelog');
    assert.match(job.stderr(), /stamped with checkpoint \d+, the last committed one is \d+/);
    await send(input.slice(2 * third));
    await producer.send({ messages: endMarkers(topics.input, RECORDS) });
    let outputs = await readOutputs(broker.bootstrap, topics);
    await eventually(
      async () => {
        outputs = await readOutputs(broker.bootstrap, topics);
        return outputs.seen.size >= RECORDS + 1 && [...expectedWindows.keys()].every((w) => outputs.windows.has(w));
      },
      180_000,
      `every input counted (${job.stderr().slice(-2000)})`,
    );
    outputs.counts.delete('~end');
    outputs.countSequences.delete('~end');
    const missing: number[] = [];
    for (let seq = 0; seq < RECORDS; seq++) if (!outputs.seen.has(seq)) missing.push(seq);
    checkExactlyOnce({ ...outputs, missing, expectedCounts, expectedWindows, kills: 0 }, (s) => t.diagnostic(s));
  } finally {
    for (const j of jobs) await kill(j, 'SIGKILL');
    await producer.close();
    cleanup();
  }
});
