import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { JOB_STATUS_TOPIC } from '../../src/kafka/job-status/status-record.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { createTopics, eventually, kill, produce, spawnSluice, type Child } from '../connectors/kafka-helpers.ts';
import { runCli } from './run-cli.ts';

// `sluice jobs list|describe` read what the workers of a job publish to the status topic.
let broker: Awaited<ReturnType<typeof startTestBroker>>;
const INPUT = 'jobs-input';
const JOB = 'test/cli/fixtures/status-job.ts';
/** Short interval: a silent worker is LOST after 3 s. */
const FAST = { SLUICE_STATUS_INTERVAL_MS: '1000' };

before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { [INPUT]: 3 });
  await produce(broker.bootstrap, INPUT, Array.from({ length: 60 }, (_, i) => ({ value: `k${i % 7}:${i}` })));
});
after(async () => {
  await broker.stop();
});

interface DescribedTask {
  id: string;
  stage: number;
  subtask: number;
  partitions?: Array<{ topic: string; partition: number; lag?: number }>;
  lag?: number;
  stateEntries?: number;
}
interface DescribedWorker {
  workerId: string;
  state: string;
  host: string;
  pid: number;
  threads: number;
  tasks: DescribedTask[];
}
interface Described {
  id: string;
  state: string;
  workers: DescribedWorker[];
}

async function jobs(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli(['jobs', ...args], { bootstrap: broker.bootstrap, timeoutMs: 60_000 });
}

async function describe(jobId: string): Promise<Described | undefined> {
  const r = await jobs(['describe', jobId, '--json']);
  return r.code === 0 ? (JSON.parse(r.stdout) as Described) : undefined;
}

/** Polls `sluice jobs describe` until `check` holds; returns that answer. */
async function describedWhen(jobId: string, check: (d: Described) => boolean, what: string): Promise<Described> {
  let last: Described | undefined;
  await eventually(async () => {
    last = await describe(jobId);
    return last !== undefined && check(last);
  }, 180_000, `${what} (last answer: ${JSON.stringify(last)})`);
  return last!;
}

const startWorker = (jobId: string, index: number, env: Record<string, string> = {}): Child =>
  spawnSluice(['--bootstrap', broker.bootstrap, 'run', JOB, '--exchanges', 'kafka'], { ...FAST, INPUT, JOB_ID: jobId, SLUICE_WORKERS: '2', SLUICE_WORKER_INDEX: String(index), ...env });

test('two worker processes: list and describe show both, with their tasks; a SIGKILLed worker becomes LOST, a stopped one CANCELED', { timeout: 400_000 }, async () => {
  const workers = [startWorker('jobs-two', 0), startWorker('jobs-two', 1)];
  try {
    // A task added to a running worker (cooperative rebalancing) is reported before its reader's first fetch: wait until every input partition's lag is known.
    const lagsKnown = (d: Described): boolean => d.workers.flatMap((w) => w.tasks).filter((t) => t.stage === 0).flatMap((t) => t.partitions ?? []).every((p) => typeof p.lag === 'number');
    const running = await describedWhen('jobs-two', (d) => d.workers.length === 2 && d.workers.every((w) => w.state === 'RUNNING' && w.tasks.length === 2) && lagsKnown(d), 'both workers running with 2 tasks each, their input lag known');
    assert.equal(running.state, 'RUNNING');
    assert.deepEqual(running.workers.map((w) => w.pid).sort(), workers.map((c) => c.process.pid).sort());
    for (const w of running.workers) assert.equal(w.threads, 1); // one worker thread per process
    // Every subtask of both stages runs somewhere, once.
    const tasks = running.workers.flatMap((w) => w.tasks);
    assert.deepEqual(tasks.map((t) => t.id).sort(), ['0.0', '0.1', '1.0', '1.1']);
    // The source tasks share the input's 3 partitions, with their lag; the keyed ones read the repartition topic.
    const inputPartitions = tasks.filter((t) => t.stage === 0).flatMap((t) => t.partitions ?? []);
    assert.deepEqual(inputPartitions.map((p) => `${p.topic}/${p.partition}`).sort(), [`${INPUT}/0`, `${INPUT}/1`, `${INPUT}/2`]);
    for (const p of inputPartitions) assert.equal(typeof p.lag, 'number');
    for (const t of tasks.filter((x) => x.stage === 1)) assert.ok((t.partitions ?? []).every((p) => p.topic === 'jobs-two-count-repartition'), JSON.stringify(t));
    const consumed = await describedWhen('jobs-two', (d) => d.workers.flatMap((w) => w.tasks).filter((t) => t.stage === 1).reduce((n, t) => n + (t.stateEntries ?? 0), 0) === 7, 'the 7 keys counted');
    assert.equal(consumed.workers.flatMap((w) => w.tasks).filter((t) => t.stage === 0).reduce((n, t) => n + (t.lag ?? 0), 0), 0);

    const list = await jobs(['list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const listed = (JSON.parse(list.stdout) as { jobs: Array<{ id: string; state: string; workers: number; tasks: number; lostWorkers: number }> }).jobs.find((j) => j.id === 'jobs-two');
    assert.deepEqual(listed && { state: listed.state, workers: listed.workers, tasks: listed.tasks, lost: listed.lostWorkers }, { state: 'RUNNING', workers: 2, tasks: 4, lost: 0 });
    const table = await jobs(['list']);
    assert.match(table.stdout, /^JOB\s+NAME\s+STATE\s+WORKERS\s+TASKS\s+AGE/);
    assert.match(table.stdout, /\njobs-two\s+jobs-two\s+RUNNING\s+2\s+4\s/);
    const text = await jobs(['describe', 'jobs-two']);
    for (const c of workers) assert.match(text.stdout, new RegExp(`-${c.process.pid}-\\d\\s+RUNNING\\s+\\S+\\s+${c.process.pid}\\s+1\\s+2\\s`));
    assert.match(text.stdout, new RegExp(`\\n0\\.0\\s+Source: input.*${INPUT}\\[`));

    const [first, second] = workers as [Child, Child];
    await kill(second, 'SIGKILL');
    const lost = await describedWhen('jobs-two', (d) => d.workers.some((w) => w.pid === second.process.pid && w.state === 'LOST'), 'the killed worker LOST');
    assert.equal(lost.workers.length, 2);
    await describedWhen('jobs-two', (d) => d.workers.some((w) => w.pid === first.process.pid && w.state === 'RUNNING') && d.state === 'RUNNING', 'the other worker still RUNNING');
    const listLost = await jobs(['list']);
    assert.match(listLost.stdout, /\njobs-two\s+jobs-two\s+RUNNING\s+2 \(1 lost\)/);

    first.process.kill('SIGTERM');
    assert.equal(await first.exited, 143);
    const ended = await describe('jobs-two');
    assert.deepEqual(ended?.workers.map((w) => [w.pid, w.state]).sort(), [[first.process.pid, 'CANCELED'], [second.process.pid, 'LOST']].sort());
    assert.equal(ended?.state, 'LOST');
  } finally {
    for (const c of workers) await kill(c);
  }
});

test('a bounded job run with --workers 2 shows FINISHED, both workers in one process', { timeout: 300_000 }, async () => {
  const run = spawnSluice(['--bootstrap', broker.bootstrap, 'run', JOB, '--workers', '2'], { ...FAST, INPUT, JOB_ID: 'jobs-bounded', BOUNDED: '1' });
  assert.equal(await run.exited, 0, run.stderr());
  const d = await describe('jobs-bounded');
  assert.ok(d !== undefined);
  assert.equal(d.state, 'FINISHED');
  assert.deepEqual(d.workers.map((w) => [w.state, w.pid, w.threads]), [['FINISHED', run.process.pid, 2], ['FINISHED', run.process.pid, 2]]);
  assert.deepEqual(d.workers.flatMap((w) => w.tasks.map((t) => t.id)).sort(), ['0.0', '0.1', '1.0', '1.1']);
  const list = await jobs(['list']);
  assert.match(list.stdout, /\njobs-bounded\s+jobs-bounded\s+FINISHED\s+2\s+4\s/);
});

test('records of the status topic that are not statuses are skipped with a warning; an unknown job is a clear error', { timeout: 120_000 }, async () => {
  // Whatever else is in the topic (the other tests' jobs), garbage is written next to it.
  await createTopics(broker.bootstrap, { [JOB_STATUS_TOPIC]: 1 }).catch(() => {});
  await produce(broker.bootstrap, JOB_STATUS_TOPIC, [
    { key: 'x/y', value: 'not json' },
    { key: 'x/z', value: JSON.stringify({ v: 1, jobId: 'evil' }) },
    { key: 'x/w', value: Buffer.from([0xff, 0xfe, 0x00]) }, // a compacted topic takes only keyed records
  ]);
  const list = await jobs(['list', '--json']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stderr, /sluice: skipped 3 records of __sluice_jobs_status that are not a worker status \(first: __sluice_jobs_status-0@\d+: not JSON\)/);
  const ids = (JSON.parse(list.stdout) as { jobs: Array<{ id: string }> }).jobs.map((j) => j.id);
  assert.ok(!ids.includes('evil'));
  const unknown = await jobs(['describe', 'no-such-job']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^sluice: no job "no-such-job" on this cluster: none of its workers published a status/m);
});

test('an exactly-once worker publishes its status too (its transactional producer is untouched), and CANCELED when stopped', { timeout: 300_000 }, async () => {
  await createTopics(broker.bootstrap, { 'jobs-eo-in': 1, 'jobs-eo-counts': 1, 'jobs-eo-windows': 1 });
  const stateDir = mkdtempSync(join(tmpdir(), 'sluice-jobs-eo-'));
  const job = spawnSluice(['--bootstrap', broker.bootstrap, 'run', 'test/runtime/fixtures/count-job.ts'], {
    ...FAST,
    EXACTLY_ONCE: '1',
    INPUT: 'jobs-eo-in',
    COUNTS: 'jobs-eo-counts',
    WINDOWS: 'jobs-eo-windows',
    GROUP: 'jobs-eo',
    JOB_ID: 'jobs-eo',
    SLUICE_STATE_DIR: stateDir,
  });
  try {
    const running = await describedWhen('jobs-eo', (d) => d.state === 'RUNNING' && d.workers.length === 1, 'the exactly-once worker running');
    assert.equal(running.workers[0]!.pid, job.process.pid);
    // Its outputs are committed: the transactional producer works as before.
    await produce(broker.bootstrap, 'jobs-eo-in', Array.from({ length: 10 }, (_, i) => ({ key: `eo${i}`, value: `eo${i}:${i}:${1_000 + i}:1` })));
    await eventually(async () => (await runCli(['consume', 'jobs-eo-counts', '--from-beginning', '--isolation', 'read_committed', '--timeout-ms', '2000'], { bootstrap: broker.bootstrap })).stdout.split('\n').filter(Boolean).length >= 10, 120_000, '10 committed counts');
    job.process.kill('SIGTERM');
    await job.exited;
    assert.equal((await describe('jobs-eo'))?.workers[0]?.state, 'CANCELED');
  } finally {
    await kill(job);
    rmSync(stateDir, { recursive: true, force: true });
  }
});
