import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server.ts';
import { LocalJobView } from '../../src/dashboard/local-job-view.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { createTopics, eventually, kill, produce, spawnSluice, type Child } from '../connectors/kafka-helpers.ts';
import { simulatedJob } from './fixture-job.ts';

// The dashboard shows every worker of a job — this process's and other machines' — and jobs that
// run only elsewhere, from the cluster's status topic.
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let dashboard: RunningDashboard;
const sim = simulatedJob();
const INPUT = 'cluster-jobs-input';
const workers: Child[] = [];

before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { [INPUT]: 2 });
  await produce(broker.bootstrap, INPUT, Array.from({ length: 20 }, (_, i) => ({ value: `k${i % 3}:${i}` })));
  dashboard = await startDashboard({ jobs: new LocalJobView(() => [sim.job], sim.clock), kafka: { bootstrap: [broker.bootstrap] }, processMetrics: false });
});
after(async () => {
  for (const c of workers) await kill(c);
  await dashboard?.close();
  await broker?.stop();
});

const json = async (path: string): Promise<any> => {
  const r = await fetch(`http://127.0.0.1:${dashboard.port}${path}`);
  assert.equal(r.status, 200, `${path}: ${await r.clone().text()}`);
  return r.json();
};

test('a job running in two other processes: listed with both workers, its stages, subtasks and partitions; a killed worker turns LOST', { timeout: 300_000 }, async () => {
  for (const index of [0, 1]) {
    workers.push(
      spawnSluice(['--bootstrap', broker.bootstrap, 'run', 'test/cli/fixtures/status-job.ts', '--exchanges', 'kafka'], {
        SLUICE_STATUS_INTERVAL_MS: '1000',
        INPUT,
        JOB_ID: 'elsewhere',
        SLUICE_WORKERS: '2',
        SLUICE_WORKER_INDEX: String(index),
      }),
    );
  }
  let last: any;
  await eventually(async () => {
    const r = await fetch(`http://127.0.0.1:${dashboard.port}/jobs/elsewhere/workers`);
    last = await r.json(); // 404 until a worker published
    return r.status === 200 && last.workers.length === 2 && last.workers.every((w: any) => w.state === 'RUNNING' && w.tasks === 2);
  }, 180_000, 'two running workers').catch(async (e) => {
    throw new Error(`${e.message}: ${JSON.stringify(last)}\n${workers.map((w) => w.stderr()).join('\n')}`);
  });
  assert.deepEqual(last.workers.map((w: any) => w.pid).sort(), workers.map((w) => w.process.pid).sort());
  // The local job stays listed next to the cluster's.
  const overview = await json('/jobs/overview');
  const elsewhere = overview.jobs.find((j: any) => j.jid === 'elsewhere');
  assert.deepEqual({ state: elsewhere.state, workers: elsewhere.workers, parallelism: elsewhere.parallelism }, { state: 'RUNNING', workers: 2, parallelism: 2 });
  assert.ok(overview.jobs.some((j: any) => j.jid === sim.job.id));

  const job = await json('/jobs/elsewhere');
  assert.deepEqual(job.graph.stages.map((s: any) => [s.id, s.parallelism, s.operators[0].kind]), [['0', 2, 'source'], ['1', 2, 'operator']]);
  assert.equal(job.vertices.length, 2);
  assert.equal(job['status-counts'].running, 4);
  const source = await json('/jobs/elsewhere/vertices/0');
  assert.deepEqual(source.subtasks.map((s: any) => s.subtask), [0, 1]);
  assert.deepEqual(source.subtasks.flatMap((s: any) => s.splits.map((p: any) => `${p.topic}/${p.partition}`)).sort(), [`${INPUT}/0`, `${INPUT}/1`]);
  assert.deepEqual(new Set(source.subtasks.map((s: any) => s['taskmanager-id'])).size, 2);

  const [, second] = workers as [Child, Child];
  await kill(second);
  await eventually(async () => {
    last = await json('/jobs/elsewhere/workers');
    return last.workers.some((w: any) => w.pid === second.process.pid && w.state === 'LOST');
  }, 120_000, 'the killed worker LOST').catch((e) => {
    throw new Error(`${e.message}: ${JSON.stringify(last)}\n${workers.map((w) => w.stderr().slice(-3000)).join('\n')}`);
  });
});

test("a worker lost while the job's group moves its units to the survivor stays listed as LOST (the survivor's new incarnation keeps its first start)", { timeout: 300_000 }, async () => {
  const pair: Child[] = [];
  for (const index of [0, 1]) {
    const child = spawnSluice(['--bootstrap', broker.bootstrap, 'run', 'test/cli/fixtures/status-job.ts', '--exchanges', 'kafka'], {
      SLUICE_STATUS_INTERVAL_MS: '1000',
      SLUICE_GROUP_SESSION_TIMEOUT_MS: '6000',
      CHECKPOINT_MS: '200',
      INPUT,
      JOB_ID: 'moved',
      SLUICE_WORKERS: '2',
      SLUICE_WORKER_INDEX: String(index),
    });
    pair.push(child);
    workers.push(child);
  }
  const [first, second] = pair as [Child, Child];
  let last: any;
  const listed = async () => {
    const r = await fetch(`http://127.0.0.1:${dashboard.port}/jobs/moved/workers`);
    last = await r.json();
    return r.status === 200 ? (last.workers as any[]) : [];
  };
  const explain = () => `${JSON.stringify(last)}\n${pair.map((w) => w.stderr().slice(-3000)).join('\n')}`;
  // Each worker runs one unit (two tasks: the source chain and the keyed chain) once the group balanced them.
  await eventually(async () => {
    const ws = await listed();
    return ws.length === 2 && ws.every((w) => w.state === 'RUNNING' && w.tasks === 2);
  }, 180_000, 'two running workers with one unit each').catch((e) => {
    throw new Error(`${e.message}: ${explain()}`);
  });
  await kill(second);
  // After the session timeout the group gives the killed worker's unit to the survivor, which runs it in a new
  // incarnation: four tasks.
  await eventually(async () => (await listed()).some((w) => w.pid === first.process.pid && w.state === 'RUNNING' && w.tasks === 4), 180_000, 'the survivor runs both units').catch((e) => {
    throw new Error(`${e.message}: ${explain()}`);
  });
  const ws = await listed();
  assert.ok(ws.some((w) => w.pid === second.process.pid && w.state === 'LOST'), `the killed worker is listed as LOST: ${explain()}`);
});
