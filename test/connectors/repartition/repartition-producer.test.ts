import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Producer, type Consumer } from '@platformatic/kafka';
import { kafkaClientLibrary } from '../../../src/kafka/client-library.ts';
import { RepartitionProducer } from '../../../src/connectors/kafka/repartition/repartition-producer.ts';
import { MARKER_VALUES, encodeTime } from '../../../src/connectors/kafka/repartition/exchange-records.ts';
import { TransactionalCommitter } from '../../../src/kafka/transactional-committer.ts';
import { ProducerFencedError } from '../../../src/kafka/errors.ts';
import type { BytesProducer } from '../../../src/core/kafka-clients.ts';
import { kafkaTestEnv, rejection } from '../../kafka/helpers.ts';
import { CutProxy } from '../../broker/txn/cut-proxy.ts';
import { NotLeaderProxy } from './not-leader-proxy.ts';

// RepartitionProducer (repartition records written with Sluice's codec) against the embedded
// broker, read back with @platformatic/kafka's own fetch decoder: records, keys, headers and
// timestamps as written; a connection cut after the broker appended a request is retried with the
// same sequence numbers (no duplicate); under exactly-once its writes join the worker transaction.

const PARTITIONS = 3;
const env = kafkaTestEnv({}, ['rp-interop', 'rp-cut', 'rp-eos', 'rp-fence', 'rp-drop', 'rp-large', 'rp-leader', 'rp-writers', 'rp-linger', 'rp-urgent'].map((name) => ({ name, partitions: PARTITIONS })));
const lib = kafkaClientLibrary();

interface Read {
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer | null]>;
  transactional: boolean;
}

/** Every record of `topic` (read_uncommitted or read_committed), decoded by @platformatic/kafka. */
async function readAll(topic: string, committed: boolean): Promise<Read[]> {
  const consumer = env.supplier().consumer('read') as unknown as Consumer<Buffer, Buffer, Buffer, Buffer>;
  const md = await consumer.metadata({ topics: [topic] });
  const info = md.topics.get(topic)!;
  const ends = await consumer.listOffsets({ topics: [topic], timestamp: -1n, isolationLevel: committed ? 1 : 0 });
  const out: Read[] = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const end = ends.get(topic)![p]!;
    let offset = 0n;
    while (offset < end) {
      const response = await consumer.fetch({
        node: info.partitions[p]!.leader,
        topics: [{ topicId: info.id, partitions: [{ partition: p, fetchOffset: offset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }] }],
        maxWaitTime: 100,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: committed ? 1 : 0,
      });
      const part = response.responses[0]!.partitions[0]!;
      const aborted = new Set((part.abortedTransactions ?? []).map((a) => a.producerId));
      for (const batch of part.records ?? []) {
        offset = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
        const transactional = (batch.attributes & 0x10) !== 0;
        if ((batch.attributes & 0x20) !== 0) continue; // control record
        if (committed && transactional && aborted.has(batch.producerId)) continue; // (one transaction per producer in these tests)
        for (const r of batch.records) {
          out.push({ partition: p, offset: batch.firstOffset + BigInt(r.offsetDelta), timestamp: batch.firstTimestamp + r.timestampDelta, key: r.key, value: r.value, headers: r.headers.map(([k, v]) => [k!.toString(), v]), transactional });
        }
      }
    }
  }
  return out;
}

const valuesOf = (records: Read[]): string[] => records.map((r) => r.value?.toString() ?? '-').sort();

test('records and markers written with the codec read back identically through @platformatic/kafka', async () => {
  const producer = env.supplier().producer();
  const out = new RepartitionProducer(lib, producer, undefined);
  const writer = Buffer.from('w-0');
  out.appendData('rp-interop', 0, 1_000, Buffer.from('key-a'), Buffer.from('value-a'), 10.25);
  out.appendData('rp-interop', 1, 1_001, undefined, new Uint8Array([1, 2, 3]), Number.NEGATIVE_INFINITY);
  out.appendData('rp-interop', 0, 1_002, Buffer.from('key-b'), Buffer.from('value-b'), -5);
  for (let p = 0; p < PARTITIONS; p++) out.appendMarker('rp-interop', p, 1_003, MARKER_VALUES.w, writer, 12);
  await out.flush();
  out.appendData('rp-interop', 2, 1_004, Buffer.from('key-c'), Buffer.from('value-c'), 7);
  await out.flush();

  const read = await readAll('rp-interop', false);
  const summary = read.map((r) => ({ p: r.partition, o: r.offset, ts: r.timestamp, key: r.key?.toString() ?? null, value: r.value === null ? null : r.value.toString('hex'), headers: r.headers.map(([k, v]) => `${k}=${v?.toString('hex')}`) }));
  const t = (x: number): string => `sluice.t=${encodeTime(x).toString('hex')}`;
  const marker = `sluice.m=${Buffer.from('w').toString('hex')}`;
  const fromW = `sluice.w=${writer.toString('hex')}`;
  assert.deepEqual(summary, [
    { p: 0, o: 0n, ts: 1_000n, key: 'key-a', value: Buffer.from('value-a').toString('hex'), headers: [t(10.25)] },
    { p: 0, o: 1n, ts: 1_002n, key: 'key-b', value: Buffer.from('value-b').toString('hex'), headers: [t(-5)] },
    { p: 0, o: 2n, ts: 1_003n, key: null, value: null, headers: [marker, fromW, t(12)] },
    { p: 1, o: 0n, ts: 1_001n, key: null, value: '010203', headers: [t(Number.NEGATIVE_INFINITY)] },
    { p: 1, o: 1n, ts: 1_003n, key: null, value: null, headers: [marker, fromW, t(12)] },
    { p: 2, o: 0n, ts: 1_003n, key: null, value: null, headers: [marker, fromW, t(12)] },
    { p: 2, o: 1n, ts: 1_004n, key: 'key-c', value: Buffer.from('value-c').toString('hex'), headers: [t(7)] },
  ]);
  assert.equal(RepartitionProducer.of(lib, producer, undefined), RepartitionProducer.of(lib, producer, undefined), "one per worker producer: the partitions' sequences are shared");
});

test('a connection cut after the broker appended a Produce is retried with the same sequences: no duplicate, order kept', async () => {
  const proxy = await new CutProxy(Number(env.bootstrap.split(':')[1]), [2, 4, 7]).listen();
  const producer = new Producer({ clientId: 'rp-cut', bootstrapBrokers: [proxy.bootstrap], idempotent: true, retryDelay: 50 }) as unknown as BytesProducer;
  // The failed attempts are reported where the worker counts its clients' errors (numKafkaClientErrors).
  let reported = 0;
  const onError = (m: unknown): void => void ((m as { client: unknown }).client === producer && reported++);
  subscribe('tracing:plt:kafka:producer:sends:error', onError);
  try {
    const out = new RepartitionProducer(lib, producer, undefined);
    const sent: string[] = [];
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 20; i++) {
        const value = `r${round}-${String(i).padStart(2, '0')}`;
        sent.push(value);
        out.appendData('rp-cut', i % PARTITIONS, 2_000 + round, undefined, Buffer.from(value), round);
      }
      await out.flush();
    }
    assert.equal(proxy.cuts, 3, 'the proxy cut three connections after the broker answered');
    assert.equal(reported, 3, 'each cut request was reported as a client error');
    const read = await readAll('rp-cut', false);
    assert.deepEqual(valuesOf(read), [...sent].sort(), 'every record exactly once');
    for (let p = 0; p < PARTITIONS; p++) {
      const inLog = read.filter((r) => r.partition === p).map((r) => r.value!.toString());
      assert.deepEqual(inLog, sent.filter((_, i) => i % 20 % PARTITIONS === p), `partition ${p} in the order written`);
    }
  } finally {
    unsubscribe('tracing:plt:kafka:producer:sends:error', onError);
    await producer.close();
    await proxy.close();
  }
});

test('exactly-once: rounds join the worker transaction; a commit shows them, an abort discards them', async () => {
  const clients = env.supplier('rp-eos-worker');
  const committer = new TransactionalCommitter(clients);
  await committer.init();
  const out = new RepartitionProducer(lib, clients.producer(), committer);
  out.appendData('rp-eos', 0, 3_000, undefined, Buffer.from('c1-a'), 1);
  out.appendData('rp-eos', 2, 3_000, undefined, Buffer.from('c1-b'), 1);
  await out.flush();
  assert.equal(committer.inTransaction, true);
  await committer.commit();
  out.appendData('rp-eos', 0, 3_001, undefined, Buffer.from('ab-a'), 2);
  out.appendData('rp-eos', 1, 3_001, undefined, Buffer.from('ab-b'), 2);
  await out.flush();
  await committer.abort();
  out.appendData('rp-eos', 1, 3_002, undefined, Buffer.from('c2-b'), 3);
  const flushed = out.flush();
  await committer.commit(); // waits for the round in flight: it belongs to this transaction
  await flushed;

  const all = await readAll('rp-eos', false);
  assert.ok(all.every((r) => r.transactional), 'every batch is transactional');
  assert.deepEqual(valuesOf(all), ['ab-a', 'ab-b', 'c1-a', 'c1-b', 'c2-b']);
  assert.deepEqual(valuesOf(await readAll('rp-eos', true)), ['c1-a', 'c1-b', 'c2-b'], 'read_committed sees the committed rounds only');
  await committer.close();
});

test('exactly-once: a fenced worker gets ProducerFencedError from its repartition writes and its records stay invisible', async () => {
  const oldClients = env.supplier('rp-fence-worker');
  const oldOne = new TransactionalCommitter(oldClients);
  await oldOne.init();
  const out = new RepartitionProducer(lib, oldClients.producer(), oldOne);
  out.appendData('rp-fence', 0, 4_000, undefined, Buffer.from('before'), 1);
  await out.flush();
  await oldOne.commit();

  const newOne = new TransactionalCommitter(env.supplier('rp-fence-worker'));
  await newOne.init(); // bumps the epoch: the old incarnation is fenced
  out.appendData('rp-fence', 0, 4_001, undefined, Buffer.from('zombie'), 2);
  const e = await rejection(() => out.flush());
  assert.ok(e instanceof ProducerFencedError, `expected ProducerFencedError, got ${e}`);
  assert.ok((await rejection(() => oldOne.commit())) instanceof ProducerFencedError);
  assert.deepEqual(valuesOf(await readAll('rp-fence', true)), ['before']);
  await newOne.close();
});

test('exactly-once: records buffered before an abort are dropped, not written into the next transaction', async () => {
  const clients = env.supplier('rp-drop-worker');
  const committer = new TransactionalCommitter(clients);
  await committer.init();
  const out = new RepartitionProducer(lib, clients.producer(), committer);
  out.appendData('rp-drop', 0, 5_000, undefined, Buffer.from('sent-then-aborted'), 1);
  await out.flush();
  await new Promise((resolve) => setImmediate(resolve)); // no round running: the next record stays queued
  out.appendData('rp-drop', 1, 5_001, undefined, Buffer.from('buffered-at-abort'), 2);
  await committer.abort(); // the job restarts from its last checkpoint and replays both
  out.appendData('rp-drop', 2, 5_002, undefined, Buffer.from('after-restart'), 3);
  out.appendData('rp-drop', 1, 5_002, undefined, Buffer.from('after-restart-1'), 3); // same partition as the dropped batch
  await out.flush();
  await committer.commit();
  assert.deepEqual(valuesOf(await readAll('rp-drop', false)), ['after-restart', 'after-restart-1', 'sent-then-aborted'], 'the buffered record never reached the log');
  assert.deepEqual(valuesOf(await readAll('rp-drop', true)), ['after-restart', 'after-restart-1']);
  await committer.close();
});

test('large records: a batch never grows past its limit, a record larger than it goes alone; order kept', async () => {
  const out = new RepartitionProducer(lib, env.supplier().producer(), undefined);
  const sizes = [300_000, 300_000, 700_000, 10, 200_000];
  sizes.forEach((n, i) => out.appendData('rp-large', 0, 6_000, `k${i}`, Buffer.alloc(n, i), i));
  await out.flush();
  const read = await readAll('rp-large', false);
  assert.deepEqual(
    read.map((r) => [r.key!.toString(), r.value!.length, r.value![0]]),
    sizes.map((n, i) => [`k${i}`, n, i]),
  );
});

test('NOT_LEADER_OR_FOLLOWER: the batches go again (after a metadata refresh) until the leader takes them; nothing lost, nothing twice', async () => {
  const proxy = await new NotLeaderProxy(Number(env.bootstrap.split(':')[1]), [1, 2, 4]).listen();
  const producer = new Producer({ clientId: 'rp-leader', bootstrapBrokers: [proxy.bootstrap], idempotent: true, retryDelay: 50 }) as unknown as BytesProducer;
  try {
    const out = new RepartitionProducer(lib, producer, undefined);
    const sent: string[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 9; i++) {
        const value = `r${round}-${i}`;
        sent.push(value);
        out.appendData('rp-leader', i % PARTITIONS, 7_000, undefined, Buffer.from(value), round);
      }
      await out.flush();
    }
    assert.equal(proxy.refused, 3, 'three Produce requests were refused');
    const read = await readAll('rp-leader', false);
    for (let p = 0; p < PARTITIONS; p++) {
      assert.deepEqual(read.filter((r) => r.partition === p).map((r) => r.value!.toString()), sent.filter((_, i) => i % 9 % PARTITIONS === p), `partition ${p}: every record once, in order`);
    }
  } finally {
    await producer.close();
    await proxy.close();
  }
});

test('several writers: a flush that finds its records already sent, or nothing to send, does not stop later rounds', { timeout: 120_000 }, async () => {
  // Two writers share the producer: A's flush sends B's records too; B's own flush then finds
  // nothing queued. Every later flush must still send (a pump left marked running would hang).
  const out = new RepartitionProducer(lib, env.supplier().producer(), undefined);
  const sent: string[] = [];
  for (let i = 0; i < 5; i++) {
    out.appendData('rp-writers', 0, 8_000, undefined, Buffer.from(`a${i}`), i);
    out.appendData('rp-writers', 1, 8_000, undefined, Buffer.from(`b${i}`), i);
    sent.push(`a${i}`, `b${i}`);
    await out.flush(); // writer A
    await new Promise((resolve) => setImmediate(resolve)); // A's round has settled: no pump is running
    await out.flush(); // writer B: its record went with A's round, nothing is queued
  }
  assert.deepEqual(valuesOf(await readAll('rp-writers', false)), [...sent].sort());
});

test('send() lingers: records appended over several event-loop turns go in one round, not one round each', { timeout: 120_000 }, async () => {
  const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  const rounds = async (lingerMs: number, tag: string): Promise<number> => {
    const out = new RepartitionProducer(lib, env.supplier().producer(), undefined, lingerMs);
    const sends: Array<Promise<void>> = [];
    for (let i = 0; i < 6; i++) {
      out.appendData('rp-linger', i % PARTITIONS, 9_000, undefined, Buffer.from(`${tag}${i}`), i);
      sends.push(out.send()); // as a writer does after each turn of the event loop
      await turn();
    }
    await Promise.all(sends);
    return out.rounds;
  };
  // 6 turns take well under a second even on a loaded machine; without a linger the first round
  // leaves with the first record alone.
  assert.equal(await rounds(1_000, 'l'), 1, 'a 1 s linger: one round for all six records');
  assert.ok((await rounds(0, 'n')) >= 2, 'no linger: a round leaves at once with what is there');
  assert.deepEqual(valuesOf(await readAll('rp-linger', false)), ['l0', 'l1', 'l2', 'l3', 'l4', 'l5', 'n0', 'n1', 'n2', 'n3', 'n4', 'n5']);
});

test('flush() does not linger: it sends a lingering round at once (a checkpoint, the end of input)', { timeout: 120_000 }, async () => {
  const out = new RepartitionProducer(lib, env.supplier().producer(), undefined, 3_600_000);
  out.appendData('rp-urgent', 0, 9_500, undefined, Buffer.from('u0'), 0);
  const sent = out.send(); // lingers an hour
  out.appendData('rp-urgent', 1, 9_500, undefined, Buffer.from('u1'), 0);
  await out.flush(); // would time the test out if it waited for the linger
  await sent;
  assert.equal(out.rounds, 1);
  assert.deepEqual(valuesOf(await readAll('rp-urgent', false)), ['u0', 'u1']);
});
