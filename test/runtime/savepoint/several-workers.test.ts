/**
 * `sluice savepoint` of a job whose units are spread over several workers (issue 11 leftover):
 * each worker holds the state of its own units only. Every worker takes its final checkpoint and
 * writes its part; the worker running unit 0 merges the parts into ONE savepoint (the command
 * used to print the first worker's path: a savepoint of part of the job). Both workers stop.
 * The savepoint holds every subtask, and resumes with one worker at another parallelism (through
 * the repartition topics, whose unread records are part of the cut): the output equals an
 * uninterrupted run, every record exactly once (read_committed).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { eventually, kill, spawnSluice, type Child } from '../../connectors/kafka-helpers.ts';
import { ASSIGNED, logged, RUNNING } from '../membership-harness.ts';
import { readSavepoint } from '../../../src/runtime/savepoint/savepoint-reader.ts';
import { assertSameAsUninterrupted, awaitComplete, ends, outputs, prepare, produce, readWritten, runJob } from './savepoint-harness.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
});
after(async () => {
  await broker.stop();
});

/** `sluice savepoint NAME --dir DIR`: its exit code, stdout (the path) and stderr. */
async function savepointCli(name: string, dir: string, extra: string[] = []): Promise<{ code: number | string; path: string; stderr: string }> {
  const cli = spawnSluice(['savepoint', name, '--dir', dir, '--timeout', '180', ...extra], { SLUICE_BOOTSTRAP: broker.bootstrap });
  const code = await cli.exited;
  return { code, path: cli.stdout().trim(), stderr: cli.stderr() };
}

/** The units of a worker's latest assignment, once it runs them. */
function runningUnits(w: Child): number[] | undefined {
  const lines = logged(w, '');
  const assigned = lines.findLastIndex((l) => String(l.msg).startsWith(ASSIGNED));
  const running = lines.findLastIndex((l) => String(l.msg).startsWith(RUNNING));
  return assigned >= 0 && running > assigned ? (lines[assigned]!.units as number[]) : undefined;
}

test('exactly-once: a savepoint of a job on 2 workers (parallelism 3) is merged from both parts; resumed with 1 worker at parallelism 2, the output equals an uninterrupted run', { timeout: 600_000 }, async (t) => {
  const name = 'sp-workers';
  const records = 3_000;
  const { dir, cleanup } = tempDir('sluice-sp-workers-');
  const { topics, ref } = await prepare(broker.bootstrap, name, records, 17);
  const env = { EXACTLY_ONCE: '1', STATE_BACKEND: 'heap', SLUICE_EXCHANGES: 'kafka', SLUICE_GROUP_SESSION_TIMEOUT_MS: '6000', SLUICE_STATE_DIR: join(dir, 'workers') };
  const jobs: Child[] = [];
  const tails = (): string => jobs.map((w, i) => `--- process ${i}:\n${w.stderr().slice(-2500)}`).join('\n');
  const waitFor = async (what: string, check: () => boolean | Promise<boolean>): Promise<void> => {
    try {
      await eventually(check, 180_000, what);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${tails()}`);
    }
  };
  try {
    const firstPart = Math.floor(records * 0.6);
    await produce(broker.bootstrap, topics.input, ref.input.slice(0, firstPart));
    const workers = [0, 1].map(() => runJob(broker.bootstrap, name, topics, ['-p', '3'], env));
    jobs.push(...workers);
    await waitFor('the 3 units spread over both workers', () => workers.every((w) => (runningUnits(w)?.length ?? 0) > 0));
    await waitFor('output', async () => outputs(await readWritten(broker.bootstrap, topics)) >= records * 0.1);

    // A savepoint that lets the job run on could not be restored later (the job deletes the repartition records it still needs).
    const plain = await savepointCli(name, join(dir, 'plain'), ['--no-stop']);
    assert.notEqual(plain.code, 0, plain.stderr);
    assert.match(plain.stderr, /--no-stop\) is refused for a job with exchanges through Kafka/);
    assert.ok(!existsSync(join(dir, 'plain')), 'nothing written');
    for (const [i, w] of workers.entries()) assert.equal(w.process.exitCode, null, `worker ${i} keeps running`);

    const sp = await savepointCli(name, join(dir, 'savepoints'));
    assert.equal(sp.code, 0, `sluice savepoint failed: ${sp.stderr}\n${tails()}`);
    const metadata = JSON.parse(readFileSync(join(sp.path, '_metadata'), 'utf8')) as { operators: Array<{ uid: string; parallelism: number }>; sources: { uids: Record<string, number> } };
    for (const uid of ['count', 'window-sum']) assert.equal(metadata.operators.find((o) => o.uid === uid)?.parallelism, 3);
    const saved = readSavepoint(sp.path).snapshot;
    for (const uid of ['count', 'window-sum']) assert.deepEqual(saved.operators[uid]!.map((s) => s.subtaskIndex), [0, 1, 2], `the savepoint holds the state of all 3 subtasks of '${uid}'`);
    assert.equal(metadata.sources.uids.input, 3);
    assert.ok(saved.sources.input!.every((s) => s !== null && s !== undefined), 'and the positions of all 3 source subtasks');
    for (const [i, w] of workers.entries()) {
      assert.equal(await w.exited, 0, `worker ${i} stops after the savepoint: ${w.stderr().slice(-2000)}`);
      assert.match(w.stderr(), /stop-with-savepoint on several workers: final checkpoint, then this worker's part/);
    }
    assert.deepEqual(readdirSync(join(dir, 'savepoints')).filter((f) => f.startsWith('.')), [], 'the parts were removed after the merge');
    const atStop = outputs(await readWritten(broker.bootstrap, topics));
    t.diagnostic(`stopped after ${atStop} of ${records} count outputs; savepoint ${sp.path}`);
    assert.ok(atStop < records, 'stopped mid-input');

    await produce(broker.bootstrap, topics.input, [...ref.input.slice(firstPart), ...ends(topics, records)]);
    const resumed = runJob(broker.bootstrap, name, topics, ['-p', '2', '--from-savepoint', sp.path], env);
    jobs.push(resumed);
    const written = await awaitComplete(broker.bootstrap, topics, ref, resumed);
    assertSameAsUninterrupted(written, ref);
    assert.match(resumed.stderr(), /starting from a savepoint/);
    assert.ok(existsSync(sp.path));
  } finally {
    for (const j of jobs) await kill(j, 'SIGKILL');
    cleanup();
  }
});
