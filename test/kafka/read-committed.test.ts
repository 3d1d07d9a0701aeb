import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterAbortedTransactionsOurselves } from '../../src/kafka/aborted-filter.ts';
import { CheckpointLog } from '../../src/kafka/checkpoint-log.ts';
import { kafkaClientLibrary } from '../../src/kafka/client-library.ts';
import { readToEnd } from '../../src/kafka/read-to-end.ts';
import { TransactionalCommitter } from '../../src/kafka/transactional-committer.ts';
import { CoordinatorType } from '../../src/kafka/wire.ts';
import { kafkaTestEnv, kcatRead } from './helpers.ts';

const TOPIC = 'rc-job-checkpoints';
const env = kafkaTestEnv({}, [CheckpointLog.spec('rc-job')]);

/**
 * The pattern of a worker killed several times (one transactional id, a new producer epoch per
 * incarnation), as the crash test wrote it to its checkpoints topic:
 *   cp1 committed | cp2 aborted by the next incarnation | cp3, cp4 committed |
 *   an empty transaction (the partition was added, the worker died before its records landed)
 *   aborted by the next incarnation: an ABORT marker with no data, which Kafka (and Sluice's
 *   broker) do not list among the aborted transactions.
 * @platformatic/kafka 2.12 drops every batch of the producer between its last listed aborted
 * transaction and its LAST abort marker in the response: cp3 and cp4 vanished, and a restart
 * restored cp1 while the changelogs held cp4's state.
 */
test('read_committed reads keep committed transactions after an aborted one and before an empty aborted one of the same producer', async () => {
  const log = new CheckpointLog('rc-job');
  const txId = 'rc-job-0';
  const incarnation = async () => {
    const c = new TransactionalCommitter(env.supplier(txId));
    await c.init();
    return c;
  };
  let c = await incarnation();
  await log.write(c, [{ taskId: 't', checkpointId: 1, payload: null }]);
  await c.commit();
  await log.write(c, [{ taskId: 't', checkpointId: 2, payload: null }]); // left open: the worker dies
  c = await incarnation(); // aborts cp2
  await log.write(c, [{ taskId: 't', checkpointId: 3, payload: null }]);
  await c.commit();
  await log.write(c, [{ taskId: 't', checkpointId: 4, payload: null }]);
  await c.commit();
  // The next transaction adds the partition, and the worker dies before its records land.
  const { producerId, producerEpoch } = c.producerIdentity;
  const wire = env.supplier().wire('raw');
  const added = await wire.call(kafkaClientLibrary().addPartitionsToTxnV3.api, { coordinator: CoordinatorType.TRANSACTION, key: txId }, {}, [
    { transactionalId: txId, producerId: producerId!, producerEpoch: producerEpoch!, verifyOnly: false, topics: [{ name: TOPIC, partitions: [0] }] },
  ]);
  const codes = added.resultsByTransaction.flatMap((t) => t.topicResults.flatMap((r) => r.resultsByPartition.map((p) => p.partitionErrorCode)));
  assert.deepEqual(codes, [0], 'the partition joined the transaction');
  c = await incarnation(); // aborts the empty transaction: an ABORT marker without data

  const seen: number[] = [];
  await readToEnd(env.supplier().consumer('read'), TOPIC, [0], (r) => seen.push(Number(r.offset)));
  const kcat = (await kcatRead(env.bootstrap, TOPIC, 'read_committed', '%o\\n')).map(Number);
  assert.deepEqual(seen, kcat, 'the same committed records as librdkafka');
  assert.equal(seen.length, 3, 'cp1, cp3 and cp4');
  const { tasks } = await log.read(env.supplier().consumer('checkpoints'));
  assert.equal(tasks.get('t')?.checkpointId, 4, 'the last committed checkpoint');

  // A plain client (the CLI's and the dashboard's) given the same filter sees the same records.
  const plain = new (kafkaClientLibrary().Consumer)({ clientId: 'rc-plain', groupId: 'rc-plain', bootstrapBrokers: [env.bootstrap] });
  filterAbortedTransactionsOurselves(plain);
  try {
    const md = await plain.metadata({ topics: [TOPIC] });
    const info = md.topics.get(TOPIC)!;
    const response = await plain.fetch({ node: info.partitions[0]!.leader, topics: [{ topicId: info.id, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }] }], maxWaitTime: 100, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 1 });
    const offsets = response.responses[0]!.partitions[0]!.records!.filter((b) => (b.attributes & 32) === 0).flatMap((b) => b.records.map((r) => Number(b.firstOffset) + r.offsetDelta));
    assert.deepEqual(offsets, kcat);
  } finally {
    await plain.close();
  }
});
