import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { spawnBrokerProcess } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { committedOffsets, createTopics, kafkaAt, kafkajsRead, sleep, writeSentinels } from '../../compat/txn/txn-helpers.ts';
import { rdkafkaRead } from './rdkafka-read.ts';

// kill -9 of the broker process with transactions open, committed and aborted, and with
// idempotent producers sending: after a restart on the same data dir (and port, so the clients
// that keep retrying find it again) nothing committed is lost, nothing aborted or left open is
// visible to read_committed readers, no transaction is half visible, and no idempotent send is
// written twice. read_committed is judged by librdkafka: kafkajs enters at most one aborted
// transaction per record it walks, so it shows the first record of a transaction aborted after
// an earlier-started one (aborted by timeout after the restart, here) — a kafkajs bug that Apache
// Kafka triggers the same way.

const children = new Set<ChildProcess>();
const cleanups: Array<() => void> = [];
after(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const c of cleanups) c();
});

async function start(dataDir: string, port?: number): Promise<{ bootstrap: string; child: ChildProcess }> {
  const b = await spawnBrokerProcess(dataDir, port ? ['--port', String(port)] : []);
  children.add(b.child);
  b.child.once('exit', () => children.delete(b.child));
  return b;
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

function dataDir(): string {
  const { dir, cleanup } = tempDir('sluice-txn-crash-');
  cleanups.push(cleanup);
  return join(dir, 'data');
}

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

test('kill -9 with open, committed and aborted transactions (with group offsets) and idempotent producers mid-stream', async () => {
  const dir = dataDir();
  let { bootstrap, child } = await start(dir);
  const port = Number(bootstrap.split(':')[1]);
  await createTopics(bootstrap, [{ topic: 'crash-tx', numPartitions: 2 }, { topic: 'crash-idem', numPartitions: 2 }]);

  // kafkajs: one committed transaction, then one left open.
  const kafka = kafkaAt(bootstrap, 'crash-a');
  const a = kafka.producer({ transactionalId: 'crash-a', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 3000 });
  await a.connect();
  const ta = await a.transaction();
  await ta.send({ topic: 'crash-tx', messages: range('ca', 10).map((value, i) => ({ partition: i % 2, value })) });
  await ta.sendOffsets({ consumerGroupId: 'crash-g', topics: [{ topic: 'crash-idem', partitions: [{ partition: 0, offset: '5' }] }] });
  await ta.commit();
  const oa = await a.transaction();
  await oa.send({ topic: 'crash-tx', messages: range('oa', 10).map((value, i) => ({ partition: i % 2, value })) });
  await oa.sendOffsets({ consumerGroupId: 'crash-g', topics: [{ topic: 'crash-idem', partitions: [{ partition: 0, offset: '7' }, { partition: 1, offset: '3' }] }] });

  // @platformatic/kafka: committed, aborted, then open (its `timeout` is its transaction timeout).
  const b = new Producer({ clientId: 'crash-b', bootstrapBrokers: [bootstrap], idempotent: true, transactionalId: 'crash-b', serializers: stringSerializers, timeout: 3000, retryDelay: 100, retries: 2 });
  for (const [prefix, commit] of [['cb', true], ['xb', false], ['ob', null]] as const) {
    const t = await b.beginTransaction();
    await t.send({ messages: range(prefix, 10).map((value, i) => ({ topic: 'crash-tx', partition: i % 2, value })) });
    if (commit === true) await t.commit();
    else if (commit === false) await t.abort();
  }

  // An idempotent producer sending batches one after the other through the kill and restart.
  const idem = new Producer({ clientId: 'crash-idem', bootstrapBrokers: [bootstrap], idempotent: true, serializers: stringSerializers, retryDelay: 100 });
  const SENDS = 60;
  let sent = 0;
  const sending = (async () => {
    for (; sent < SENDS; sent++) {
      await idem.send({ messages: range(`i${sent}`, 10).map((value, i) => ({ topic: 'crash-idem', partition: i % 2, value })) });
    }
  })();
  while (sent < 20) await sleep(5);

  await kill9(child); // with oa and ob open, and idem mid-stream
  const killedAt = sent;
  ({ bootstrap, child } = await start(dir, port));
  await sending;
  await idem.close();
  await a.disconnect().catch(() => {});
  await b.close(true).catch(() => {});
  assert.ok(killedAt < SENDS, 'the idempotent producer was still sending at the kill');

  // Idempotent sends: every record exactly once.
  await writeSentinels(bootstrap, 'crash-idem', 2);
  const idemSeen = await kafkajsRead(bootstrap, 'crash-idem', 2, 'uncommitted');
  const expectedIdem = Array.from({ length: SENDS }, (_, s) => range(`i${s}`, 10)).flat().sort();
  assert.deepEqual(idemSeen, expectedIdem, 'each idempotent record once after the kill and retries');

  // Transactions: the open ones time out after the restart (3 s) and are aborted.
  await writeSentinels(bootstrap, 'crash-tx', 2);
  const committed = await rdkafkaRead(bootstrap, 'crash-tx', 2, 'committed');
  assert.deepEqual(committed, [...range('ca', 10), ...range('cb', 10)].sort(), 'read_committed: the committed transactions, nothing else');
  assert.deepEqual(await committedOffsets(bootstrap, 'crash-g', 'crash-idem'), [5, -1], 'group offsets: the committed transaction\'s, not the open one\'s');
  const all = await kafkajsRead(bootstrap, 'crash-tx', 2, 'uncommitted');
  assert.deepEqual(all, [...range('ca', 10), ...range('cb', 10), ...range('xb', 10), ...range('oa', 10), ...range('ob', 10)].sort(), 'nothing lost from the log');

  // The transactional id still works after the crash.
  await createTopics(bootstrap, [{ topic: 'crash-after', numPartitions: 1 }]);
  const again = kafkaAt(bootstrap, 'crash-a2').producer({ transactionalId: 'crash-a', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 3000 });
  await again.connect();
  const t = await again.transaction();
  await t.send({ topic: 'crash-after', messages: [{ partition: 0, value: 'after-restart' }] });
  await t.commit();
  await again.disconnect();
  await writeSentinels(bootstrap, 'crash-after', 1);
  assert.deepEqual(await rdkafkaRead(bootstrap, 'crash-after', 1, 'committed'), ['after-restart']);
  await kill9(child);
});

test('kill -9 during a loop of committing transactions: each transaction all or nothing', async () => {
  const dir = dataDir();
  let { bootstrap, child } = await start(dir);
  await createTopics(bootstrap, [{ topic: 'crash-loop', numPartitions: 2 }]);
  const producer = kafkaAt(bootstrap, 'crash-loop').producer({ transactionalId: 'crash-loop', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 2000, retry: { retries: 1, initialRetryTime: 50 } });
  await producer.connect();
  const acked: number[] = [];
  let failed: unknown = null;
  const loop = (async () => {
    for (let k = 0; ; k++) {
      const t = await producer.transaction();
      await t.send({ topic: 'crash-loop', messages: range(`t${k}`, 10).map((value, i) => ({ partition: i % 2, value })) });
      await t.commit();
      acked.push(k);
    }
  })().catch((e: unknown) => (failed = e));
  while (acked.length < 15) await sleep(5);
  await kill9(child);
  await loop;
  assert.ok(failed, 'the loop stopped at the kill');
  await producer.disconnect().catch(() => {});

  ({ bootstrap, child } = await start(dir));
  await writeSentinels(bootstrap, 'crash-loop', 2); // read_committed waits for the in-flight transaction's abort
  const seen = await rdkafkaRead(bootstrap, 'crash-loop', 2, 'committed');
  const byTxn = new Map<number, number>();
  for (const v of seen) {
    const k = Number(/^t(\d+)-/.exec(v)![1]);
    byTxn.set(k, (byTxn.get(k) ?? 0) + 1);
  }
  for (const k of acked) assert.equal(byTxn.get(k), 10, `acknowledged transaction t${k} is whole`);
  for (const [k, n] of byTxn) assert.equal(n, 10, `transaction t${k} is all or nothing (saw ${n} of 10)`);
  const unacked = [...byTxn.keys()].filter((k) => !acked.includes(k));
  assert.ok(unacked.length <= 1 && unacked.every((k) => k === acked.length), `at most the in-flight transaction t${acked.length} beyond the acknowledged ones: ${unacked}`);
  assert.equal(new Set(seen).size, seen.length, 'no record twice');
  await kill9(child);
});
