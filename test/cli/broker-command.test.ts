import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { spawnBrokerProcess } from '../helpers/broker.ts';
import { tempDir } from '../helpers/tmp-dir.ts';
import { rawRequest } from '../broker/hostile/raw-client.ts';
import { ApiKey } from '../../src/protocol/index.ts';

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

test('sluice broker sets limits and any broker config by its Kafka name; an unknown one is refused in one line', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const bad = spawnSync(process.execPath, [CLI, 'broker', '--port', '0', '--data-dir', dir, '--config', 'no.such.config=1'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.match(bad.stderr, /unknown broker config no\.such\.config/);
    const { bootstrap, child } = await spawnBrokerProcess(dir, ['--max-connections', '50', '--fetch-max-bytes', '2048', '--max-partitions', '99', '--config', 'log.retention.hours=24']);
    try {
      const described = await rawRequest(bootstrap, ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: 4, resourceName: '1', configurationKeys: ['max.connections', 'fetch.max.bytes', 'sluice.max.partitions', 'log.retention.hours'] }], includeSynonyms: false, includeDocumentation: false });
      const values = Object.fromEntries(described.results[0].configs.map((c: { name: string; value: string; configSource: number }) => [c.name, [c.value, c.configSource]]));
      assert.deepEqual(values, { 'fetch.max.bytes': ['2048', 4], 'log.retention.hours': ['24', 4], 'max.connections': ['50', 4], 'sluice.max.partitions': ['99', 4] });
    } finally {
      child.kill('SIGKILL');
    }
  } finally {
    cleanup();
  }
});
