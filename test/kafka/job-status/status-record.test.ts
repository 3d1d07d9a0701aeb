import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeStatus, JOB_STATUS_TOPIC, MAX_STATUS_BYTES, STATUS_FORMAT_VERSION, statusKey, statusWatermark, type TaskStatus } from '../../../src/kafka/job-status/status-record.ts';
import { decodeStatus } from '../../../src/kafka/job-status/status-reading.ts';
import { status } from './fixtures.ts';

test('a status survives encoding: JSON with a format version, keyed by job and worker', () => {
  const s = status({ lastCheckpoint: { id: 3, time: 9_000 } });
  const value = encodeStatus(s);
  assert.equal(JSON.parse(value.toString()).v, 1);
  assert.deepEqual(decodeStatus(value), { ok: true, status: s });
  assert.equal(statusKey(s), 'orders/host-1-0');
});

test('records that are not statuses are refused with the reason, never thrown', () => {
  const bad: Array<[string | object, string]> = [
    ['not json {', 'not JSON'],
    ['[1,2]', 'not a JSON object'],
    [{ ...status(), v: 2 }, 'format version 2'],
    [{ v: 1, ...status(), jobId: '' }, 'field jobId'],
    [{ v: 1, ...status(), updatedAt: 'yesterday' }, 'field updatedAt'],
    [{ v: 1, ...status(), intervalMs: 0 }, 'intervalMs is not positive'],
    [{ v: 1, ...status(), state: 'DANCING' }, 'unknown state'],
    [{ v: 1, ...status(), tasks: {} }, 'tasks is not a list'],
    [{ v: 1, ...status(), tasks: [{ id: '0.0', name: 'x', stage: 0, subtask: 0, parallelism: 1, watermark: 'soon' }] }, 'watermark'],
    [{ v: 1, ...status(), tasks: [{ id: '0.0', name: 'x', stage: 0, subtask: 0, parallelism: 1, watermark: null, lag: '3' }] }, 'lag'],
  ];
  for (const [value, reason] of bad) {
    const decoded = decodeStatus(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));
    assert.equal(decoded.ok, false, JSON.stringify(value));
    assert.match((decoded as { reason: string }).reason, new RegExp(reason), JSON.stringify(value));
  }
});

test('a status with very many tasks is capped in size: partition details go first, then tasks (counted)', () => {
  const task = (i: number): TaskStatus => ({
    id: `0.${i}`,
    stage: 0,
    subtask: i,
    name: 'Source: a topic with a long name -> Map -> Filter -> Keyed Process',
    parallelism: 2000,
    partitions: Array.from({ length: 4 }, (_, p) => ({ topic: 'a-topic-with-a-rather-long-name', partition: i * 4 + p, position: 123456, end: 123999, lag: 543 })),
    lag: 2172,
    watermark: 1_700_000_000_000,
  });
  const few = encodeStatus(status({ tasks: [task(0), task(1)] }));
  assert.ok((decodeStatus(few) as { status: { tasks: TaskStatus[] } }).status.tasks[0]!.partitions !== undefined);
  const many = status({ tasks: Array.from({ length: 2000 }, (_, i) => task(i)) });
  assert.ok(Buffer.byteLength(JSON.stringify(many)) > MAX_STATUS_BYTES);
  const value = encodeStatus(many);
  assert.ok(value.length <= MAX_STATUS_BYTES, `${value.length} bytes`);
  const decoded = decodeStatus(value);
  assert.ok(decoded.ok);
  const kept = decoded.status.tasks.length;
  assert.ok(kept > 100 && kept < 2000, `${kept} tasks kept`);
  assert.equal(decoded.status.tasksOmitted, 2000 - kept);
  assert.equal(decoded.status.tasks[0]!.partitions, undefined);
  assert.equal(decoded.status.tasks[0]!.lag, 2172);
});

test('watermarks: none yet is null, end of input is "end"', () => {
  assert.equal(statusWatermark(Number.NEGATIVE_INFINITY), null);
  assert.equal(statusWatermark(Number.POSITIVE_INFINITY), 'end');
  assert.equal(statusWatermark(42), 42);
});

