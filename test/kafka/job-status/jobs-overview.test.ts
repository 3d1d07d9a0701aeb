import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobsOverview, StatusTable } from '../../../src/kafka/job-status/jobs-overview.ts';
import { encodeStatus } from '../../../src/kafka/job-status/status-record.ts';
import { status } from './fixtures.ts';

test('a running worker silent for more than 3 intervals is LOST; the job is RUNNING while another reports', () => {
  const a = status({ workerId: 'a', updatedAt: 10_000 });
  const b = status({ workerId: 'b', updatedAt: 6_500 });
  const [fresh] = jobsOverview([a, b], 9_400);
  assert.deepEqual(fresh!.workers.map((w) => [w.workerId, w.status]), [['a', 'RUNNING'], ['b', 'RUNNING']]);
  const [later] = jobsOverview([a, b], 10_000);
  assert.equal(later!.state, 'RUNNING');
  assert.deepEqual(later!.workers.map((w) => [w.workerId, w.status, w.silentMs]).sort(), [['a', 'RUNNING', 0], ['b', 'LOST', 3_500]]);
  // Nobody reports any more: the job is LOST.
  assert.equal(jobsOverview([a, b], 20_000)[0]!.state, 'LOST');
});

test('a job whose workers all finished is FINISHED however long ago (a final status is never lost)', () => {
  const a = status({ workerId: 'a', state: 'FINISHED' });
  const b = status({ workerId: 'b', state: 'FINISHED' });
  const [job] = jobsOverview([a, b], 1_000_000);
  assert.equal(job!.state, 'FINISHED');
  assert.deepEqual(job!.workers.map((w) => w.status), ['FINISHED', 'FINISHED']);
  assert.equal(job!.tasks, 2);
});

test('the job state: FAILED wins over LOST, LOST over CANCELED, CANCELED over FINISHED', () => {
  const at = (...states: Array<'FAILED' | 'CANCELED' | 'FINISHED' | 'RUNNING'>) =>
    jobsOverview(states.map((state, i) => status({ workerId: `w${i}`, state })), 100_000)[0]!.state;
  assert.equal(at('FINISHED', 'CANCELED'), 'CANCELED');
  assert.equal(at('FINISHED', 'RUNNING'), 'LOST'); // the running one is silent for 90 s
  assert.equal(at('RUNNING', 'FAILED'), 'FAILED');
});

test('workers of an earlier run of the same job id are not listed with the current run', () => {
  const old = status({ workerId: 'old', startTime: 1_000, updatedAt: 5_000, state: 'FINISHED' });
  const killed = status({ workerId: 'killed', startTime: 1_000, updatedAt: 4_000 });
  const current = status({ workerId: 'new', startTime: 8_000, updatedAt: 10_000 });
  const [job] = jobsOverview([old, killed, current], 10_500);
  assert.deepEqual(job!.workers.map((w) => w.workerId), ['new']);
  assert.equal(job!.startTime, 8_000);
  // Scale-in during the current run: the stopped worker stays listed.
  const stopped = status({ workerId: 'stopped', startTime: 8_500, updatedAt: 9_000, state: 'CANCELED' });
  assert.deepEqual(jobsOverview([old, current, stopped], 10_500)[0]!.workers.map((w) => w.workerId), ['stopped', 'new']);
  // Killed right after a peer of its run started, before its next status: it was alive then, so it is listed, LOST.
  const killedJustAfter = status({ workerId: 'killed-just-after', startTime: 7_000, updatedAt: 7_900 });
  assert.deepEqual(
    jobsOverview([old, killed, current, killedJustAfter], 12_000)[0]!.workers.map((w) => [w.workerId, w.status]),
    [['new', 'RUNNING'], ['killed-just-after', 'LOST']],
  );
  // No live worker: the run of the most recently started one.
  const done = status({ workerId: 'new', startTime: 8_000, updatedAt: 12_000, state: 'FINISHED' });
  assert.deepEqual(jobsOverview([old, killed, done], 50_000)[0]!.workers.map((w) => w.workerId), ['new']);
});

test('the status table keeps the newest status per key, drops tombstoned keys, and counts what is not a status', () => {
  const table = new StatusTable();
  const key = (id: string) => Buffer.from(`orders/${id}`);
  table.apply(key('a'), encodeStatus(status({ workerId: 'a', updatedAt: 1 })), 'p0@0');
  table.apply(key('a'), encodeStatus(status({ workerId: 'a', updatedAt: 2 })), 'p0@1');
  table.apply(key('b'), encodeStatus(status({ workerId: 'b' })), 'p0@2');
  table.apply(key('x'), Buffer.from('hello'), 'p0@3');
  table.apply(null, Buffer.from('{"v":1}'), 'p0@4');
  table.apply(key('b'), null, 'p0@5');
  assert.deepEqual(table.statuses().map((s) => [s.workerId, s.updatedAt]), [['a', 2]]);
  assert.equal(table.malformed, 2);
  assert.equal(table.firstProblem, 'p0@3: not JSON');
});
