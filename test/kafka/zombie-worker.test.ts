import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ClientSupplier } from '../../src/kafka/client-supplier.ts';
import { InternalTopics } from '../../src/kafka/internal-topics.ts';
import { JobGroupMember } from '../../src/kafka/job-group-member.ts';
import { TransactionalCommitter } from '../../src/kafka/transactional-committer.ts';
import { WorkerIdentity } from '../../src/kafka/worker-identity.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { tempDir } from '../helpers/tmp-dir.ts';
import { committedOffsets } from '../compat/txn/txn-helpers.ts';
import { kcatRead, type TestBroker } from './helpers.ts';

// The substrate's answer to a frozen worker (KIP-447): a replacement started while it is frozen
// takes another worker slot (another transactional id) and, once the group expired the frozen
// member, owns its tasks; when the zombie wakes up, its offsets carry a stale generation and are
// refused, so its transaction — output included — is aborted and never seen.

let broker: TestBroker;
let state: ReturnType<typeof tempDir>;

before(async () => {
  broker = await startTestBroker({ groups: { minSessionTimeoutMs: 100, initialRebalanceDelayMs: 0 } });
  state = tempDir('sluice-zombie-');
  const admin = new ClientSupplier({ connection: { bootstrapBrokers: [broker.bootstrap] }, clientId: 'z-admin', producer: { kind: 'idempotent' } });
  await new InternalTopics(admin.wire('admin')).ensure([
    { name: 'z-in', partitions: 1 },
    { name: 'z-out', partitions: 1 },
  ]);
  await admin.close();
});
after(async () => {
  await broker.stop();
  state.cleanup();
});

const WORKER = fileURLToPath(new URL('./fixtures/zombie-worker.ts', import.meta.url));

function startZombie(): { child: ChildProcess; next: () => Promise<Record<string, unknown>> } {
  const child = spawn(process.execPath, [WORKER, broker.bootstrap, state.dir, 'zjob'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, SLUICE_LOG_LEVEL: 'silent' } });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    child,
    next: async () => {
      const r = await lines.next();
      if (r.done) throw new Error('the zombie worker exited early');
      return JSON.parse(r.value) as Record<string, unknown>;
    },
  };
}

test('a frozen worker is replaced; when it wakes up it cannot commit, and the output stays exactly-once', { timeout: 120_000 }, async () => {
  const zombie = startZombie();
  try {
    const ready = await zombie.next();
    assert.deepEqual({ slot: ready.slot, tasks: ready.tasks }, { slot: 0, tasks: 1 });
    zombie.child.kill('SIGSTOP');

    // The replacement: slot 0 is held by the frozen process, so it takes slot 1.
    const me = WorkerIdentity.acquire({ stateDir: state.dir, jobId: 'zjob' });
    assert.equal(me.slot, 1);
    const clients = new ClientSupplier({
      connection: { bootstrapBrokers: [broker.bootstrap] },
      clientId: 'zjob-worker-1',
      producer: { kind: 'transactional', transactionalId: me.transactionalId('zjob'), transactionTimeoutMs: 60_000 },
    });
    const member = new JobGroupMember(clients, { groupId: 'zjob', topics: ['z-in'], worker: { host: 'h', pid: process.pid, slot: 1 }, sessionTimeoutMs: 3000, rebalanceTimeoutMs: 3000, heartbeatIntervalMs: 200 });
    const assignment = await member.join(); // completes once the frozen member is expired
    assert.equal(assignment.partitions.length, 1, 'the replacement owns the task');
    assert.ok(member.generationId > (ready.generation as number));
    const start = await member.fetchCommittedOffsets(assignment.partitions);
    assert.equal(start.size, 0, 'nothing was committed before');
    const committer = new TransactionalCommitter(clients);
    await committer.init();
    await committer.send([{ topic: 'z-out', partition: 0, key: Buffer.from('live'), value: Buffer.from('from slot 1') }]);
    await committer.sendOffsets([{ topic: 'z-in', partition: 0, offset: 5n }], member.groupMetadata());
    await committer.commit();

    // The zombie wakes up and tries to finish its checkpoint with the generation it had.
    zombie.child.kill('SIGCONT');
    zombie.child.stdin!.write('finish\n');
    const outcome = await zombie.next();
    assert.equal(outcome.committed, false, JSON.stringify(outcome));
    assert.equal(outcome.code, 'SLUICE_WORKER_FENCED', JSON.stringify(outcome));

    assert.deepEqual(await committedOffsets(broker.bootstrap, 'zjob', 'z-in'), [5], "the replacement's offsets stand");
    assert.deepEqual(await kcatRead(broker.bootstrap, 'z-out', 'read_committed'), ['0 live from slot 1'], 'only the replacement output is visible (librdkafka, read_committed)');
    await member.close();
    await clients.close();
    me.release();
  } finally {
    zombie.child.kill('SIGCONT');
    zombie.child.kill('SIGKILL');
  }
});
