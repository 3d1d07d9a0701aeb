import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestBroker } from '../../helpers/broker.ts';

// librdkafka's transactional API (confluent-kafka-python): see python/confluent_kafka_txn.py.

function runScript(bootstrap: string): Promise<any> {
  const path = fileURLToPath(new URL('./python/confluent_kafka_txn.py', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', [path, bootstrap], { timeout: 55_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`confluent_kafka_txn.py failed: ${err.message}\n${stderr.slice(-4000)}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
      } catch {
        reject(new Error(`no report:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
      }
    });
  });
}

const FENCED = /FENCED|INVALID_PRODUCER_EPOCH/;

test('librdkafka (confluent-kafka-python): commit/abort/commit, send_offsets_to_transaction, fencing, timeout', async () => {
  const broker = await startTestBroker({ maxTransactionTimeoutMs: 2000 });
  try {
    const r = await runScript(broker.bootstrap);

    const committed = [0, 2].flatMap((i) => [0, 1, 2, 3].map((j) => `commit-${i}-${j}`)).sort();
    assert.deepEqual(r.cac.committed, committed, 'read_committed: exactly the committed records');
    assert.deepEqual(r.cac.uncommitted, [...committed, ...[0, 1, 2, 3].map((j) => `abort-1-${j}`)].sort(), 'read_uncommitted: all');

    assert.deepEqual(r.ctp.t1, { before: -1001, after: 5, next: 5 }, 'offsets of t1: invisible (OFFSET_INVALID) until its commit');
    assert.deepEqual(r.ctp.t2, { before: 5, after: 5, next: 10 }, 'offsets of the aborted t2 never become visible');
    assert.deepEqual(r.ctp.committed, ['IN-0', 'IN-1', 'IN-2', 'IN-3', 'IN-4']);

    assert.ok(r.fence.send, 'the fenced producer cannot send');
    assert.match(`${r.fence.send.name} ${r.fence.send.str}`, FENCED, JSON.stringify(r.fence.send));
    assert.ok(r.fence.commit, 'the fenced producer cannot commit');
    assert.match(`${r.fence.commit.name} ${r.fence.commit.str}`, FENCED, JSON.stringify(r.fence.commit));
    assert.equal(r.fence.commit.fatal, true, 'fencing is fatal for librdkafka');
    assert.deepEqual(r.fence.committed, ['live-1']);

    assert.ok(r.timeout.commit, 'the timed-out transaction cannot be committed');
    assert.match(`${r.timeout.commit.name} ${r.timeout.commit.str}`, FENCED, JSON.stringify(r.timeout.commit));
    assert.deepEqual(r.timeout.committed, [], 'read_committed readers get past the timed-out transaction without its records');
    assert.deepEqual(r.timeout.uncommitted, ['open-0', 'open-1', 'open-2']);
    assert.match(`${r.timeout.tooLong?.name} ${r.timeout.tooLong?.str}`, /INVALID_TRANSACTION_TIMEOUT/, 'timeouts above the broker maximum are refused');
  } finally {
    await broker.stop();
  }
});
