import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../../../src/broker/index.ts';
import { SluiceError } from '../../../src/core/errors/sluice-error.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { normalClientRoundTrip, startBrokerChild } from './broker-child.ts';

// Observed case 5 (two brokers on one data directory): both started, both acknowledged writes to
// the same partition, and the next recovery cut the second one's records off as a torn tail.
// Now the data directory is locked for the broker's lifetime; a second broker refuses to start
// with one line, and a lock never outlives its process (kill -9 included).

const CLI = fileURLToPath(new URL('../../../bin/sluice.js', import.meta.url));

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function produce(bootstrap: string, topic: string, values: string[]): Promise<void> {
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
  await producer.disconnect();
}

async function endOffset(bootstrap: string, topic: string): Promise<number> {
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return offsets.reduce((n, o) => n + Number(o.high), 0);
}

test('a second broker on a data directory in use refuses to start with one clear line; the first keeps serving', async () => {
  const data = tempDir('sluice-lock-');
  const first = await startBrokerChild(data.dir);
  try {
    const second = await runCli(['broker', '--port', '0', '--data-dir', data.dir]);
    assert.equal(second.code, 1, 'the second broker exits with an error');
    assert.doesNotMatch(second.stdout, /listening/);
    const lines = second.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line: ${second.stderr}`);
    assert.match(lines[0]!, new RegExp(`data directory .* is in use by another broker \\(pid ${first.child.pid}, port ${first.port}\\)`));
    // In the same process too (startBroker), with a typed error.
    await assert.rejects(startBroker({ dataDir: data.dir, port: 0 }), (e: unknown) => e instanceof SluiceError && e.code === 'SLUICE_DATA_DIR_LOCKED');
    await normalClientRoundTrip(first.bootstrap, 'the first broker after the refusals');
  } finally {
    await first.stop('SIGKILL');
    data.cleanup();
  }
});

test('the lock does not survive kill -9: a new broker starts at once and has every acknowledged record', async () => {
  const data = tempDir('sluice-lock-kill-');
  let broker = await startBrokerChild(data.dir);
  try {
    await produce(broker.bootstrap, 'kept', Array.from({ length: 100 }, (_, i) => `v${i}`));
    await broker.stop('SIGKILL');
    broker = await startBrokerChild(data.dir);
    assert.equal(await endOffset(broker.bootstrap, 'kept'), 100);
    await normalClientRoundTrip(broker.bootstrap, 'after kill -9 and restart');
  } finally {
    await broker.stop('SIGKILL');
    data.cleanup();
  }
});

test('close() releases the lock: the same process can start a broker on the directory again', async () => {
  const data = tempDir('sluice-lock-close-');
  try {
    const a = await startBroker({ dataDir: data.dir, port: 0 });
    await a.close();
    const b = await startBroker({ dataDir: data.dir, port: 0 });
    await b.close();
  } finally {
    data.cleanup();
  }
});
