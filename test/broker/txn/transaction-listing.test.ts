import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, ErrorCode } from '../../../src/protocol/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { RawClient } from '../../helpers/raw-client.ts';

// ListTransactions and DescribeTransactions (KIP-664) over the wire: one transactional id that
// only initialised (Empty) and one with an open transaction on two partitions (Ongoing).

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let client: RawClient;
let empty: { producerId: bigint; producerEpoch: number };
let ongoing: { producerId: bigint; producerEpoch: number };

async function init(transactionalId: string, transactionTimeoutMs: number) {
  const r = await client.call(ApiKey.InitProducerId, 4, { transactionalId, transactionTimeoutMs, producerId: -1n, producerEpoch: -1 });
  assert.equal(r.errorCode, ErrorCode.NONE);
  return { producerId: r.producerId as bigint, producerEpoch: r.producerEpoch as number };
}

before(async () => {
  broker = await startTestBroker();
  client = await RawClient.open(broker.port);
  const created = await client.call(ApiKey.CreateTopics, 5, { topics: [{ name: 'tl', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
  empty = await init('tl-empty', 30_000);
  ongoing = await init('tl-ongoing', 45_000);
  const added = await client.call(ApiKey.AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: 'tl-ongoing', v3AndBelowProducerId: ongoing.producerId, v3AndBelowProducerEpoch: ongoing.producerEpoch, v3AndBelowTopics: [{ name: 'tl', partitions: [0, 1] }] });
  assert.ok(added.resultsByTopicV3AndBelow[0].resultsByPartition.every((p: { partitionErrorCode: number }) => p.partitionErrorCode === ErrorCode.NONE));
});

after(async () => {
  client?.close();
  await broker?.stop();
});

async function list(body: object, version = 1) {
  const r = await client.call(ApiKey.ListTransactions, version, { stateFilters: [], producerIdFilters: [], durationFilter: -1n, ...body });
  assert.equal(r.errorCode, ErrorCode.NONE);
  return { ids: r.transactionStates.map((t: any) => `${t.transactionalId}:${t.transactionState}:${t.producerId}`).sort(), unknown: r.unknownStateFilters };
}

test('ListTransactions: all, by state (unknown names reported), by producer id, by age', async () => {
  assert.deepEqual((await list({}, 0)).ids, [`tl-empty:Empty:${empty.producerId}`, `tl-ongoing:Ongoing:${ongoing.producerId}`]);
  assert.deepEqual(await list({ stateFilters: ['Ongoing', 'Bogus'] }), { ids: [`tl-ongoing:Ongoing:${ongoing.producerId}`], unknown: ['Bogus'] });
  assert.deepEqual((await list({ producerIdFilters: [empty.producerId] })).ids, [`tl-empty:Empty:${empty.producerId}`]);
  assert.deepEqual((await list({ stateFilters: ['Ongoing'], durationFilter: 3_600_000n })).ids, [], 'the open transaction is younger than an hour');
  assert.deepEqual((await list({ stateFilters: ['Ongoing'], durationFilter: -1n })).ids.length, 1);
});

test('DescribeTransactions: state, timeout, producer and partitions; unknown and empty ids refused', async () => {
  const r = await client.call(ApiKey.DescribeTransactions, 0, { transactionalIds: ['tl-ongoing', 'tl-empty', 'nobody', ''] });
  const [o, e, unknown, blank] = r.transactionStates;
  assert.deepEqual(
    [o.errorCode, o.transactionState, o.transactionTimeoutMs, o.producerId, o.producerEpoch, o.topics],
    [ErrorCode.NONE, 'Ongoing', 45_000, ongoing.producerId, ongoing.producerEpoch, [{ topic: 'tl', partitions: [0, 1] }]],
  );
  assert.ok(o.transactionStartTimeMs > 0n, 'an open transaction has a start time');
  assert.deepEqual([e.errorCode, e.transactionState, e.transactionTimeoutMs, e.transactionStartTimeMs, e.topics], [ErrorCode.NONE, 'Empty', 30_000, -1n, []]);
  assert.deepEqual([unknown.transactionalId, unknown.errorCode], ['nobody', ErrorCode.TRANSACTIONAL_ID_NOT_FOUND]);
  assert.deepEqual([blank.transactionalId, blank.errorCode], ['', ErrorCode.INVALID_REQUEST]);
});
