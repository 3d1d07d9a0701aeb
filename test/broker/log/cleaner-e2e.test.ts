import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { ProduceAcks, Producer, stringSerializers, type CompressionAlgorithmValue } from '@platformatic/kafka';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { TopicConfig } from '../../../src/broker/log/topic-config.ts';
import {
  COMPRESSION_GZIP,
  COMPRESSION_LZ4,
  COMPRESSION_SNAPPY,
  COMPRESSION_ZSTD,
  compressionOf,
} from '../../../src/protocol/records/index.ts';
import { systemClock } from '../../../src/util/clock.ts';
import { readBatches } from './cleaner-helpers.ts';
import { longVariant } from '../../helpers/long-variant.ts';

// Compaction end to end: real clients write many versions (and tombstones) of 40 keys with each
// codec; the broker's cleaner compacts; consumers from the beginning then see the latest value per
// key, tombstones until delete.retention.ms has passed, then not; the cleaned batches on disk
// still use the codec the client chose.

const KEYS = 40;
const VERSIONS = 8;
const RETENTION_MS = 6000;
const data = tempDir('sluice-cleaner-e2e-');
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let kafka: Kafka;

before(async () => {
  broker = await startTestBroker({ dataDir: data.dir, cleaner: { intervalMs: 50 }, groups: { initialRebalanceDelayMs: 0 } });
  kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'cleaner-e2e', logLevel: logLevel.NOTHING });
});
after(async () => {
  await broker.stop();
  data.cleanup();
});

const TOPIC_CONFIGS = {
  'cleanup.policy': 'compact',
  'segment.bytes': '4096',
  'min.cleanable.dirty.ratio': '0.01',
  'delete.retention.ms': String(RETENTION_MS),
};

async function createTopic(topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: 1, configEntries: Object.entries(TOPIC_CONFIGS).map(([name, value]) => ({ name, value })) }],
  });
  await admin.disconnect();
}

/**
 * VERSIONS batches of writes to KEYS keys; the last one rewrites only the first half (so the
 * batch before it is partly kept, hence rebuilt) and deletes keys 0-4 (tombstones).
 */
function versions(): Array<{ key: string; value: string | null }[]> {
  return Array.from({ length: VERSIONS }, (_, v) =>
    Array.from({ length: v === VERSIONS - 1 ? KEYS / 2 : KEYS }, (_, k) => ({ key: `key-${k}`, value: v === VERSIONS - 1 && k < 5 ? null : `v${v}-${k}-${'x'.repeat(30)}` })),
  );
}

/** Unique keys with incompressible values, written last so the versions leave the active segment. */
const fillers = () => Array.from({ length: 150 }, (_, i) => ({ key: `filler-${i}`, value: randomBytes(120).toString('base64') }));

function kcat(args: string[], input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`kcat exited ${code}: ${err.slice(-1000)}`));
    });
    child.stdin.end(input);
  });
}

/** Everything from the beginning, as librdkafka's consumer sees it: key → values in order. */
async function consumeAll(topic: string): Promise<Array<{ key: string; value: string | null }>> {
  const out = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k|%S|%s\\n']);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [key, len, ...rest] = line.split('|');
      return { key: key!, value: len === '-1' ? null : rest.join('|') };
    });
}

const main = (recs: Array<{ key: string; value: string | null }>) => recs.filter((r) => r.key.startsWith('key-'));

async function waitFor(cond: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Checks the compaction story on `topic`, then the codec of what is stored. */
async function expectCompacted(topic: string, codec: number, withTombstones: boolean): Promise<void> {
  const start = Date.now();
  const last = new Map<string, string | null>();
  for (const batch of versions()) for (const r of batch) if (withTombstones || r.value !== null) last.set(r.key, r.value);
  const latest = [...last].map(([key, value]) => ({ key, value }));
  await waitFor(async () => main(await consumeAll(topic)).length === KEYS, `${topic} compacted to one record per key`);
  const seen = main(await consumeAll(topic));
  if (Date.now() - start < RETENTION_MS - 1000) {
    assert.deepEqual(seen.sort((a, b) => a.key.localeCompare(b.key)), [...latest].sort((a, b) => a.key.localeCompare(b.key)));
  }
  if (withTombstones) {
    await waitFor(async () => main(await consumeAll(topic)).length === KEYS - 5, `${topic} tombstones removed after delete.retention.ms`, 30_000);
    const after = main(await consumeAll(topic));
    assert.deepEqual(after.map((r) => r.value).filter((v) => v === null), []);
  }
  // On disk, the batches holding the kept values use the client's codec.
  const { dir, cleanup } = tempDir();
  try {
    const copy = join(dir, 'p');
    await import('node:fs').then((fs) => fs.cpSync(join(data.dir, 'logs', `${topic}-0`), copy, { recursive: true }));
    const log = PartitionLog.open(copy, new TopicConfig(TOPIC_CONFIGS), systemClock);
    const batches = readBatches(log).filter((b) => b.records.some((r) => r.key?.startsWith('key-')));
    assert.ok(batches.length > 0);
    assert.ok(
      batches.some((b) => b.header.recordCount < b.header.lastOffsetDelta + 1),
      'a partly kept batch was rebuilt',
    );
    for (const b of batches) assert.equal(compressionOf(b.header.attributes), codec, `${topic} batch at ${b.header.baseOffset}`);
    log.close();
  } finally {
    cleanup();
  }
}

test('kafkajs (gzip): latest value per key, tombstones until delete.retention.ms', async () => {
  await createTopic('cmp-kafkajs');
  const producer = kafka.producer();
  await producer.connect();
  for (const batch of [...versions(), fillers()]) {
    await producer.send({ topic: 'cmp-kafkajs', compression: CompressionTypes.GZIP, messages: batch });
  }
  await producer.disconnect();
  await expectCompacted('cmp-kafkajs', COMPRESSION_GZIP, true);
  // kafkajs itself, from the beginning, agrees.
  const consumer = kafka.consumer({ groupId: 'cmp-kafkajs-reader' });
  await consumer.connect();
  await consumer.subscribe({ topic: 'cmp-kafkajs', fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key!.toString();
        seen.push(key);
        if (key === 'filler-149') resolve();
      },
    });
  });
  await consumer.disconnect();
  assert.deepEqual(seen.filter((k) => k.startsWith('key-')).sort(), Array.from({ length: KEYS - 5 }, (_, k) => `key-${k + 5}`).sort());
});

for (const [codec, number] of [
  ['snappy', COMPRESSION_SNAPPY],
  ['lz4', COMPRESSION_LZ4],
  ['zstd', COMPRESSION_ZSTD],
] as const) {
  test(`@platformatic/kafka (${codec}): latest value per key, recompressed with ${codec}`, async () => {
    const topic = `cmp-plt-${codec}`;
    await createTopic(topic);
    const producer = new Producer({
      clientId: 'cleaner-e2e-plt',
      bootstrapBrokers: [broker.bootstrap],
      serializers: stringSerializers,
      acks: ProduceAcks.ALL,
      compression: codec as CompressionAlgorithmValue,
    });
    try {
      for (const batch of [...versions(), fillers()]) {
        await producer.send({ messages: batch.filter((m) => m.value !== null).map((m) => ({ topic, key: m.key, value: m.value! })) });
      }
    } finally {
      await producer.close();
    }
    await expectCompacted(topic, number, false);
  });
}

for (const [codec, number] of [
  ['snappy', COMPRESSION_SNAPPY],
  ['lz4', COMPRESSION_LZ4],
] as const) {
  // lz4 is a long variant: npm test has librdkafka with snappy, and lz4 recompression from @platformatic/kafka.
  test(`librdkafka via kcat (${codec}): latest value per key, tombstones removed, recompressed with ${codec}`, codec === 'snappy' ? {} : longVariant({}), async () => {
    const topic = `cmp-kcat-${codec}`;
    await createTopic(topic);
    for (const batch of [...versions(), fillers()]) {
      const lines = batch.map((m) => `${m.key}|${m.value ?? ''}`).join('\n') + '\n';
      await kcat(['-b', broker.bootstrap, '-P', '-t', topic, '-K', '|', '-Z', '-z', codec, '-X', 'acks=all', '-X', 'linger.ms=5'], lines);
    }
    await expectCompacted(topic, number, true);
  });
}

test('a record without a key is refused on a compacted topic (INVALID_RECORD), as Kafka does', async () => {
  await createTopic('cmp-keyless');
  const producer = kafka.producer({ retry: { retries: 0 } });
  await producer.connect();
  try {
    await assert.rejects(
      producer.send({ topic: 'cmp-keyless', messages: [{ key: 'a', value: '1' }, { value: 'no key' }] }),
      (err: Error & { type?: string }) => err.type === 'INVALID_RECORD' || /INVALID_RECORD|without key/i.test(String(err.message) + JSON.stringify(err)),
    );
    await producer.send({ topic: 'cmp-keyless', messages: [{ key: 'a', value: '1' }] });
  } finally {
    await producer.disconnect();
  }
  assert.deepEqual(await consumeAll('cmp-keyless'), [{ key: 'a', value: '1' }]);
});

test('kafkajs transactions on a compacted topic: aborted writes are cleaned away, committed ones compacted', async () => {
  const topic = 'cmp-txn';
  await createTopic(topic);
  const producer = kafka.producer({ transactionalId: 'cmp-txn-producer', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let round = 0; round < 6; round++) {
    const tx = await producer.transaction();
    await tx.send({
      topic,
      compression: CompressionTypes.GZIP,
      messages: Array.from({ length: KEYS }, (_, k) => ({ key: `key-${k}`, value: `${round % 2 ? 'aborted' : 'committed'}-${round}` })),
    });
    if (round % 2) await tx.abort();
    else await tx.commit();
  }
  const tx = await producer.transaction();
  await tx.send({ topic, messages: fillers() });
  await tx.commit();
  await producer.disconnect();
  // read_uncommitted (kcat's default) sees the aborted values until the cleaner removes them.
  await waitFor(async () => main(await consumeAll(topic)).length === KEYS, `${topic} compacted`);
  const seen = main(await consumeAll(topic));
  assert.deepEqual(new Set(seen.map((r) => r.value)), new Set(['committed-4']));
  // A read_committed kafkajs consumer agrees.
  const consumer = kafka.consumer({ groupId: 'cmp-txn-reader', readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key!.toString();
        if (key.startsWith('key-')) values.push(message.value!.toString());
        if (key === 'filler-149') resolve();
      },
    });
  });
  await consumer.disconnect();
  assert.deepEqual(values, Array.from({ length: KEYS }, () => 'committed-4'));
});
