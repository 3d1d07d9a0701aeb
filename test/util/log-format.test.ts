import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prettyLogLine } from '../../src/util/log-format.ts';

test('a pino JSON line reads as one line for people: time, level, component, message, fields', () => {
  const json = JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 2, 3, 4, 5, 678), pid: 1, hostname: 'h', name: 'sluice', component: 'broker', msg: 'auto-created topic', topic: 'output', partitions: 1, note: 'two words' });
  assert.equal(prettyLogLine(json, false), '03:04:05.678 WARN  broker: auto-created topic topic=output partitions=1 note="two words"\n');
  assert.equal(prettyLogLine(json, true), '03:04:05.678 \x1b[33mWARN \x1b[0m broker: auto-created topic topic=output partitions=1 note="two words"\n');
  const err = JSON.stringify({ level: 50, time: 0, msg: 'fetch failed', err: { type: 'Error', message: 'socket hang up', stack: 'Error: socket hang up\n    at x' } });
  assert.equal(prettyLogLine(err, false), '00:00:00.000 ERROR fetch failed err="socket hang up"\n');
  assert.equal(prettyLogLine('not json\n', false), 'not json\n');
});
