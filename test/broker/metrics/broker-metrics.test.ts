import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '@platformatic/kafka';
import { startTestBroker } from '../../helpers/broker.ts';
import { createTopics, produce, readTopic } from '../../connectors/kafka-helpers.ts';
import { parsePrometheus, sampleValue, type ParsedFamily } from '../../helpers/prometheus.ts';
import { recordsIn } from '../../../src/broker/metrics/topic-traffic.ts';
import { countErrorCodes } from '../../../src/broker/metrics/response-errors.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
const RECORDS = 57;

before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { clicks: 3 });
  await produce(broker.bootstrap, 'clicks', Array.from({ length: RECORDS }, (_, i) => ({ partition: i % 3, key: `k${i}`, value: `click number ${i}` })));
  await readTopic(broker.bootstrap, 'clicks', RECORDS);
  const admin = new Admin({ clientId: 'metrics-test', bootstrapBrokers: [broker.bootstrap] });
  try {
    await admin.alterConsumerGroupOffsets({ groupId: 'reporting', topics: [{ name: 'clicks', partitionOffsets: [{ partition: 0, offset: 5n }, { partition: 2, offset: 19n }] }] });
    await assert.rejects(admin.deleteTopics({ topics: ['no-such-topic'] }));
  } finally {
    await admin.close();
  }
});

after(async () => {
  await broker?.stop();
});

const scrape = async (): Promise<ParsedFamily[]> => parsePrometheus(await broker.metrics.registry.metrics());
const sum = (families: ParsedFamily[], name: string, labels: Record<string, string> = {}) =>
  (families.find((f) => f.name === name)?.metrics ?? []).filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)).reduce((n, m) => n + Number(m.value), 0);

test('records and bytes in by topic equal what was produced and what the logs hold', async () => {
  const m = await scrape();
  assert.equal(sampleValue(m, 'kafka_server_brokertopicmetrics_messagesin_total', { topic: 'clicks' }), RECORDS);
  const logBytes = [0, 1, 2].map((p) => sampleValue(m, 'kafka_log_log_size', { topic: 'clicks', partition: String(p) })!);
  // Batches are stored as sent: bytes in = bytes on disk.
  assert.equal(sampleValue(m, 'kafka_server_brokertopicmetrics_bytesin_total', { topic: 'clicks' }), logBytes.reduce((a, b) => a + b));
  assert.deepEqual([0, 1, 2].map((p) => sampleValue(m, 'kafka_log_log_logendoffset', { topic: 'clicks', partition: String(p) })), [19, 19, 19]);
  assert.equal(sampleValue(m, 'kafka_log_log_logstartoffset', { topic: 'clicks', partition: '0' }), 0);
  assert.equal(sampleValue(m, 'kafka_server_replicamanager_partitioncount'), 3);
  // Everything produced was read back by a consumer.
  assert.ok(sampleValue(m, 'kafka_server_brokertopicmetrics_bytesout_total', { topic: 'clicks' })! >= logBytes.reduce((a, b) => a + b));
});

test('requests by API and version, errors by API and code, latency histogram per API', async () => {
  const m = await scrape();
  const produces = sum(m, 'kafka_network_requestmetrics_requests_total', { request: 'Produce' });
  assert.ok(produces >= 1);
  assert.ok(sum(m, 'kafka_network_requestmetrics_requests_total', { request: 'Fetch' }) >= 1);
  // The client retries the retriable UNKNOWN_TOPIC_OR_PARTITION: one error per DeleteTopics request.
  const deletes = sum(m, 'kafka_network_requestmetrics_requests_total', { request: 'DeleteTopics' });
  assert.ok(deletes >= 1);
  assert.equal(sampleValue(m, 'kafka_network_requestmetrics_errors_total', { request: 'DeleteTopics', error: 'UNKNOWN_TOPIC_OR_PARTITION' }), deletes);
  assert.ok(sum(m, 'kafka_network_requestmetrics_errors_total', { request: 'Produce', error: 'NONE' }) >= 3, 'one NONE per partition produced to');
  // The text parser folds labelled histograms together; read the Produce series from the text.
  assert.equal(m.find((f) => f.name === 'kafka_network_requestmetrics_totaltimems')?.type, 'HISTOGRAM');
  const text = await broker.metrics.registry.metrics();
  const series = (suffix: string) =>
    text.split('\n').filter((l) => l.startsWith(`kafka_network_requestmetrics_totaltimems_${suffix}{request="Produce"`)).map((l) => Number(l.split(' ').at(-1)));
  assert.deepEqual(series('count'), [produces]);
  const buckets = series('bucket');
  assert.equal(buckets.length, 16);
  assert.deepEqual(buckets, [...buckets].sort((a, b) => a - b), 'buckets are cumulative');
  assert.equal(buckets.at(-1), produces);
  assert.ok(series('sum')[0]! > 0);
});

test('connections, socket bytes, groups and consumer lag per partition', async () => {
  const m = await scrape();
  assert.ok(sampleValue(m, 'kafka_server_socket_server_metrics_connection_creation_total', { listener: 'PLAINTEXT' })! >= 3);
  const open = sampleValue(m, 'kafka_server_socket_server_metrics_connection_count', { listener: 'PLAINTEXT' })!;
  const closed = sampleValue(m, 'kafka_server_socket_server_metrics_connection_close_total', { listener: 'PLAINTEXT' })!;
  assert.ok(open >= 0 && closed >= 1);
  assert.ok(sampleValue(m, 'kafka_server_socket_server_metrics_incoming_byte_total')! > 0);
  assert.ok(sampleValue(m, 'kafka_server_socket_server_metrics_outgoing_byte_total')! > 0);
  assert.ok(sampleValue(m, 'kafka_coordinator_group_groupmetadatamanager_numgroups')! >= 1);
  assert.equal(sampleValue(m, 'kafka_consumergroup_lag', { consumergroup: 'reporting', topic: 'clicks', partition: '0' }), 19 - 5);
  assert.equal(sampleValue(m, 'kafka_consumergroup_lag', { consumergroup: 'reporting', topic: 'clicks', partition: '2' }), 0);
  assert.equal(sampleValue(m, 'kafka_consumergroup_lag', { consumergroup: 'reporting', topic: 'clicks', partition: '1' }), undefined, 'no committed offset: no lag series');
});

test('recordsIn reads the count of every batch header; countErrorCodes skips record sets', () => {
  const batch = (count: number, bodyBytes: number) => {
    const b = Buffer.alloc(61 + bodyBytes);
    b.writeInt32BE(49 + bodyBytes, 8);
    b.writeInt32BE(count, 57);
    return b;
  };
  assert.equal(recordsIn(Buffer.concat([batch(3, 10), batch(4, 0)])), 7);
  const garbage = batch(5, 0);
  garbage.writeInt32BE(-100, 8);
  assert.equal(recordsIn(Buffer.concat([batch(3, 10), garbage, batch(4, 0)])), 3, 'a negative batch length ends the count instead of looping');
  const counts = new Map<number, number>();
  countErrorCodes({ errorCode: 0, topics: [{ partitions: [{ errorCode: 3, records: { errorCode: 9 } }, { errorCode: 0 }] }] }, counts);
  assert.deepEqual([...counts].sort(), [[0, 2], [3, 1]]);
});
