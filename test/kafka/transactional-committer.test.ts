import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TransactionalCommitter } from '../../src/kafka/transactional-committer.ts';
import { CommitError, ProducerFencedError } from '../../src/kafka/errors.ts';
import { kafkaTestEnv, kcatRead, rec, rejection } from './helpers.ts';
import type { ClientSupplier } from '../../src/kafka/client-supplier.ts';

const env = kafkaTestEnv({}, [
  { name: 'eo-out', partitions: 2 },
  { name: 'eo-fence', partitions: 1 },
  { name: 'eo-empty', partitions: 1 },
  { name: 'eo-wide', partitions: 10 },
]);
const transactional = (id: string): ClientSupplier => env.supplier(id);

test('commit, abort, commit: read_committed readers (ours and librdkafka) see exactly the committed records', async () => {
  const committer = new TransactionalCommitter(transactional('eo-cac'));
  await committer.init();
  await committer.send([rec('eo-out', 0, 'a', 'c1-0'), rec('eo-out', 1, 'b', 'c1-1')]);
  assert.equal(committer.inTransaction, true);
  await committer.commit();
  assert.equal(committer.inTransaction, false);
  await committer.send([rec('eo-out', 0, 'a', 'ab-0'), rec('eo-out', 1, 'b', 'ab-1')]);
  await committer.abort();
  await committer.send([rec('eo-out', 0, 'a', 'c2-0')]);
  await committer.commit();

  const committed = (await kcatRead(env.bootstrap, 'eo-out', 'read_committed')).sort();
  assert.deepEqual(committed, ['0 a c1-0', '0 a c2-0', '1 b c1-1']);
  const all = (await kcatRead(env.bootstrap, 'eo-out', 'read_uncommitted')).sort();
  assert.deepEqual(all, ['0 a ab-0', '0 a c1-0', '0 a c2-0', '1 b ab-1', '1 b c1-1'], 'the aborted records are in the log, only hidden');
  await committer.close();
});

test('a checkpoint that sent nothing commits and aborts nothing (no empty EndTxn)', async () => {
  const committer = new TransactionalCommitter(transactional('eo-empty-txn'));
  await committer.init();
  await committer.commit();
  await committer.abort();
  await committer.send([rec('eo-empty', 0, 'k', 'v')]);
  await committer.commit();
  assert.deepEqual(await kcatRead(env.bootstrap, 'eo-empty', 'read_committed'), ['0 k v']);
});

test('a restarted worker (same transactional id) fences its previous incarnation: the old commit fails, its data stays invisible, and it cannot come back', async () => {
  const oldOne = new TransactionalCommitter(transactional('eo-worker-7'));
  await oldOne.init();
  await oldOne.send([rec('eo-fence', 0, 'k', 'zombie-1')]);
  const oldEpoch = oldOne.producerIdentity.producerEpoch!;

  const newOne = new TransactionalCommitter(transactional('eo-worker-7'));
  await newOne.init();
  assert.ok(newOne.producerIdentity.producerEpoch! > oldEpoch, 'InitProducerId with -1/-1 bumped the epoch');

  const e = await rejection(() => oldOne.commit());
  assert.ok(e instanceof ProducerFencedError, `expected ProducerFencedError, got ${e}`);
  assert.equal(e.code, 'SLUICE_PRODUCER_FENCED');
  // Every later call is refused the same way, and none of them re-initializes the producer
  // (which would fence the new incarnation in turn).
  assert.ok((await rejection(() => oldOne.send([rec('eo-fence', 0, 'k', 'zombie-2')]))) instanceof ProducerFencedError);
  assert.ok((await rejection(() => oldOne.abort())) instanceof ProducerFencedError);
  await oldOne.close();

  await newOne.send([rec('eo-fence', 0, 'k', 'live-1')]);
  await newOne.commit();
  assert.deepEqual(await kcatRead(env.bootstrap, 'eo-fence', 'read_committed'), ['0 k live-1'], 'only the new incarnation is visible');
});

test('a fenced send (the zombie writes after the new incarnation started) is a ProducerFencedError too', async () => {
  const oldOne = new TransactionalCommitter(transactional('eo-worker-8'));
  await oldOne.init();
  await oldOne.send([rec('eo-fence', 0, 'k', 'zombie-a')]);
  await oldOne.commit();
  const newOne = new TransactionalCommitter(transactional('eo-worker-8'));
  await newOne.init();
  const e = await rejection(() => oldOne.send([rec('eo-fence', 0, 'k', 'zombie-b')]));
  assert.ok(e instanceof ProducerFencedError, `expected ProducerFencedError, got ${e}`);
  const visible = await kcatRead(env.bootstrap, 'eo-fence', 'read_committed');
  assert.ok(visible.includes('0 k zombie-a') && !visible.includes('0 k zombie-b'));
});

test('overlapping sends to many partitions all join the transaction (they are coalesced, never concurrent)', async () => {
  const committer = new TransactionalCommitter(transactional('eo-wide'));
  await committer.init();
  await Promise.all(Array.from({ length: 10 }, (_, p) => committer.send([rec('eo-wide', p, `k${p}`, `v${p}`)])));
  await committer.commit();
  const seen = (await kcatRead(env.bootstrap, 'eo-wide', 'read_committed')).sort();
  assert.deepEqual(seen, Array.from({ length: 10 }, (_, p) => `${p} k${p} v${p}`).sort());
});

test('after a failed send the transaction cannot be committed, only aborted', async () => {
  const committer = new TransactionalCommitter(transactional('eo-badsend'));
  await committer.init();
  await committer.send([rec('eo-empty', 0, 'ok', 'before')]);
  const sendError = await rejection(() => committer.send([rec('eo-no-such-topic-xyz', 0, 'k', 'v')]));
  assert.ok(sendError instanceof Error);
  const e = await rejection(() => committer.commit());
  assert.ok(e instanceof CommitError, String(e));
  assert.match(e.message, /abort it/);
  await committer.abort();
  assert.ok(!(await kcatRead(env.bootstrap, 'eo-empty', 'read_committed')).includes('0 ok before'), 'the records before the failure are aborted, not committed half');
  await committer.send([rec('eo-empty', 0, 'ok', 'after')]);
  await committer.commit();
  assert.ok((await kcatRead(env.bootstrap, 'eo-empty', 'read_committed')).includes('0 ok after'));
});
