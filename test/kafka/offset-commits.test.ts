import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobGroupMember } from '../../src/kafka/job-group-member.ts';
import { TransactionalCommitter } from '../../src/kafka/transactional-committer.ts';
import { AtLeastOnceCommitter } from '../../src/kafka/at-least-once-committer.ts';
import { fetchStableOffsets } from '../../src/kafka/stable-offsets.ts';
import { CommitError, KafkaRequestError, WorkerFencedError } from '../../src/kafka/errors.ts';
import type { GroupMetadata } from '../../src/core/kafka-clients.ts';
import { committedOffsets } from '../compat/txn/txn-helpers.ts';
import { kafkaTestEnv, kcatRead, rec, rejection } from './helpers.ts';
import type { ClientSupplier } from '../../src/kafka/client-supplier.ts';

// The Kafka semantics exactly-once v2 (KIP-447) rests on: offsets committed inside a transaction
// carry the group generation and member id, and Kafka refuses them from a worker the group moved
// past; OffsetFetch with require_stable does not hand out offsets still pending in a transaction.

const env = kafkaTestEnv({ groups: { minSessionTimeoutMs: 100, initialRebalanceDelayMs: 0 } }, [
  { name: 'in', partitions: 2 },
  { name: 'out', partitions: 1 },
]);
const supplier = (transactionalId?: string): ClientSupplier => env.supplier(transactionalId);

const worker = (slot: number) => ({ host: 'h', pid: process.pid, slot });
const offsets = (a: number, b: number) => [
  { topic: 'in', partition: 0, offset: BigInt(a) },
  { topic: 'in', partition: 1, offset: BigInt(b) },
];

async function memberOf(groupId: string, slot: number): Promise<JobGroupMember> {
  const m = new JobGroupMember(supplier(), { groupId, topics: ['in'], worker: worker(slot), heartbeatIntervalMs: 50, sessionTimeoutMs: 5000, rebalanceTimeoutMs: 5000 });
  await m.join();
  return m;
}

test('offsets sent in a transaction with the current generation commit atomically with the records', async () => {
  const member = await memberOf('g-ok', 0);
  const committer = new TransactionalCommitter(supplier('g-ok-0'));
  await committer.init();
  await committer.send([rec('out', 0, 'k', 'v1')]);
  await committer.sendOffsets(offsets(10, 20), member.groupMetadata(), 'checkpoint-1');
  assert.deepEqual(await committedOffsets(env.bootstrap, 'g-ok', 'in'), [-1, -1], 'not visible before the commit');
  await committer.commit();
  assert.deepEqual(await committedOffsets(env.bootstrap, 'g-ok', 'in'), [10, 20]);
  const fetched = await member.fetchCommittedOffsets([{ topic: 'in', partition: 0 }, { topic: 'in', partition: 1 }]);
  assert.deepEqual(fetched.get('in:0'), { offset: 10n, leaderEpoch: -1, metadata: 'checkpoint-1' });
  assert.equal(fetched.get('in:1')!.offset, 20n);

  // Aborted: neither the records nor the offsets.
  await committer.send([rec('out', 0, 'k', 'v2')]);
  await committer.sendOffsets(offsets(11, 21), member.groupMetadata());
  await committer.abort();
  assert.deepEqual(await committedOffsets(env.bootstrap, 'g-ok', 'in'), [10, 20]);
  assert.deepEqual(await kcatRead(env.bootstrap, 'out', 'read_committed'), ['0 k v1']);
  await member.close();
});

test('a zombie whose generation is stale cannot commit offsets: WorkerFencedError, the transaction is aborted, nothing of it is visible', async () => {
  const m1 = await memberOf('g-zombie', 0);
  const zombieView: GroupMetadata = m1.groupMetadata();
  // A second worker joins: the generation moves on (m1 rejoins too, but the zombie kept the old view).
  const m2 = await memberOf('g-zombie', 1);
  assert.ok(m2.generationId > zombieView.generationId);

  const zombie = new TransactionalCommitter(supplier('g-zombie-0'));
  await zombie.init();
  await zombie.send([rec('out', 0, 'z', 'zombie-output')]);
  const e = await rejection(() => zombie.sendOffsets(offsets(50, 60), zombieView));
  assert.ok(e instanceof WorkerFencedError, `expected WorkerFencedError, got ${e}`);
  assert.equal(e.code, 'SLUICE_WORKER_FENCED');
  assert.match(e.message, /ILLEGAL_GENERATION/);
  await zombie.abort();
  assert.deepEqual(await committedOffsets(env.bootstrap, 'g-zombie', 'in'), [-1, -1]);
  const out = await kcatRead(env.bootstrap, 'out', 'read_committed');
  assert.ok(!out.includes('0 z zombie-output'), 'the zombie output stays invisible');

  // An unknown member id with the current generation is refused as well.
  const stranger = new TransactionalCommitter(supplier('g-zombie-9'));
  await stranger.init();
  const e2 = await rejection(() => stranger.sendOffsets(offsets(1, 1), { ...m2.groupMetadata(), memberId: 'not-a-member' }));
  assert.ok(e2 instanceof WorkerFencedError, `expected WorkerFencedError, got ${e2}`);
  assert.match(e2.message, /UNKNOWN_MEMBER_ID/);
  await stranger.abort();

  // The current members can.
  const live = new TransactionalCommitter(supplier('g-zombie-1'));
  await live.init();
  const owner = m1.assignment.partitions.length > 0 ? m1 : m2;
  await live.sendOffsets(offsets(5, 6), owner.groupMetadata());
  await live.commit();
  assert.deepEqual(await committedOffsets(env.bootstrap, 'g-zombie', 'in'), [5, 6]);
  await m1.close();
  await m2.close();
});

test('require_stable: offsets pending in an open transaction are not handed out (UNSTABLE_OFFSET_COMMIT) until it commits', async () => {
  const member = await memberOf('g-stable', 0);
  const committer = new TransactionalCommitter(supplier('g-stable-0'));
  await committer.init();
  await committer.sendOffsets(offsets(1, 2), member.groupMetadata());
  await committer.commit();
  await committer.sendOffsets(offsets(7, 8), member.groupMetadata());

  const wire = supplier().wire('reader');
  const tps = [{ topic: 'in', partition: 0 }, { topic: 'in', partition: 1 }];
  const impatient = await rejection(() => fetchStableOffsets(wire, 'g-stable', tps, 300));
  assert.ok(impatient instanceof KafkaRequestError, String(impatient));
  assert.match(impatient.message, /UNSTABLE_OFFSET_COMMIT/);

  const patient = fetchStableOffsets(wire, 'g-stable', tps, 30_000);
  await new Promise((r) => setTimeout(r, 200));
  await committer.commit();
  const got = await patient;
  assert.deepEqual([got.get('in:0')!.offset, got.get('in:1')!.offset], [7n, 8n], 'the offsets of the committed transaction, not the older ones');

  // Aborted pending offsets: the reader gets the last committed ones once the abort is done.
  await committer.sendOffsets(offsets(100, 200), member.groupMetadata());
  const afterAbort = fetchStableOffsets(wire, 'g-stable', tps, 30_000);
  await committer.abort();
  const got2 = await afterAbort;
  assert.deepEqual([got2.get('in:0')!.offset, got2.get('in:1')!.offset], [7n, 8n]);
  await member.close();
});

test('at-least-once: records acknowledged first, offsets committed with the group metadata; a stale generation is refused', async () => {
  const m1 = await memberOf('g-alo', 0);
  const committer = new AtLeastOnceCommitter(supplier());
  await committer.send([rec('out', 0, 'alo', 'r1')]);
  await committer.sendOffsets(offsets(3, 4), m1.groupMetadata());
  assert.deepEqual(await committedOffsets(env.bootstrap, 'g-alo', 'in'), [-1, -1], 'held until commit');
  await committer.commit();
  assert.deepEqual(await committedOffsets(env.bootstrap, 'g-alo', 'in'), [3, 4]);

  const stale = m1.groupMetadata();
  const m2 = await memberOf('g-alo', 1);
  await committer.sendOffsets(offsets(9, 9), stale);
  const e = await rejection(() => committer.commit());
  assert.ok(e instanceof WorkerFencedError || (e instanceof CommitError && e.retriable), `expected a fenced or rebalance error, got ${e}`);
  assert.deepEqual(await committedOffsets(env.bootstrap, 'g-alo', 'in'), [3, 4]);
  await committer.abort();
  await m1.close();
  await m2.close();
});
