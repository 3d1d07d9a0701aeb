import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { ProduceAcks, Producer, stringSerializers, type CompressionAlgorithmValue } from '@platformatic/kafka';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { compressionOf, decodeBatchRecords, forEachStoredBatch, readBatchHeader } from '../../../src/protocol/records/index.ts';

// Batches as real clients compress them (kafkajs gzip; @platformatic/kafka snappy, lz4, zstd;
// librdkafka via kcat gzip, snappy, lz4, zstd), stored untouched by the broker, decoded by our
// reader: every codec's framing as written in the wild.

const N = 300;
const data = tempDir('sluice-codec-clients-');
let broker: Awaited<ReturnType<typeof startTestBroker>>;

before(async () => {
  broker = await startTestBroker({ dataDir: data.dir });
});
after(async () => {
  await broker.stop();
  data.cleanup();
});

const message = (i: number) => ({ key: `key-${i}`, value: `value-${i}-${'abc'.repeat(i % 20)}` });

/** Decodes every stored batch of `<topic>-0`; returns the codecs seen and the records. */
function stored(topic: string): { codecs: Set<number>; records: Array<{ key: string; value: string }> } {
  const dir = join(data.dir, 'logs', `${topic}-0`);
  const codecs = new Set<number>();
  const records: Array<{ key: string; value: string }> = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.log')).sort()) {
    const buf = readFileSync(join(dir, f));
    forEachStoredBatch(buf, (pos, size) => {
      const batch = buf.subarray(pos, pos + size);
      codecs.add(compressionOf(readBatchHeader(batch).attributes));
      for (const r of decodeBatchRecords(batch)) records.push({ key: r.key!.toString(), value: r.value!.toString() });
    });
  }
  return { codecs, records };
}

function expectAll(topic: string, codec: number, mayLeaveUncompressed = false): void {
  const { codecs, records } = stored(topic);
  // librdkafka sends a batch uncompressed when compressing it would not make it smaller.
  const allowed = mayLeaveUncompressed ? [0, codec] : [codec];
  assert.ok(codecs.has(codec) && [...codecs].every((c) => allowed.includes(c)), `${topic}: codecs stored ${[...codecs]}`);
  assert.deepEqual(records, Array.from({ length: N }, (_, i) => message(i)));
}

test('kafkajs gzip batches decode', async () => {
  const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < N; i += 50) {
    await producer.send({ topic: 'kj-gzip', compression: CompressionTypes.GZIP, messages: Array.from({ length: 50 }, (_, j) => message(i + j)) });
  }
  await producer.disconnect();
  expectAll('kj-gzip', 1);
});

for (const [codec, number] of [['snappy', 2], ['lz4', 3], ['zstd', 4]] as const) {
  test(`@platformatic/kafka ${codec} batches decode`, async () => {
    const producer = new Producer({
      clientId: 'codec-clients',
      bootstrapBrokers: [broker.bootstrap],
      serializers: stringSerializers,
      acks: ProduceAcks.ALL,
      compression: codec as CompressionAlgorithmValue,
      autocreateTopics: true,
    });
    try {
      for (let i = 0; i < N; i += 50) {
        await producer.send({ messages: Array.from({ length: 50 }, (_, j) => ({ topic: `plt-${codec}`, ...message(i + j) })) });
      }
    } finally {
      await producer.close();
    }
    expectAll(`plt-${codec}`, number);
  });
}

// librdkafka sends a batch uncompressed when compressing does not make it smaller, and its batches
// end when linger.ms (5 ms) runs out: on a loaded machine a batch could close after a record or two,
// which then went out uncompressed. One full batch of all N records (sent the moment it is full,
// never by the clock) makes what is stored independent of timing.
for (const [codec, number] of [['gzip', 1], ['snappy', 2], ['lz4', 3], ['zstd', 4]] as const) {
  test(`librdkafka (kcat) ${codec} batches decode`, async () => {
    const lines = Array.from({ length: N }, (_, i) => `${message(i).key}|${message(i).value}`).join('\n') + '\n';
    await new Promise<void>((resolve, reject) => {
      const child = spawn('kcat', ['-b', broker.bootstrap, '-P', '-t', `kcat-${codec}`, '-K', '|', '-z', codec, '-X', 'acks=all', '-X', `batch.num.messages=${N}`, '-X', 'linger.ms=60000'], { stdio: ['pipe', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`kcat exited ${code}: ${err}`))));
      child.stdin.end(lines);
    });
    expectAll(`kcat-${codec}`, number, true);
  });
}
