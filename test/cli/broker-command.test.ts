import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { spawnBrokerProcess } from '../helpers/broker.ts';
import { tempDir } from '../helpers/tmp-dir.ts';

const CLI = fileURLToPath(new URL('../../bin/sluice.js', import.meta.url));

test('sluice broker refuses bad numbers before starting', () => {
  for (const args of [['--port', 'abc'], ['--port', '70000'], ['--partitions', '0'], ['--max-transaction-timeout-ms', 'x']]) {
    const r = spawnSync(process.execPath, [CLI, 'broker', '--data-dir', '/nonexistent/never-created', ...args], { encoding: 'utf8', timeout: 10_000 });
    assert.notEqual(r.status, 0, `${args.join(' ')} must fail`);
    assert.match(r.stderr, new RegExp(args[0]!), `${args.join(' ')}: the message names the option`);
  }
});

test('sluice broker runs with its tuning flags and stops cleanly on SIGTERM', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { bootstrap, child } = await spawnBrokerProcess(dir, ['--partitions', '3', '--no-cleaner', '--max-transaction-timeout-ms', '5000', '--connections-max-idle-ms', '60000']);
    const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'flags' }] }); // -1 partitions: the broker default
    assert.equal((await admin.fetchTopicMetadata({ topics: ['flags'] })).topics[0]!.partitions.length, 3);
    await admin.disconnect();
    // A transaction timeout above --max-transaction-timeout-ms is refused.
    const producer = kafka.producer({ transactionalId: 'too-long', transactionTimeout: 10_000, maxInFlightRequests: 1, idempotent: true });
    await assert.rejects(producer.connect().then(() => producer.transaction()), /transaction timeout/i);
    await producer.disconnect().catch(() => undefined);
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    cleanup();
  }
});
