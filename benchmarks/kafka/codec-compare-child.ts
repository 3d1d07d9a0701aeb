/**
 * One measurement of codec-compare.ts: produces RECORDS keyed JSON records to TOPIC in batches
 * (acks=1, one request at a time), or fetches every record of TOPIC from offset 0, with one client,
 * and prints the CPU seconds this process spent doing it (set-up, topic creation and connection
 * excluded). Usage: node codec-compare-child.ts produce|fetch platformatic|sluice|source BOOTSTRAP TOPIC RECORDS BATCH PARTITIONS
 * (`source`: fetch only, the KafkaSource's path — Sluice's codec on @platformatic/kafka's connection).
 */
import * as kafka from '@platformatic/kafka';
import { Consumer, Producer } from '@platformatic/kafka';
import { ApiKey } from '../../src/protocol/api-keys.ts';
import { ZERO_UUID } from '../../src/protocol/primitives/uuid.ts';
import { ClusterClient } from '../../src/cli/wire/cluster-client.ts';
import { fetchWithCodec } from '../../src/connectors/kafka/fetch-request.ts';
import { readFetchedBatches } from '../../src/connectors/kafka/fetched-batches.ts';
import { readFetchedPartition } from '../../src/cli/wire/fetched-records.ts';
import { RecordProducer } from '../../src/cli/wire/record-producer.ts';
import { createTopic, LATEST, listOffsets } from '../../src/cli/wire/topic-admin.ts';

const [work, contender, bootstrap, topic, recordsArg, batchArg, partitionsArg] = process.argv.slice(2) as [string, string, string, string, string, string, string];
const RECORDS = Number(recordsArg);
const BATCH = Number(batchArg);
const PARTITIONS = Number(partitionsArg);
const MAX_BYTES = 1 << 20;

const cluster = await ClusterClient.connect([bootstrap], { clientId: 'codec-bench' });
const cpuSeconds = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1e6;
let spent = 0;

if (work === 'produce') {
  await createTopic(cluster, topic, PARTITIONS, 1, []);
  const records = Array.from({ length: RECORDS }, (_, i) => ({
    key: Buffer.from(`key-${i % 10_000}`),
    value: Buffer.from(JSON.stringify({ id: i, auction: 1000 + (i % 997), bidder: 2000 + (i % 7919), price: (i * 37) % 100_000, channel: 'Google', dateTime: 1_436_918_400_000 + i })),
  }));
  if (contender === 'platformatic') {
    const producer = new Producer({ clientId: 'codec-bench', bootstrapBrokers: [bootstrap] });
    await producer.metadata({ topics: [topic] });
    const start = process.cpuUsage();
    for (let i = 0; i < RECORDS; i += BATCH) {
      await producer.send({ messages: records.slice(i, i + BATCH).map((r) => ({ topic, key: r.key, value: r.value })), acks: 1 });
    }
    spent = cpuSeconds(process.cpuUsage(start));
    await producer.close();
  } else {
    const producer = new RecordProducer(cluster, (await cluster.topic(topic))!);
    const start = process.cpuUsage();
    for (let i = 0; i < RECORDS; i += BATCH) await producer.send(records.slice(i, i + BATCH), 1, 0);
    spent = cpuSeconds(process.cpuUsage(start));
  }
} else {
  const metadata = (await cluster.topic(topic))!;
  const end = await listOffsets(cluster, metadata, LATEST, 0);
  const next = end.map(() => 0n);
  let count = 0;
  let bytes = 0;
  const partitions = () => next.map((offset, partition) => ({ partition, offset })).filter((p) => p.offset < end[p.partition]!);
  if (contender === 'platformatic') {
    const consumer = new Consumer({ clientId: 'codec-bench', groupId: `codec-bench-${process.pid}`, bootstrapBrokers: [bootstrap] });
    const m = await consumer.metadata({ topics: [topic] });
    consumer.topics.track(topic);
    const topicId = m.topics.get(topic)!.id;
    const start = process.cpuUsage();
    for (let todo = partitions(); todo.length > 0; todo = partitions()) {
      const r = await consumer.fetch({
        node: metadata.partitions[0]!.leaderId,
        topics: [{ topicId, partitions: todo.map((p) => ({ partition: p.partition, fetchOffset: p.offset, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: MAX_BYTES })) }],
        minBytes: 1,
        maxBytes: 16 * MAX_BYTES,
        maxWaitTime: 0,
        isolationLevel: 0,
      });
      for (const t of r.responses) {
        for (const p of t.partitions) {
          for (const batch of p.records ?? []) {
            for (const rec of batch.records) {
              count++;
              bytes += rec.value!.length + rec.key!.length;
            }
            next[p.partitionIndex] = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
          }
        }
      }
    }
    spent = cpuSeconds(process.cpuUsage(start));
    await consumer.close(true);
  } else if (contender === 'source') {
    const consumer = new Consumer({ clientId: 'codec-bench', groupId: `codec-bench-${process.pid}`, bootstrapBrokers: [bootstrap] });
    const md = await consumer.metadata({ topics: [topic] });
    const start = process.cpuUsage();
    for (let todo = partitions(); todo.length > 0; todo = partitions()) {
      const parts = await fetchWithCodec(kafka, consumer, md, {
        node: metadata.partitions[0]!.leaderId,
        topics: [{ name: topic, partitions: todo.map((p) => ({ partition: p.partition, fetchOffset: p.offset, partitionMaxBytes: MAX_BYTES, currentLeaderEpoch: -1 })) }],
        maxWaitMs: 0,
        minBytes: 1,
        maxBytes: 16 * MAX_BYTES,
        readCommitted: false,
      });
      for (const p of parts) {
        const got = readFetchedBatches(p.records, next[p.partition]!, null);
        for (const b of got.batches) {
          for (const rec of b.records) {
            if (b.firstOffset + BigInt(rec.offsetDelta) < next[p.partition]!) continue;
            count++;
            bytes += rec.value!.length + rec.key!.length;
          }
        }
        next[p.partition] = got.next;
      }
    }
    spent = cpuSeconds(process.cpuUsage(start));
    await consumer.close(true);
  } else {
    const connection = await cluster.node(metadata.partitions[0]!.leaderId);
    const start = process.cpuUsage();
    for (let todo = partitions(); todo.length > 0; todo = partitions()) {
      const r = await connection.request(ApiKey.Fetch, {
        replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 16 * MAX_BYTES, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic, topicId: metadata.topicId, partitions: todo.map((p) => ({ partition: p.partition, currentLeaderEpoch: -1, fetchOffset: p.offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: MAX_BYTES, replicaDirectoryId: ZERO_UUID })) }],
        forgottenTopicsData: [], rackId: '',
      });
      for (const t of r.responses) {
        for (const p of t.partitions) {
          const got = readFetchedPartition(p.records as Buffer | null, next[p.partitionIndex]!, null);
          for (const rec of got.records) {
            count++;
            bytes += rec.value!.length + rec.key!.length;
          }
          next[p.partitionIndex] = got.next;
        }
      }
    }
    spent = cpuSeconds(process.cpuUsage(start));
  }
  if (count !== Number(end.reduce((a, b) => a + b, 0n))) throw new Error(`fetched ${count} records, expected ${end.reduce((a, b) => a + b, 0n)}`);
  if (bytes === 0) throw new Error('no bytes');
}
cluster.close();
console.log(`cpuSeconds=${spent}`);
process.exit(0);
