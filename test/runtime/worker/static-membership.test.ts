import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { JobConfigurationError } from '../../../src/core/errors/job-errors.ts';
import { staticMembershipOf } from '../../../src/runtime/worker/static-membership.ts';
import { withoutWorkersOption } from '../../../src/cli/run/worker-threads.ts';

const saved = { id: process.env.SLUICE_INSTANCE_ID, remain: process.env.SLUICE_REMAIN_IN_GROUP };
afterEach(() => {
  for (const [k, v] of [['SLUICE_INSTANCE_ID', saved.id], ['SLUICE_REMAIN_IN_GROUP', saved.remain]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

test('no instance id: a dynamic member', () => {
  delete process.env.SLUICE_INSTANCE_ID;
  delete process.env.SLUICE_REMAIN_IN_GROUP;
  assert.equal(staticMembershipOf({}), undefined);
});

test('the option wins over SLUICE_INSTANCE_ID; a stopping static worker leaves unless told to remain', () => {
  process.env.SLUICE_INSTANCE_ID = 'from-env';
  delete process.env.SLUICE_REMAIN_IN_GROUP;
  assert.deepEqual(staticMembershipOf({}), { instanceId: 'from-env', remainInGroupOnStop: false });
  assert.deepEqual(staticMembershipOf({ instanceId: 'given' }), { instanceId: 'given', remainInGroupOnStop: false });
  process.env.SLUICE_REMAIN_IN_GROUP = 'true';
  assert.deepEqual(staticMembershipOf({}), { instanceId: 'from-env', remainInGroupOnStop: true });
  assert.deepEqual(staticMembershipOf({ remainInGroupOnStop: false }), { instanceId: 'from-env', remainInGroupOnStop: false });
});

test('bad settings are configuration errors that say what to do', () => {
  delete process.env.SLUICE_INSTANCE_ID;
  delete process.env.SLUICE_REMAIN_IN_GROUP;
  assert.throws(() => staticMembershipOf({ instanceId: 'has space' }), JobConfigurationError);
  assert.throws(() => staticMembershipOf({ instanceId: 'x'.repeat(250) }), JobConfigurationError);
  assert.throws(() => staticMembershipOf({ remainInGroupOnStop: true }), /needs a static instance id/);
  process.env.SLUICE_REMAIN_IN_GROUP = 'yes';
  assert.throws(() => staticMembershipOf({ instanceId: 'w' }), /SLUICE_REMAIN_IN_GROUP must be 'true' or 'false'/);
});

test('worker threads do not inherit --instance-id (each gets <id>-<i> through the environment)', () => {
  assert.deepEqual(withoutWorkersOption(['run', 'job.ts', '--workers', '3', '--instance-id', 'w', '--remain-in-group']), ['run', 'job.ts', '--remain-in-group']);
  assert.deepEqual(withoutWorkersOption(['run', 'job.ts', '--workers=3', '--instance-id=w']), ['run', 'job.ts']);
  assert.deepEqual(withoutWorkersOption(['run', 'job.ts', '--', '--instance-id', 'x']), ['run', 'job.ts', '--', '--instance-id', 'x']);
});
