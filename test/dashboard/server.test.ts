import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server.ts';
import { LocalJobView } from '../../src/dashboard/local-job-view.ts';
import { parsePrometheus, sampleValue } from '../helpers/prometheus.ts';
import { simulatedJob } from './fixture-job.ts';

let dashboard: RunningDashboard;
const sim = simulatedJob();
sim.exceptions.record(new TypeError('cannot read amount of undefined'), sim.clock.now(), {
  operator: { uid: 'parse-1', name: 'Map: parse' },
  task: { vertexId: '0', subtask: 1 },
  worker: 'worker-0',
  record: '{"id":7}',
});

before(async () => {
  for (let i = 0; i < 4; i++) sim.step();
  dashboard = await startDashboard({ jobs: new LocalJobView(() => [sim.job], sim.clock), metrics: () => [sim.worker.registry], processMetrics: false, clock: sim.clock });
});
after(() => dashboard?.close());

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: dashboard.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const json = async (path: string) => {
  const r = await get(path);
  assert.equal(r.status, 200, `${path}: ${r.body}`);
  assert.match(String(r.headers['content-type']), /application\/json/);
  return JSON.parse(r.body) as Record<string, any>;
};

test('listens on 127.0.0.1 and a free port by default, without a token', () => {
  assert.equal(dashboard.host, '127.0.0.1');
  assert.ok(dashboard.port > 0);
  assert.equal(dashboard.token, undefined);
  assert.equal(dashboard.url, `http://127.0.0.1:${dashboard.port}/`);
});

test('/metrics serves the workers registries as Prometheus text', async () => {
  const r = await get('/metrics');
  assert.equal(r.status, 200);
  assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const f = parsePrometheus(r.body);
  assert.equal(sampleValue(f, 'sluice_task_numRecordsIn', { task_id: '0', subtask: '0', job: 'orders-enrich' }), 4000);
  assert.equal(sampleValue(f, 'sluice_split_records_lag', { topic: 'orders', partition: '1' }), 2000);
  assert.equal(sampleValue(f, 'sluice_job_numberOfCompletedCheckpoints'), 2);
});

test('/metrics with the process metrics (the default): one valid exposition of both', async () => {
  const withProcess = await startDashboard({ metrics: () => [sim.worker.registry] });
  try {
    const f = parsePrometheus(await (await fetch(new URL('/metrics', withProcess.url))).text());
    assert.ok((sampleValue(f, 'process_cpu_seconds_total') ?? 0) > 0);
    assert.equal(sampleValue(f, 'sluice_task_numRecordsIn', { task_id: '0', subtask: '1' }), 4000);
  } finally {
    await withProcess.close();
  }
});

test('Flink-shaped job endpoints: /jobs, /jobs/overview, /jobs/:id', async () => {
  assert.deepEqual(await json('/jobs'), { jobs: [{ id: 'orders-enrich', status: 'RUNNING' }] });
  const overview = await json('/jobs/overview');
  assert.equal(overview.jobs[0].jid, 'orders-enrich');
  assert.equal(overview.jobs[0].duration, 4000);
  assert.deepEqual(overview.jobs[0].tasks, { running: 5 });

  const job = await json('/jobs/orders-enrich');
  assert.equal(job.state, 'RUNNING');
  assert.equal(job['end-time'], -1);
  assert.deepEqual(job.vertices.map((v: any) => [v.id, v.parallelism, v.status]), [['0', 2, 'RUNNING'], ['1', 2, 'RUNNING'], ['2', 1, 'RUNNING']]);
  const src = job.vertices[0].metrics;
  assert.equal(src['read-records'], 8000);
  assert.equal(src.numRecordsOutPerSecond, 2000, 'summed over the two subtasks');
  assert.equal(src.recordsLag, 4000);
  assert.equal(job.vertices[1].metrics.backPressuredTimeMsPerSecond, 1000);
  assert.equal(job.vertices[1].metrics.currentOutputWatermark, sim.clock.now() - 1000 - 10_000);
  assert.deepEqual(job.plan.nodes.map((n: any) => [n.id, n.inputs.map((i: any) => [i.id, i.ship_strategy])]), [['0', []], ['1', [['0', 'HASH']]], ['2', [['1', 'REBALANCE']]]]);
  assert.equal(job.graph.stages[0].operators.length, 2);
});

test('vertex detail, watermarks (Flink longs) and metrics?get=', async () => {
  const v = await json('/jobs/orders-enrich/vertices/0');
  assert.deepEqual(v.subtasks.map((s: any) => [s.subtask, s['taskmanager-id'], s.metrics.numRecordsIn]), [[0, 'worker-0', 4000], [1, 'worker-0', 4000]]);
  assert.deepEqual(v.subtasks[1].splits[0], { splitId: 'orders-1', topic: 'orders', partition: 1, currentWatermark: sim.clock.now() - 6000, idle: false, currentOffset: 4000, endOffset: 6000, recordsLag: 2000 });
  const wm = await json('/jobs/orders-enrich/vertices/0/watermarks');
  assert.deepEqual(wm, [{ id: '0.currentInputWatermark', value: '-9223372036854775808' }, { id: '1.currentInputWatermark', value: '-9223372036854775808' }]);
  const raw = await get('/jobs/orders-enrich/vertices/0');
  assert.match(raw.body, /"currentInputWatermark":-9223372036854775808/, 'no watermark yet is Long.MIN_VALUE, exactly');
  const m = await json('/jobs/orders-enrich/vertices/1/metrics?get=0.numRecordsIn,1.backPressuredTimeMsPerSecond');
  assert.deepEqual(m, [{ id: '0.numRecordsIn', value: '4000' }, { id: '1.backPressuredTimeMsPerSecond', value: '1000' }]);
  const ids = await json('/jobs/orders-enrich/vertices/1/metrics');
  assert.ok((ids as unknown as Array<{ id: string }>).some((x) => x.id === '1.idleTimeMsPerSecond'));
});

test('checkpoints, exceptions and workers', async () => {
  const c = await json('/jobs/orders-enrich/checkpoints');
  assert.deepEqual(c.counts, { restored: 0, total: 2, in_progress: 0, completed: 2, failed: 0 });
  assert.equal(c.latest.completed.id, 2);
  assert.equal(c.latest.completed.end_to_end_duration, 120);
  assert.deepEqual(c.history.map((h: any) => [h.id, h.status, h.worker]), [[2, 'COMPLETED', 'worker-0'], [1, 'COMPLETED', 'worker-0']]);
  const e = await json('/jobs/orders-enrich/exceptions');
  assert.equal(e.exceptionHistory.entries[0].exceptionName, 'TypeError');
  assert.equal(e.exceptionHistory.entries[0].taskName, 'Map: parse');
  assert.equal(e.exceptionHistory.entries[0].record, '{"id":7}');
  assert.match(e['root-exception'], /cannot read amount/);
  const w = await json('/jobs/orders-enrich/workers');
  assert.deepEqual(w.workers.map((x: any) => [x.id, x.pid, x.tasks]), [['worker-0', process.pid, 5]]);
});

test('unknown jobs, vertices and paths are 404 with Flink\'s error shape and a stable code', async () => {
  for (const path of ['/jobs/nope', '/jobs/orders-enrich/vertices/9', '/jobs/nope/checkpoints', '/nothing/here', '/app/../../package.json']) {
    const r = await get(path);
    assert.equal(r.status, 404, path);
    const body = JSON.parse(r.body);
    assert.equal(body.code, 'SLUICE_DASHBOARD_NOT_FOUND');
    assert.ok(Array.isArray(body.errors));
  }
  const kafka = await get('/kafka/topics');
  assert.equal(kafka.status, 404, 'no Kafka connection given: the Kafka pages are off');
});

test('the web UI and uPlot are served from the package', async () => {
  const index = await get('/');
  assert.equal(index.status, 200);
  assert.match(String(index.headers['content-type']), /text\/html/);
  assert.match(index.body, /app\/main\.js/);
  assert.match(String(index.headers['content-security-policy']), /default-src 'self'/);
  for (const path of ['/app/main.js', '/app/lib/graph.js', '/app/pages/group.js', '/vendor/uPlot.esm.js', '/vendor/uPlot.min.css']) {
    const r = await get(path);
    assert.equal(r.status, 200, path);
    assert.ok(r.body.length > 100, path);
  }
});

test('hostile requests: other methods, huge URLs, bad encodings and foreign Host headers are refused, and the server keeps serving', async () => {
  assert.equal((await get('/jobs', {}, 'POST')).status, 405);
  assert.equal((await get('/jobs', {}, 'DELETE')).status, 405);
  assert.equal((await get(`/jobs/${'x'.repeat(5000)}`)).status, 414);
  assert.equal((await get('/jobs/%E0%A4%A')).status, 400);
  const rebound = await get('/jobs', { host: 'attacker.example:80' });
  assert.equal(rebound.status, 403, 'DNS rebinding: a loopback dashboard answers only to loopback names');
  assert.equal((await get('/jobs', { host: `localhost:${dashboard.port}` })).status, 200);
  assert.equal((await get('/jobs', { host: `[::1]:${dashboard.port}` })).status, 200);
  const head = await get('/jobs', {}, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal((await get('/jobs')).status, 200);
});

test('garbage on the socket and oversized headers get 400/431 and close that connection only', async () => {
  const raw = (payload: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(dashboard.port, '127.0.0.1', () => socket.end(payload));
      let out = '';
      socket.on('data', (d) => (out += d.toString()));
      socket.on('close', () => resolve(out));
      socket.on('error', reject);
    });
  assert.match(await raw('NOT HTTP AT ALL\r\n\r\n'), /^HTTP\/1\.1 400/);
  assert.match(await raw(`GET /jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`), /^HTTP\/1\.1 (400|431)/);
  assert.equal((await get('/jobs')).status, 200);
});

test('with a token: Bearer header, cookie set from ?token= (then redirected without it), 401 otherwise', async () => {
  const secured = await startDashboard({ token: 's3cret-token', processMetrics: false, jobs: new LocalJobView(() => [sim.job], sim.clock) });
  try {
    const at = (path: string, headers: Record<string, string> = {}) =>
      new Promise<Res>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: secured.port, path, headers }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        });
        req.on('error', reject);
        req.end();
      });
    assert.equal(secured.url, `http://127.0.0.1:${secured.port}/?token=s3cret-token`);
    const denied = await at('/jobs');
    assert.equal(denied.status, 401);
    assert.equal(JSON.parse(denied.body).code, 'SLUICE_DASHBOARD_ACCESS_DENIED');
    assert.equal((await at('/jobs', { authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await at('/metrics', { authorization: 'Bearer s3cret-token' })).status, 200);
    const open = await at('/?token=s3cret-token', { accept: 'text/html' });
    assert.equal(open.status, 303);
    assert.equal(open.headers.location, '/');
    const cookie = String(open.headers['set-cookie']).split(';')[0]!;
    assert.match(String(open.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
    assert.equal((await at('/jobs', { cookie })).status, 200);
    assert.equal((await at('/jobs?token=s3cret-token')).status, 200, 'an API call may pass the token as a parameter');
  } finally {
    await secured.close();
  }
});

test('a busy port is a typed start error that says what to do', async () => {
  await assert.rejects(startDashboard({ port: dashboard.port, processMetrics: false }), (e: unknown) => {
    const err = e as { code?: string; message?: string };
    return err.code === 'SLUICE_DASHBOARD_START_FAILED' && /already in use: pick another port/.test(err.message ?? '');
  });
});
