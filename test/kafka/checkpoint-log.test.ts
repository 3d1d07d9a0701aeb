import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckpointLog } from '../../src/kafka/checkpoint-log.ts';
import { ControlChannel, type ControlMessage } from '../../src/kafka/control-channel.ts';
import { TransactionalCommitter } from '../../src/kafka/transactional-committer.ts';
import { ChangelogFormatError, KafkaRequestError } from '../../src/kafka/errors.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { kafkaTestEnv, kcatRead, rec, rejection } from './helpers.ts';
import type { ClientSupplier } from '../../src/kafka/client-supplier.ts';

const env = kafkaTestEnv({}, [CheckpointLog.spec('cp-job'), ControlChannel.spec('cp-job'), { name: 'cp-out', partitions: 1 }]);
const supplier = (transactionalId?: string): ClientSupplier => env.supplier(transactionalId);

test('checkpoint records are written inside the checkpoint transaction: the last committed one per task is read back, aborted ones never', async () => {
  const log = new CheckpointLog('cp-job', { clock: new ManualClock(5_000) });
  assert.equal(log.topic, 'cp-job-checkpoints');
  const committer = new TransactionalCommitter(supplier('cp-job-0'));
  await committer.init();
  const payload = (cp: number) => ({ watermarks: { 'source/0': BigInt(cp) * 1000n }, operatorState: { offsets: new Map([['in', [cp]]]) } });

  await log.writeJob(committer, { uids: ['counter', 'window'], maxParallelism: 128 });
  await log.write(committer, [
    { taskId: 'counter/0', checkpointId: 1, payload: payload(1) },
    { taskId: 'counter/1', checkpointId: 1, payload: payload(1) },
  ]);
  await committer.send([rec('cp-out', 0, 'k', 'out-1')]);
  await committer.commit();

  await log.write(committer, [{ taskId: 'counter/0', checkpointId: 2, payload: payload(2) }]);
  await committer.commit();

  await log.write(committer, [{ taskId: 'counter/0', checkpointId: 3, payload: payload(3) }, { taskId: 'counter/1', checkpointId: 3, payload: payload(3) }]);
  await committer.abort(); // checkpoint 3 failed

  const { tasks, job } = await log.read(supplier().consumer('checkpoints'));
  assert.deepEqual(job, { uids: ['counter', 'window'], maxParallelism: 128 });
  assert.equal(tasks.size, 2);
  assert.deepEqual(tasks.get('counter/0'), { taskId: 'counter/0', checkpointId: 2, timestamp: 5_000, payload: payload(2) });
  assert.equal(tasks.get('counter/1')!.checkpointId, 1);

  // A follower reads only what changed since its last read (committed records only).
  const follower = supplier().consumer('follower');
  const first = await log.readSince(follower, 0n);
  assert.deepEqual([...first.tasks.keys()].sort(), ['counter/0', 'counter/1'], 'the job record is not a task');
  assert.equal(first.tasks.get('counter/0')!.checkpointId, 2, 'the newest committed record, not the aborted one');
  const unchanged = await log.readSince(follower, first.next);
  assert.deepEqual([unchanged.tasks.size, unchanged.next], [0, first.next], 'nothing new');

  await log.removeTasks(committer, ['counter/1']);
  await committer.commit();
  const after = await log.read(supplier().consumer('checkpoints'));
  assert.deepEqual([...after.tasks.keys()], ['counter/0'], 'a tombstone removes a task');
  const since = await log.readSince(follower, first.next);
  assert.deepEqual([...since.tasks], [['counter/1', undefined]], 'since the last read: only the removal');
  assert.ok(since.next > first.next);
  // librdkafka reading read_committed sees the same committed records (aborted ones skipped).
  const lines = await kcatRead(env.bootstrap, 'cp-job-checkpoints', 'read_committed', '%k\\n');
  assert.equal(lines.filter((l) => l === 'counter/0').length, 2, 'checkpoints 1 and 2 of counter/0, not the aborted 3');
});

test('the rescale record: read back apart from the tasks (the newest one), also by a follower', async () => {
  const log = new CheckpointLog('cp-job');
  const committer = new TransactionalCommitter(supplier('cp-job-rescale'));
  await committer.init();
  const follower = supplier().consumer('rescale-follower');
  const before = await log.readSince(follower, 0n);
  await committer.send([log.rescaleRecord({ generation: 1, parallelism: { a: 3 } })]);
  await committer.commit();
  await committer.send([log.rescaleRecord({ generation: 2, parallelism: { a: 2 } }), ...log.records([{ taskId: 'a.0', checkpointId: 9, payload: { subtask: 0, generation: 2 } }])]);
  await committer.commit();
  const { tasks, rescale } = await log.read(supplier().consumer('checkpoints'));
  assert.deepEqual(rescale, { generation: 2, parallelism: { a: 2 } });
  assert.ok(!tasks.has('\u0000rescale'), 'not a task');
  assert.equal(tasks.get('a.0')!.checkpointId, 9);
  const since = await log.readSince(follower, before.next);
  assert.deepEqual(since.rescale, { generation: 2, parallelism: { a: 2 } });
  assert.deepEqual([...since.tasks.keys()].filter((k) => k.startsWith('a.')), ['a.0']);
});

test('reserved task ids and corrupt records are typed errors', async () => {
  const log = new CheckpointLog('cp-job');
  assert.throws(() => log.records([{ taskId: '\u0000job', checkpointId: 1, payload: null }]), ChangelogFormatError);
  const plain = supplier();
  await plain.producer().send({ messages: [{ topic: 'cp-job-checkpoints', partition: 0, key: Buffer.from('bad-task'), value: Buffer.from([9, 9, 9]) }] });
  const e = await rejection(() => log.read(plain.consumer('checkpoints')));
  assert.ok(e instanceof ChangelogFormatError, String(e));
  assert.match(e.message, /cp-job-checkpoints@\d+.*format version 9/);
});

test('control channel: a worker consumes requests from the end and acknowledges; the requester collects the acks', async () => {
  const workerClients = supplier('cp-job-worker-0'); // a transactional worker acks outside its transactions
  const seen: ControlMessage[] = [];
  const control = new ControlChannel(workerClients, 'cp-job', { from: 'worker-0' });
  await new ControlChannel(supplier(), 'cp-job').send({ type: 'old-request' }); // before the worker started: not for it
  const sub = await control.subscribe(async (m) => {
    seen.push(m);
    if (m.type === 'stop-with-savepoint') await control.ack(m, { path: `${m.dir}/worker-0` });
  });
  try {
    const cli = new ControlChannel(supplier(), 'cp-job');
    const acks = await cli.request({ type: 'stop-with-savepoint', dir: '/tmp/sp' }, { until: (a) => a.length === 1, timeoutMs: 20_000 });
    assert.equal(acks.length, 1);
    assert.equal(acks[0]!.type, 'stop-with-savepoint-ack');
    assert.equal(acks[0]!.from, 'worker-0');
    assert.equal(acks[0]!.path, '/tmp/sp/worker-0');
    assert.deepEqual(seen.map((m) => m.type).filter((t) => !t.endsWith('-ack')), ['stop-with-savepoint'], 'the request sent before subscribing is not delivered');

    const late = await rejection(() => cli.request({ type: 'nobody-answers' }, { until: (a) => a.length === 1, timeoutMs: 500 }));
    assert.ok(late instanceof KafkaRequestError && late.code === 'SLUICE_CONTROL_TIMEOUT', String(late));
  } finally {
    await sub.close();
  }
});
