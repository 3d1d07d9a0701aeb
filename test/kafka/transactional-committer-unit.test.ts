import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TransactionalCommitter } from '../../src/kafka/transactional-committer.ts';
import { CommitError, ProducerFencedError, WorkerFencedError } from '../../src/kafka/errors.ts';
import { classifyKafkaError } from '../../src/kafka/error-classification.ts';
import type { ClientSupplier } from '../../src/kafka/client-supplier.ts';

// Failure paths that a live broker does not produce on demand, with a scripted client.

/** An error shaped like @platformatic/kafka's: a MultipleErrors wrapping ProtocolErrors. */
const kafkaError = (...apiIds: string[]) => Object.assign(new Error('Kafka said no'), { errors: apiIds.map((apiId) => Object.assign(new Error(apiId), { apiId })) });
const networkError = () => Object.assign(new Error('Request timed out'), { code: 'PLT_KFK_NETWORK', canRetry: true });

function scripted(script: { send?: () => Promise<void>; commit?: () => Promise<void>; abort?: () => Promise<void>; wireCall?: () => Promise<unknown> }) {
  const calls: string[] = [];
  const txn = {
    send: async () => {
      calls.push('send');
      await script.send?.();
    },
    commit: async () => {
      calls.push('commit');
      await script.commit?.();
    },
    abort: async () => {
      calls.push('abort');
      await script.abort?.();
    },
    cancel: async () => void calls.push('cancel'),
    addConsumer: async () => void calls.push('addConsumer'),
  };
  const producer = { beginTransaction: async () => txn, producerId: 7n, producerEpoch: 3 };
  const wire = { call: async () => script.wireCall?.() };
  const clients = { transactionalId: 'job-0', producer: () => producer, wire: () => wire } as unknown as ClientSupplier;
  return { committer: new TransactionalCommitter(clients), calls };
}

const rec = { topic: 't', partition: 0, value: Buffer.from('v') };

test('classification: fencing wins, coordinator moves are retriable, the rest is fatal', () => {
  assert.equal(classifyKafkaError(kafkaError('NOT_COORDINATOR', 'PRODUCER_FENCED')), 'producer-fenced');
  assert.equal(classifyKafkaError(kafkaError('INVALID_PRODUCER_EPOCH')), 'producer-fenced');
  assert.equal(classifyKafkaError(kafkaError('ILLEGAL_GENERATION')), 'member-fenced');
  assert.equal(classifyKafkaError(kafkaError('FENCED_INSTANCE_ID')), 'member-fenced');
  assert.equal(classifyKafkaError(kafkaError('COORDINATOR_LOAD_IN_PROGRESS', 'CONCURRENT_TRANSACTIONS')), 'retriable');
  assert.equal(classifyKafkaError(networkError()), 'retriable');
  assert.equal(classifyKafkaError(kafkaError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED')), 'fatal');
  assert.equal(classifyKafkaError(new TypeError('bug')), 'fatal');
});

test('an unacknowledged commit followed by "no transaction to abort" is reported as an unknown outcome, not as aborted', async () => {
  const { committer, calls } = scripted({ commit: () => Promise.reject(networkError()), abort: () => Promise.reject(kafkaError('INVALID_TXN_STATE')) });
  await committer.send([rec]);
  const commit = await committer.commit().then(() => undefined, (e: unknown) => e);
  assert.ok(commit instanceof CommitError && commit.retriable, String(commit));
  const abort = await committer.abort().then(() => undefined, (e: unknown) => e);
  assert.ok(abort instanceof CommitError && !abort.retriable, String(abort));
  assert.match(abort.message, /outcome is unknown/);
  assert.deepEqual(calls, ['send', 'commit', 'abort', 'cancel']);
  // The committer is usable again for the next (restored) attempt.
  await committer.send([rec]);
});

test('when the first request of a transaction failed, "no transaction to abort" is a clean abort', async () => {
  let first = true;
  const { committer } = scripted({
    send: () => (first ? ((first = false), Promise.reject(kafkaError('COORDINATOR_NOT_AVAILABLE'))) : Promise.resolve()),
    abort: () => Promise.reject(kafkaError('INVALID_TXN_STATE')),
  });
  const sent = await committer.send([rec]).then(() => undefined, (e: unknown) => e);
  assert.ok(sent instanceof CommitError && sent.retriable);
  await committer.abort();
  await committer.send([rec]);
});

test('member fencing on offsets is a WorkerFencedError; the producer stays usable for the abort', async () => {
  const { committer, calls } = scripted({ wireCall: () => Promise.reject(kafkaError('ILLEGAL_GENERATION')) });
  const e = await committer.sendOffsets([{ topic: 'in', partition: 0, offset: 1n }], { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null }).then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof WorkerFencedError, String(e));
  assert.equal(e.groupId, 'g');
  // Committing now would commit records without their offsets (duplicates after a restart): refused.
  assert.equal(await committer.commit().then(() => undefined, (x: unknown) => x), e);
  await committer.abort();
  assert.deepEqual(calls, ['addConsumer', 'abort']);
});

test('producer fencing is sticky: later calls fail the same way without touching the client', async () => {
  const { committer, calls } = scripted({ commit: () => Promise.reject(kafkaError('PRODUCER_FENCED')) });
  await committer.send([rec]);
  const e = await committer.commit().then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof ProducerFencedError);
  for (const call of [() => committer.send([rec]), () => committer.commit(), () => committer.abort(), () => committer.init()]) {
    assert.equal(await call().then(() => undefined, (x: unknown) => x), e);
  }
  assert.deepEqual(calls, ['send', 'commit']);
});

test('a transaction whose part failed before reaching Kafka cannot be committed either', async () => {
  let begins = 0;
  const txn = { send: async () => {}, commit: async () => {}, abort: async () => {}, cancel: async () => {} };
  const producer = { beginTransaction: async () => (begins++ === 0 ? Promise.reject(kafkaError('COORDINATOR_NOT_AVAILABLE')) : txn), producerId: 1n, producerEpoch: 0 };
  const committer = new TransactionalCommitter({ transactionalId: 'job-0', producer: () => producer, wire: () => ({}) } as unknown as ClientSupplier);
  const sent = await committer.send([rec]).then(() => undefined, (x: unknown) => x);
  assert.ok(sent instanceof CommitError && sent.retriable, String(sent));
  const commit = await committer.commit().then(() => undefined, (x: unknown) => x);
  assert.ok(commit instanceof CommitError && commit.retriable && /abort it/.test(commit.message), String(commit));
  await committer.abort();
  await committer.send([rec]);
  await committer.commit();
});
