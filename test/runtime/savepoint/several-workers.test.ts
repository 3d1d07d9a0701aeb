/**
 * `sluice savepoint` of a job whose units are spread over several workers: each worker holds the
 * state of its own units only, so none of them may answer with a savepoint of its part (the
 * command used to print the first worker's path: a savepoint lacking the other units' state).
 * Every worker with units refuses, the command fails with SLUICE_SAVEPOINT_FAILED saying what to
 * do, nothing is written and the job keeps running. Following the advice — stop the other worker,
 * its units move to the one left — the savepoint then holds every subtask's state.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { eventually, kill, spawnSluice, type Child } from '../../connectors/kafka-helpers.ts';
import { ASSIGNED, countJobSetup, logged, RUNNING } from '../membership-harness.ts';
import { makeInput, seeded } from '../crash-harness.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
});
after(async () => {
  await broker.stop();
});

/** `sluice savepoint NAME --dir DIR`: its exit code, stdout (the path) and stderr. */
async function savepointCli(name: string, dir: string): Promise<{ code: number | string; path: string; stderr: string }> {
  const cli = spawnSluice(['savepoint', name, '--dir', dir, '--timeout', '180'], { SLUICE_BOOTSTRAP: broker.bootstrap });
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

test('a savepoint of a job running on 2 workers is refused with what to do; with the other worker stopped, the one left writes every unit', { timeout: 400_000 }, async (t) => {
  const name = 'sp-workers';
  const { dir, cleanup } = tempDir('sluice-sp-workers-');
  const { topics, env } = await countJobSetup(broker.bootstrap, name, { SLUICE_EXCHANGES: 'kafka', SLUICE_GROUP_SESSION_TIMEOUT_MS: '6000', SLUICE_STATE_DIR: join(dir, 'workers') });
  const producer = new Producer({ clientId: `${name}-producer`, bootstrapBrokers: [broker.bootstrap], serializers: stringSerializers });
  const workers = [0, 1].map(() => spawnSluice(['run', 'test/runtime/fixtures/count-job.ts'], env));
  const tails = (): string => workers.map((w, i) => `--- worker ${i}:\n${w.stderr().slice(-2000)}`).join('\n');
  const waitFor = async (what: string, check: () => boolean): Promise<void> => {
    try {
      await eventually(check, 180_000, what);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${tails()}`);
    }
  };
  try {
    const { input } = makeInput(600, 20, seeded(5));
    await producer.send({ messages: input.map((r) => ({ topic: topics.input, key: r.key, value: r.value })) });
    await waitFor('the 3 units spread over both workers', () => workers.every((w) => (runningUnits(w)?.length ?? 0) > 0));

    const refused = await savepointCli(name, join(dir, 'refused'));
    assert.notEqual(refused.code, 0, `the savepoint of a job on 2 workers must be refused:\n${refused.stderr}`);
    assert.match(refused.stderr, /stop-with-savepoint of job 'sp-workers' failed: the job runs on several workers: units? [\d, ]+ of its 3 runs? on other workers/);
    assert.match(refused.stderr, /Stop every worker of the job but one/);
    assert.ok(!existsSync(join(dir, 'refused')) || readdirSync(join(dir, 'refused')).length === 0, 'no savepoint (nor part of one) written');
    for (const [i, w] of workers.entries()) assert.equal(w.process.exitCode, null, `worker ${i} keeps running after the refusal`);

    // The advice: stop the other worker; its units move to the one left, which then runs all 3.
    await kill(workers[1]!, 'SIGTERM');
    await waitFor('worker 0 runs all 3 units', () => runningUnits(workers[0]!)?.length === 3);
    const sp = await savepointCli(name, join(dir, 'savepoints'));
    assert.equal(sp.code, 0, `${sp.stderr}\n${tails()}`);
    const metadata = JSON.parse(readFileSync(join(sp.path, '_metadata'), 'utf8')) as { operators: Array<{ uid: string; parallelism: number }> };
    for (const uid of ['count', 'window-sum']) assert.equal(metadata.operators.find((o) => o.uid === uid)?.parallelism, 3, `the savepoint holds all 3 subtasks of '${uid}'`);
    assert.equal(await workers[0]!.exited, 0, `the job stops after its savepoint: ${workers[0]!.stderr().slice(-2000)}`);
    t.diagnostic(`refused: ${refused.stderr.split('\n').find((l) => l.includes('failed'))}`);
  } finally {
    for (const w of workers) await kill(w, 'SIGTERM');
    await producer.close();
    cleanup();
  }
});
