/**
 * Regenerates the fuzz corpus (corpus.json): valid request frames as real clients send them,
 * recorded by a proxy in front of the broker while kafkajs, @platformatic/kafka, librdkafka
 * (confluent-kafka-python and kcat) and kafka-python run scenarios that use every API they know.
 * APIs no installed client sends get frames built by our encoder, marked "synthetic".
 * Usage: node test/broker/fuzz/capture-corpus.ts
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { Admin, Consumer, Producer, stringSerializers, stringDeserializers } from '@platformatic/kafka';
import { startBroker } from '../../../src/broker/index.ts';
import { ApiKey, encodeRequest, supportedApiVersions } from '../../../src/protocol/index.ts';
import { HANDLERS } from '../../../src/broker/handlers/index.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { CaptureProxy } from './capture-proxy.ts';

const OUT = fileURLToPath(new URL('./corpus.json', import.meta.url));
const PY = (name: string) => fileURLToPath(new URL(`./python/${name}`, import.meta.url));
const MAX_FRAME = 64 * 1024;
const PER_VERSION = 4;

function run(cmd: string, args: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`))));
    child.stdin.end(input ?? '');
  });
}

async function kafkajsScenario(bootstrap: string): Promise<void> {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'kj-capture', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'kj-a', numPartitions: 2, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] }] });
  await admin.createPartitions({ topicPartitions: [{ topic: 'kj-a', count: 3 }] });
  await admin.fetchTopicMetadata({ topics: ['kj-a'] });
  await admin.describeConfigs({ resources: [{ type: 2, name: 'kj-a' }, { type: 4, name: '1' }], includeSynonyms: true });
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'kj-a', configEntries: [{ name: 'retention.ms', value: '3600000' }] }] });
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  await producer.send({ topic: 'kj-a', acks: -1, messages: Array.from({ length: 100 }, (_, i) => ({ key: `k${i % 5}`, value: `v${i}` })) });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: 'kj-g', maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'kj-a', fromBeginning: true });
  let n = 0;
  await new Promise<void>((resolve) => void consumer.run({ eachMessage: async () => void (++n === 100 && resolve()) }));
  await new Promise((r) => setTimeout(r, 3500)); // a heartbeat or two
  await consumer.disconnect();
  const txn = kafka.producer({ transactionalId: 'kj-txn', maxInFlightRequests: 1, idempotent: true });
  await txn.connect();
  const t = await txn.transaction();
  await t.send({ topic: 'kj-a', messages: [{ value: 'in-txn' }] });
  await t.sendOffsets({ consumerGroupId: 'kj-g', topics: [{ topic: 'kj-a', partitions: [{ partition: 0, offset: '5' }] }] });
  await t.commit();
  await txn.disconnect();
  await admin.fetchOffsets({ groupId: 'kj-g', topics: ['kj-a'] });
  await admin.setOffsets({ groupId: 'kj-g', topic: 'kj-a', partitions: [{ partition: 0, offset: '1' }] });
  await admin.fetchTopicOffsetsByTimestamp('kj-a', Date.now() - 60_000);
  await admin.describeGroups(['kj-g']);
  await admin.listGroups();
  await admin.deleteTopicRecords({ topic: 'kj-a', partitions: [{ partition: 0, offset: '2' }] });
  await admin.deleteGroups(['kj-g']);
  await admin.deleteTopics({ topics: ['kj-a'] });
  await admin.disconnect();
}

async function platformaticScenario(bootstrap: string): Promise<void> {
  const admin = new Admin({ clientId: 'plt-capture', bootstrapBrokers: [bootstrap] });
  await admin.createTopics({ topics: ['plt-a'], partitions: 2, replicas: 1, configs: [{ name: 'retention.ms', value: '3600000' }] });
  await admin.createPartitions({ topics: [{ name: 'plt-a', count: 3 }] });
  await admin.listTopics();
  await admin.describeConfigs({ resources: [{ resourceType: 2, resourceName: 'plt-a' }] });
  await admin.alterConfigs({ resources: [{ resourceType: 2, resourceName: 'plt-a', configs: [{ name: 'retention.ms', value: '7200000' }] }] });
  await admin.incrementalAlterConfigs({ resources: [{ resourceType: 2, resourceName: 'plt-a', configs: [{ name: 'cleanup.policy', configOperation: 0, value: 'delete' }] }] });
  const producer = new Producer({ clientId: 'plt-capture', bootstrapBrokers: [bootstrap], serializers: stringSerializers, idempotent: true, compression: 'snappy' });
  await producer.send({ messages: Array.from({ length: 50 }, (_, i) => ({ topic: 'plt-a', key: `k${i % 3}`, value: `v${i}` })) });
  await producer.close();
  const tp = new Producer({ clientId: 'plt-txn', bootstrapBrokers: [bootstrap], serializers: stringSerializers, idempotent: true, transactionalId: 'plt-txn' });
  const txn = await tp.beginTransaction();
  await txn.send({ messages: [{ topic: 'plt-a', value: 'in-txn' }] });
  await txn.commit();
  await tp.close();
  const consumer = new Consumer({ clientId: 'plt-capture', groupId: 'plt-g', bootstrapBrokers: [bootstrap], deserializers: stringDeserializers, maxWaitTime: 100 });
  const stream = await consumer.consume({ topics: ['plt-a'], mode: 'earliest', autocommit: 100 });
  let n = 0;
  await new Promise<void>((resolve) => stream.on('data', () => void (++n === 50 && resolve())));
  await new Promise((r) => setTimeout(r, 500));
  await stream.close();
  await consumer.close(true);
  await admin.listOffsets({ topics: [{ name: 'plt-a', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
  await admin.listGroups();
  await admin.describeGroups({ groups: ['plt-g'] });
  await admin.listConsumerGroupOffsets({ groups: ['plt-g'] });
  await admin.alterConsumerGroupOffsets({ groupId: 'plt-g', topics: [{ name: 'plt-a', partitionOffsets: [{ partition: 0, offset: 1n }] }] });
  await admin.deleteConsumerGroupOffsets({ groupId: 'plt-g', topics: [{ name: 'plt-a', partitionIndexes: [0] }] });
  await admin.deleteRecords({ topics: [{ name: 'plt-a', partitions: [{ partition: 0, offset: 1n }] }] });
  await admin.describeLogDirs({ topics: [{ name: 'plt-a', partitions: [0, 1, 2] }] });
  await admin.deleteGroups({ groups: ['plt-g'] });
  await admin.deleteTopics({ topics: ['plt-a'] });
  await admin.close();
}

async function kcatScenario(bootstrap: string): Promise<void> {
  await run('kcat', ['-b', bootstrap, '-L']);
  const lines = Array.from({ length: 100 }, (_, i) => `k${i % 9}|v${i}`).join('\n');
  await run('kcat', ['-b', bootstrap, '-P', '-t', 'kc-a', '-K', '|', '-z', 'zstd', '-X', 'acks=all'], `${lines}\n`);
  await run('kcat', ['-b', bootstrap, '-C', '-t', 'kc-a', '-o', 'beginning', '-c', '100', '-e', '-q']);
  await run('kcat', ['-b', bootstrap, '-G', 'kc-g', 'kc-a', '-c', '10', '-e', '-q', '-X', 'auto.offset.reset=earliest']);
}

/** Frames of APIs no installed client sends, built by our encoder from Kafka's schemas. */
function synthetic(): Array<{ apiKey: number; apiVersion: number; frame: Buffer }> {
  const out: Array<{ apiKey: number; apiVersion: number; frame: Buffer }> = [];
  for (let v = 0; v <= 4; v++) {
    out.push({ apiKey: ApiKey.OffsetForLeaderEpoch, apiVersion: v, frame: encodeRequest(ApiKey.OffsetForLeaderEpoch, v, 1, 'synthetic', { replicaId: -1, topics: [{ topic: 'fuzz', partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }] }] }) });
  }
  for (let v = 0; v <= 1; v++) {
    out.push({ apiKey: ApiKey.DescribeCluster, apiVersion: v, frame: encodeRequest(ApiKey.DescribeCluster, v, 1, 'synthetic', { includeClusterAuthorizedOperations: v === 0, endpointType: 1 }) });
  }
  // Leader elections and reassignments (kafkajs sends the latter, but the captured corpus predates them).
  for (let v = 0; v <= 2; v++) {
    out.push({ apiKey: ApiKey.ElectLeaders, apiVersion: v, frame: encodeRequest(ApiKey.ElectLeaders, v, 1, 'synthetic', { electionType: 0, topicPartitions: [{ topic: 'fuzz', partitions: [0, 1] }], timeoutMs: 5000 }) });
  }
  out.push({ apiKey: ApiKey.AlterPartitionReassignments, apiVersion: 0, frame: encodeRequest(ApiKey.AlterPartitionReassignments, 0, 1, 'synthetic', { timeoutMs: 5000, topics: [{ name: 'fuzz', partitions: [{ partitionIndex: 0, replicas: [1] }, { partitionIndex: 1, replicas: null }] }] }) });
  out.push({ apiKey: ApiKey.ListPartitionReassignments, apiVersion: 0, frame: encodeRequest(ApiKey.ListPartitionReassignments, 0, 1, 'synthetic', { timeoutMs: 5000, topics: [{ name: 'fuzz', partitionIndexes: [0] }] }) });
  // Client quotas (@platformatic/kafka's admin sends them, but the captured corpus predates them).
  for (let v = 0; v <= 1; v++) {
    out.push({ apiKey: ApiKey.DescribeClientQuotas, apiVersion: v, frame: encodeRequest(ApiKey.DescribeClientQuotas, v, 1, 'synthetic', { components: [{ entityType: 'client-id', matchType: 0, match: 'fuzz' }], strict: false }) });
    out.push({ apiKey: ApiKey.AlterClientQuotas, apiVersion: v, frame: encodeRequest(ApiKey.AlterClientQuotas, v, 1, 'synthetic', { entries: [{ entity: [{ entityType: 'client-id', entityName: 'fuzz' }], ops: [{ key: 'producer_byte_rate', value: 1024, remove: false }] }], validateOnly: true }) });
  }
  // Transaction listing (the Java admin and kafka-transactions.sh send them; no installed client does).
  out.push({ apiKey: ApiKey.DescribeTransactions, apiVersion: 0, frame: encodeRequest(ApiKey.DescribeTransactions, 0, 1, 'synthetic', { transactionalIds: ['fuzz', ''] }) });
  for (let v = 0; v <= 1; v++) {
    out.push({ apiKey: ApiKey.ListTransactions, apiVersion: v, frame: encodeRequest(ApiKey.ListTransactions, v, 1, 'synthetic', { stateFilters: ['Ongoing'], producerIdFilters: [1n], durationFilter: 1000n }) });
  }
  // Security APIs: captured frames need a SASL listener and an authorizer, which the capture
  // broker does not run yet; frames built from the schemas stand in.
  const acl = { resourceType: 2, resourceName: 'fuzz', resourcePatternType: 3, principal: 'User:fuzz', host: '*', operation: 3, permissionType: 3 };
  const filter = { resourceTypeFilter: 2, resourceNameFilter: 'fuzz', patternTypeFilter: 3, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 };
  for (let v = 0; v <= 1; v++) out.push({ apiKey: ApiKey.SaslHandshake, apiVersion: v, frame: encodeRequest(ApiKey.SaslHandshake, v, 1, 'synthetic', { mechanism: 'PLAIN' }) });
  for (let v = 0; v <= 2; v++) out.push({ apiKey: ApiKey.SaslAuthenticate, apiVersion: v, frame: encodeRequest(ApiKey.SaslAuthenticate, v, 1, 'synthetic', { authBytes: Buffer.from('\0fuzz\0secret') }) });
  for (let v = 0; v <= 3; v++) {
    out.push({ apiKey: ApiKey.DescribeAcls, apiVersion: v, frame: encodeRequest(ApiKey.DescribeAcls, v, 1, 'synthetic', filter) });
    out.push({ apiKey: ApiKey.CreateAcls, apiVersion: v, frame: encodeRequest(ApiKey.CreateAcls, v, 1, 'synthetic', { creations: [acl] }) });
    out.push({ apiKey: ApiKey.DeleteAcls, apiVersion: v, frame: encodeRequest(ApiKey.DeleteAcls, v, 1, 'synthetic', { filters: [filter] }) });
  }
  out.push({ apiKey: ApiKey.DescribeUserScramCredentials, apiVersion: 0, frame: encodeRequest(ApiKey.DescribeUserScramCredentials, 0, 1, 'synthetic', { users: [{ name: 'fuzz' }] }) });
  out.push({
    apiKey: ApiKey.AlterUserScramCredentials,
    apiVersion: 0,
    frame: encodeRequest(ApiKey.AlterUserScramCredentials, 0, 1, 'synthetic', { deletions: [], upsertions: [{ name: 'fuzz', mechanism: 1, iterations: 4096, salt: Buffer.alloc(16, 1), saltedPassword: Buffer.alloc(32, 2) }] }),
  });
  return out;
}

/** Only the synthetic frames (to add APIs to corpus.json without recapturing): node capture-corpus.ts --synthetic-only */
if (process.argv.includes('--synthetic-only')) {
  const json = JSON.parse((await import('node:fs')).readFileSync(OUT, 'utf8')) as { note: string; frames: Array<{ client: string; apiKey: number; apiVersion: number; hex: string }> };
  const have = new Set(json.frames.map((f) => f.apiKey));
  for (const s of synthetic()) if (!have.has(s.apiKey)) json.frames.push({ client: 'synthetic', apiKey: s.apiKey, apiVersion: s.apiVersion, hex: s.frame.toString('hex') });
  writeFileSync(OUT, `${JSON.stringify(json, null, 0).replace(/\},\{/g, '},\n{')}\n`);
  process.exit(0);
}

const proxy = new CaptureProxy();
const proxyPort = await proxy.listen();
const data = tempDir('sluice-capture-');
const broker = await startBroker({ dataDir: data.dir, port: 0, advertisedPort: proxyPort });
proxy.forwardTo(broker.listenPort);
const bootstrap = `127.0.0.1:${proxyPort}`;
const scenarios: Array<[string, () => Promise<void>]> = [
  ['kafkajs', () => kafkajsScenario(bootstrap)],
  ['@platformatic/kafka', () => platformaticScenario(bootstrap)],
  ['librdkafka (confluent-kafka-python)', () => run('/usr/bin/python3', [PY('capture_librdkafka.py'), bootstrap])],
  ['librdkafka (kcat)', () => kcatScenario(bootstrap)],
  ['kafka-python', () => run('/usr/bin/python3', [PY('capture_kafka_python.py'), bootstrap])],
];
for (const [client, scenario] of scenarios) {
  proxy.client = client;
  process.stdout.write(`${client}... `);
  await scenario();
  process.stdout.write('done\n');
}
await broker.close();
data.cleanup();

const seen = new Set<string>();
const perVersion = new Map<string, number>();
const frames: Array<{ client: string; apiKey: number; apiVersion: number; hex: string }> = [];
const add = (client: string, apiKey: number, apiVersion: number, frame: Buffer) => {
  const hex = frame.toString('hex');
  const k = `${client}/${apiKey}/${apiVersion}`;
  if (frame.length > MAX_FRAME || seen.has(hex) || (perVersion.get(k) ?? 0) >= PER_VERSION) return;
  seen.add(hex);
  perVersion.set(k, (perVersion.get(k) ?? 0) + 1);
  frames.push({ client, apiKey, apiVersion, hex });
};
for (const f of proxy.frames) add(f.client, f.apiKey, f.apiVersion, f.frame);
const captured = new Set(frames.map((f) => f.apiKey));
for (const s of synthetic()) if (!captured.has(s.apiKey)) add('synthetic', s.apiKey, s.apiVersion, s.frame);
await proxy.close();

const advertised = supportedApiVersions().map((a) => a.apiKey).filter((k) => HANDLERS.has(k));
const missing = advertised.filter((k) => !frames.some((f) => f.apiKey === k));
if (missing.length > 0) throw new Error(`no frame for api keys ${missing.join(', ')}`);
writeFileSync(OUT, `${JSON.stringify({ note: 'Request frames captured from real clients by capture-corpus.ts (regenerate with node test/broker/fuzz/capture-corpus.ts).', frames }, null, 0).replace(/\},\{/g, '},\n{')}\n`);
const byClient = new Map<string, number>();
for (const f of frames) byClient.set(f.client, (byClient.get(f.client) ?? 0) + 1);
console.log(`${frames.length} frames over ${captured.size} captured api keys:`, Object.fromEntries(byClient));
process.exit(0);
