import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import * as kafka from '@platformatic/kafka';
import { Consumer, Producer, kGetApi, type CompressionAlgorithmValue } from '@platformatic/kafka';
import { fetchWithCodec } from '../../src/connectors/kafka/fetch-request.ts';
import { readFetchedBatches } from '../../src/connectors/kafka/fetched-batches.ts';
import { kafkaErrorNames } from '../../src/kafka/error-classification.ts';
import { KafkaSource, StreamExecutionEnvironment, WatermarkStrategy, type KafkaConsumerRecord } from '../../src/index.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { tempDir } from '../helpers/tmp-dir.ts';
import { arraySink, createTopics, eventually, produce } from './kafka-helpers.ts';

// The KafkaSource's Fetch on Sluice's codec against the embedded broker: what another client
// (@platformatic/kafka's producer) wrote, in every compression codec, read back at the Fetch
// versions that name topics (v4–v12) and those that use topic ids (v13+).

let broker: Awaited<ReturnType<typeof startTestBroker>>;
const CODECS: CompressionAlgorithmValue[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const T0 = 1_750_000_000_000;

before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { codecs: 2 });
  const producer = new Producer({ clientId: 'codec-writer', bootstrapBrokers: [broker.bootstrap] });
  try {
    for (const [i, compression] of CODECS.entries()) {
      await producer.send({
        compression,
        messages: Array.from({ length: 50 }, (_, j) => ({
          topic: 'codecs',
          partition: j % 2,
          key: Buffer.from(`${compression}-k${j}`),
          value: Buffer.from(`${compression}-${j}`),
          timestamp: BigInt(T0 + i * 1000 + j),
          headers: new Map([[Buffer.from('codec'), Buffer.from(compression)]]),
        })),
      });
    }
  } finally {
    await producer.close();
  }
});
after(() => broker.stop());

/** A consumer that negotiates Fetch at `version` (the broker's own ApiVersions say more). */
function consumerAt(version: number | undefined): Consumer {
  const consumer = new Consumer({ clientId: 'codec-reader', groupId: 'codec-reader', bootstrapBrokers: [broker.bootstrap] });
  if (version !== undefined) {
    const target = consumer as unknown as Record<symbol, (name: string, cb: (e: Error | null, api?: unknown) => void) => void>;
    const negotiate = target[kGetApi]!.bind(consumer);
    target[kGetApi] = (name, cb) => (name === 'Fetch' ? cb(null, { version }) : negotiate(name, cb));
  }
  return consumer;
}

for (const version of [4, 11, 12, 13, undefined]) {
  test(`Fetch ${version === undefined ? 'at the negotiated version' : `v${version}`}: every codec's records, keys, headers, timestamps and the high watermark`, async () => {
    const consumer = consumerAt(version);
    try {
      const md = await consumer.metadata({ topics: ['codecs'], forceUpdate: true });
      const node = md.topics.get('codecs')!.partitions[0]!.leader;
      const parts = await fetchWithCodec(kafka, consumer, md, {
        node,
        topics: [{ name: 'codecs', partitions: [0, 1].map((partition) => ({ partition, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 })) }],
        maxWaitMs: 100,
        minBytes: 1,
        maxBytes: 8 << 20,
        readCommitted: false,
      });
      assert.deepEqual(parts.map((p) => [p.topic, p.partition, p.errorCode, p.highWatermark]).sort(), [['codecs', 0, 0, 125n], ['codecs', 1, 0, 125n]]);
      const values: string[] = [];
      for (const p of parts) {
        const read = readFetchedBatches(p.records, 0n, null);
        assert.equal(read.next, 125n);
        for (const b of read.batches) {
          for (const r of b.records) {
            const value = r.value!.toString();
            const [codec, j] = value.split('-') as [string, string];
            assert.equal(r.key!.toString(), `${codec}-k${j}`);
            assert.deepEqual(r.headers.map(([k, v]) => [k.toString(), v!.toString()]), [['codec', codec]]);
            assert.equal(b.firstTimestamp + r.timestampDelta, T0 + CODECS.indexOf(codec as CompressionAlgorithmValue) * 1000 + Number(j));
            assert.equal(Number(b.firstOffset) + r.offsetDelta, values.filter((v) => Number(v.split('-')[1]) % 2 === p.partition).length, 'offsets are dense per partition');
            values.push(value);
          }
        }
      }
      assert.deepEqual(values.sort(), CODECS.flatMap((c) => Array.from({ length: 50 }, (_, j) => `${c}-${j}`)).sort());
    } finally {
      await consumer.close();
    }
  });
}

test('a partition fetched from an offset past its end answers OFFSET_OUT_OF_RANGE with no records, reported where the library reports fetch errors (numKafkaClientErrors)', async () => {
  const consumer = consumerAt(undefined);
  const reported: Array<{ client: unknown; error: unknown }> = [];
  const onError = (m: unknown) => void reported.push(m as { client: unknown; error: unknown });
  subscribe('tracing:plt:kafka:consumer:fetches:error', onError);
  try {
    const md = await consumer.metadata({ topics: ['codecs'], forceUpdate: true });
    const [part] = await fetchWithCodec(kafka, consumer, md, {
      node: md.topics.get('codecs')!.partitions[0]!.leader,
      topics: [{ name: 'codecs', partitions: [{ partition: 0, fetchOffset: 10_000n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }] }],
      maxWaitMs: 10,
      minBytes: 1,
      maxBytes: 1 << 20,
      readCommitted: true,
    });
    assert.equal(part!.errorCode, 1);
    assert.equal(readFetchedBatches(part!.records, 10_000n, part!.abortedTransactions).batches.length, 0);
    assert.equal(reported.length, 1);
    assert.equal(reported[0]!.client, consumer);
    assert.deepEqual(kafkaErrorNames(reported[0]!.error), ['OFFSET_OUT_OF_RANGE']);
  } finally {
    unsubscribe('tracing:plt:kafka:consumer:fetches:error', onError);
    await consumer.close();
  }
});

test('a bounded KafkaSource reads every codec with keys, headers and timestamps intact', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out: string[] = [];
  const source = new KafkaSource<string>({
    bootstrapServers: broker.bootstrap,
    topics: ['codecs'],
    startingOffsets: 'earliest',
    bounded: true,
    recordDeserializer: {
      deserialize(r: KafkaConsumerRecord<Buffer | null> & { value: Buffer | null }, collector: { collect(v: string): void }) {
        collector.collect(`${r.partition}/${r.offset} ${r.key?.toString()} ${r.value?.toString()} ${r.timestamp} ${r.headers.map(([k, v]) => `${k}=${v?.toString()}`).join(',')}`);
      },
    },
  });
  env.fromSource(source, WatermarkStrategy.noWatermarks<string>(), 'codecs').sinkTo(arraySink(out));
  await env.execute('codecs-source');
  assert.equal(out.length, 250);
  const byPartition = [0, 1].map((p) => out.filter((l) => l.startsWith(`${p}/`)).map((l) => Number(l.split(' ')[0]!.split('/')[1])));
  assert.deepEqual(byPartition, [Array.from({ length: 125 }, (_, i) => i), Array.from({ length: 125 }, (_, i) => i)], 'each partition in offset order, none skipped');
  for (const [i, c] of CODECS.entries()) {
    for (const j of [0, 49]) assert.ok(out.some((l) => l.endsWith(` ${c}-k${j} ${c}-${j} ${T0 + i * 1000 + j} codec=${c}`)), `${c}-${j}`);
  }
});

test('a running KafkaSource rides out a broker restart: the fetch loop reconnects and reads on, nothing lost or read twice', { timeout: 120_000 }, async () => {
  const data = tempDir('sluice-fetch-restart-');
  let restarted = await startTestBroker({ dataDir: data.dir });
  const port = restarted.listenPort;
  try {
    await createTopics(restarted.bootstrap, { restart: 2 });
    const batch = (from: number) => Array.from({ length: 100 }, (_, i) => ({ partition: i % 2, value: `r-${from + i}` }));
    await produce(restarted.bootstrap, 'restart', batch(0));
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out: string[] = [];
    env.fromSource(new KafkaSource<string>({ bootstrapServers: restarted.bootstrap, topics: ['restart'], startingOffsets: 'earliest' }), WatermarkStrategy.noWatermarks<string>(), 'restart').sinkTo(arraySink(out));
    const job = await env.executeAsync('fetch-restart');
    try {
      await eventually(() => out.length === 100, 30_000, 'the first 100 records');
      await restarted.stop();
      restarted = await startTestBroker({ dataDir: data.dir, port });
      await produce(restarted.bootstrap, 'restart', batch(100));
      await eventually(() => out.length >= 200, 60_000, `all 200 records after the restart (have ${out.length})`);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual([...out].sort(), Array.from({ length: 200 }, (_, i) => `r-${i}`).sort());
    } finally {
      job.cancel();
      await job.result.catch(() => {});
    }
  } finally {
    await restarted.stop();
    data.cleanup();
  }
});
