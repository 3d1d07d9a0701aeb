/**
 * Issue 10, "What it must show" 3: a keyed event-time job (running count in ValueState, buckets
 * closed by event-time timers, a tumbling window) runs under `sluice run`, is stopped mid-input
 * with `sluice savepoint`, and resumed with `sluice run --from-savepoint` at another parallelism
 * (and on another state backend): what it wrote in total equals an uninterrupted run, every
 * record exactly once (read_committed), since nothing crashed: the stop commits a final checkpoint
 * and the savepoint holds exactly the positions and state of that checkpoint.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { eventually, kill, spawnSluice, type Child } from '../../connectors/kafka-helpers.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { assertSameAsUninterrupted, awaitComplete, ends, outputs, prepare, produce, readWritten, runJob } from './savepoint-harness.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
});
after(async () => {
  await broker.stop();
});

/** `sluice savepoint NAME --dir DIR`: its exit code, stdout (the path) and stderr. */
export async function savepointCli(bootstrap: string, name: string, dir: string, extra: string[] = []): Promise<{ code: number | string; path: string; stderr: string }> {
  const cli = spawnSluice(['savepoint', name, '--dir', dir, '--timeout', '180', ...extra], { SLUICE_BOOTSTRAP: bootstrap });
  const code = await cli.exited;
  return { code, path: cli.stdout().trim(), stderr: cli.stderr() };
}

const cases = [
  // Exactly-once also survives a SIGKILL after the resume: the restart (without --from-savepoint) recovers the savepoint's lineage from its checkpoints.
  { name: 'sp-eo', exactlyOnce: true, crashAfterResume: true, first: { p: 2, backend: 'heap' }, second: { p: 3, backend: 'heap' } },
  { name: 'sp-alo-lmdb', exactlyOnce: false, crashAfterResume: false, first: { p: 2, backend: 'heap' }, second: { p: 1, backend: 'lmdb' } },
] as const;

for (const c of cases) {
  test(
    `${c.exactlyOnce ? 'exactly-once' : 'at-least-once'}: stop with a savepoint at parallelism ${c.first.p} (${c.first.backend}), resume at ${c.second.p} (${c.second.backend}): output equals an uninterrupted run`,
    { timeout: 600_000 },
    async (t) => {
      const bootstrap = broker.bootstrap;
      const records = 4_000;
      const { topics, ref } = await prepare(bootstrap, c.name, records, 7 + c.name.length);
      const { dir, cleanup } = tempDir('sluice-savepoint-');
      const jobs: Child[] = [];
      const t0 = Date.now();
      const mark = (what: string): void => t.diagnostic(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
      const env = (backend: string, run: number) => ({ EXACTLY_ONCE: c.exactlyOnce ? '1' : '0', STATE_BACKEND: backend, STATE_DIR: join(dir, `lmdb-${run}`), SLUICE_STATE_DIR: join(dir, 'workers') });
      try {
        // Most of the input, no end markers: windows, buckets and timers are open at the savepoint.
        const firstPart = Math.floor(records * 0.6);
        await produce(bootstrap, topics.input, ref.input.slice(0, firstPart));
        const first = runJob(bootstrap, c.name, topics, ['-p', String(c.first.p)], env(c.first.backend, 1));
        jobs.push(first);
        await eventually(async () => outputs(await readWritten(bootstrap, topics)) >= records * 0.1, 120_000, `first output (job: ${first.stderr().slice(-2000)})`);

        mark('first output');
        if (!c.crashAfterResume) {
          // Flink's plain savepoint first: written, and the job keeps running.
          const plain = await savepointCli(bootstrap, c.name, join(dir, 'plain'), ['--no-stop']);
          assert.equal(plain.code, 0, plain.stderr);
          assert.ok(existsSync(join(plain.path, '_metadata')), plain.stderr);
          assert.match(plain.stderr, /keeps running/);
          assert.equal(first.process.exitCode, null, 'the job still runs after a --no-stop savepoint');
        }
        const sp = await savepointCli(bootstrap, c.name, join(dir, 'savepoints'));
        assert.equal(sp.code, 0, `sluice savepoint failed: ${sp.stderr}\njob: ${first.stderr().slice(-3000)}`);
        assert.ok(existsSync(join(sp.path, '_metadata')), `the printed path ${sp.path} is a savepoint`);
        mark('savepoint CLI returned');
        assert.equal(await first.exited, 0, `the job exits 0 after its savepoint: ${first.stderr().slice(-3000)}`);
        assert.match(first.stderr(), /stopped with a savepoint/);
        const atStop = outputs(await readWritten(bootstrap, topics));
        t.diagnostic(`stopped after ${atStop} of ${records} count outputs; savepoint ${sp.path}`);
        assert.ok(atStop < records, 'stopped mid-input');

        // With a crash after the resume: part of the rest now, the others after the restart.
        const secondPart = c.crashAfterResume ? Math.floor(records * 0.8) : records;
        await produce(bootstrap, topics.input, [...ref.input.slice(firstPart, secondPart), ...(c.crashAfterResume ? [] : ends(topics, records))]);
        const second = runJob(bootstrap, c.name, topics, ['-p', String(c.second.p), '--from-savepoint', sp.path], env(c.second.backend, 2));
        jobs.push(second);
        mark('second job started');
        let last = second;
        if (c.crashAfterResume) {
          await eventually(async () => outputs(await readWritten(bootstrap, topics)) >= atStop + 100, 120_000, `output after the resume (job: ${second.stderr().slice(-2000)})`);
          await kill(second, 'SIGKILL');
          mark('resumed job killed');
          last = runJob(bootstrap, c.name, topics, ['-p', String(c.second.p)], env(c.second.backend, 2));
          jobs.push(last);
          await produce(bootstrap, topics.input, [...ref.input.slice(secondPart), ...ends(topics, records)]);
        }
        const written = await awaitComplete(bootstrap, topics, ref, last);
        mark('complete');
        assertSameAsUninterrupted(written, ref);
        assert.match(second.stderr(), /starting from a savepoint/);
        assert.match(second.stderr(), /the earlier checkpoints and changelogs of this job id were deleted/, 'the savepoint replaced the job id\'s checkpoints');
        if (c.crashAfterResume) assert.match(last.stderr(), /job restored from its last committed checkpoint/);
      } finally {
        for (const j of jobs) await kill(j, 'SIGKILL');
        cleanup();
      }
    },
  );
}

test('a changed job without the window (uid window-sum) is refused naming the uid; with --allow-non-restored-state it runs and the rest of its state is restored', { timeout: 600_000 }, async () => {
  const bootstrap = broker.bootstrap;
  const name = 'sp-uid';
  const records = 2_000;
  const { topics, ref } = await prepare(bootstrap, name, records, 3);
  const { dir, cleanup } = tempDir('sluice-savepoint-');
  const jobs: Child[] = [];
  const env = { SLUICE_STATE_DIR: join(dir, 'workers') };
  try {
    const firstPart = records / 2;
    await produce(bootstrap, topics.input, ref.input.slice(0, firstPart));
    const first = runJob(bootstrap, name, topics, [], env);
    jobs.push(first);
    await eventually(async () => outputs(await readWritten(bootstrap, topics)) >= 100, 120_000, `first output (job: ${first.stderr().slice(-2000)})`);
    const sp = await savepointCli(bootstrap, name, join(dir, 'savepoints'));
    assert.equal(sp.code, 0, sp.stderr);
    assert.equal(await first.exited, 0, first.stderr().slice(-3000));

    const refused = runJob(bootstrap, name, topics, ['--from-savepoint', sp.path], { ...env, DROP_WINDOW: '1' });
    jobs.push(refused);
    assert.equal(await refused.exited, 1, refused.stderr());
    assert.match(refused.stderr(), /has state of operator uid\(s\) 'window-sum' that this job does not have/);
    assert.match(refused.stderr(), /--allow-non-restored-state/, 'and says how to go on');

    await produce(bootstrap, topics.input, [...ref.input.slice(firstPart), ...ends(topics, records)]);
    const second = runJob(bootstrap, name, topics, ['--from-savepoint', sp.path, '--allow-non-restored-state'], { ...env, DROP_WINDOW: '1' });
    jobs.push(second);
    const written = await awaitComplete(bootstrap, topics, { ...ref, windows: new Map() }, second);
    // The counts and timers (uid 'count') continued from the savepoint.
    for (const [key, n] of ref.counts) assert.deepEqual(written.counts.get(key), Array.from({ length: n }, (_, i) => i + 1), `key ${key}`);
    for (const [b, n] of ref.buckets) assert.deepEqual(written.buckets.get(b), [n], `bucket ${b}`);
    assert.match(second.stderr(), /dropping the savepoint's state of operator uid\(s\) 'window-sum'/);
  } finally {
    for (const j of jobs) await kill(j, 'SIGKILL');
    cleanup();
  }
});

test('sluice run --from-savepoint with a directory that is no complete savepoint fails with SLUICE_SAVEPOINT_INVALID before reading anything', { timeout: 120_000 }, async () => {
  const { dir, cleanup } = tempDir('sluice-savepoint-');
  try {
    const topics = { input: 'sp-none-in', counts: 'sp-none-counts', windows: 'sp-none-windows', buckets: 'sp-none-buckets' };
    const job = runJob(broker.bootstrap, 'sp-none', topics, ['--from-savepoint', dir]);
    assert.equal(await job.exited, 1, job.stderr());
    assert.match(job.stderr(), /it has no _metadata file: the savepoint never completed/);
  } finally {
    cleanup();
  }
});
