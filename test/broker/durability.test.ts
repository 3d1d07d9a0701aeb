import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import {
  Admin as PltAdmin,
  Consumer as PltConsumer,
  Producer as PltProducer,
  ProduceAcks,
  stringDeserializers,
  stringSerializers,
  type CompressionAlgorithmValue,
  type Message,
} from '@platformatic/kafka';
import { spawnBrokerProcess, startTestBroker } from '../helpers/broker.ts';
import { tempDir } from '../helpers/tmp-dir.ts';

// Crash safety of the broker process: kill -9 while producers have requests in flight, restart on
// the same data dir, and check that every acknowledged record is served at the offset it was
// acknowledged with, nothing twice, and that committed group offsets survived. A second scenario
// tears the tail of active segments between the kill and the restart.

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const TOPIC = 'durable';
const PARTITIONS = 4;
const GROUP = 'durable-g';
const BATCH = 100;

const children = new Set<ChildProcess>();
const cleanups: Array<() => void> = [];
after(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const c of cleanups) c();
});

async function startBroker(dataDir: string, args: string[] = []): Promise<{ bootstrap: string; child: ChildProcess }> {
  const b = await spawnBrokerProcess(dataDir, args);
  children.add(b.child);
  b.child.once('exit', () => children.delete(b.child));
  return b;
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

function kafkaAt(bootstrap: string, clientId: string, retries = 5): Kafka {
  return new Kafka({ brokers: [bootstrap], clientId, logLevel: logLevel.NOTHING, retry: { retries, initialRetryTime: 100 } });
}

/** One acknowledged send: all of its records went to `partition`, starting at `baseOffset`. */
interface Acked {
  producer: string;
  partition: number;
  baseOffset: number;
  values: string[];
}

interface Load {
  acked: Acked[];
  /** Records acknowledged so far. */
  ackedRecords: number;
  /** Every value any producer tried to send (acknowledged or not). */
  attempted: Set<string>;
  /** Sends that had been issued but not answered when the broker was killed. */
  inFlightAtKill: number;
}

const keyFor = (value: string) => `k-${value}`;

/**
 * Runs producers (kafkajs none/gzip, @platformatic/kafka zstd/lz4; acks=all, no retries) in
 * tight loops over all partitions, recording each acknowledged send in `load`. Calls `kill` 3 ms
 * after `killWhen()` first holds after an acknowledgement (the producers keep sending meanwhile)
 * and resolves when every producer has stopped. Values are `<prefix><producer>-<n>`.
 */
async function produceUntilKilled(bootstrap: string, load: Load, killWhen: () => boolean, kill: () => Promise<void>, prefix = ''): Promise<void> {
  let inFlight = 0;
  let killed = false;
  let killing: Promise<void> | null = null;
  const maybeKill = () => {
    if (killing || !killWhen()) return;
    // A few ms later, so that sends issued meanwhile reach the broker (and may be stored) unanswered.
    killing = new Promise((r) => setTimeout(r, 3))
      .then(() => {
        load.inFlightAtKill = inFlight;
        return kill();
      })
      .then(() => {
        killed = true;
      });
  };

  type Send = (partition: number, values: string[]) => Promise<number>;
  const loop = async (name: string, send: Send) => {
    for (let seq = 0; !killed; seq++) {
      const partition = seq % PARTITIONS;
      const values = Array.from({ length: BATCH }, (_, j) => `${name}-${seq * BATCH + j}`);
      for (const v of values) load.attempted.add(v);
      inFlight++;
      let baseOffset: number;
      try {
        baseOffset = await send(partition, values);
      } catch {
        inFlight--;
        if (killing) return; // the broker is gone: this send was in flight or issued after the kill
        throw new Error(`${name}: a send failed before the broker was killed`);
      }
      inFlight--;
      if (killed) return; // cannot be: nothing answers after the exit, but never count it
      load.acked.push({ producer: name, partition, baseOffset, values });
      load.ackedRecords += values.length;
      maybeKill();
    }
  };

  const kafka = kafkaAt(bootstrap, 'durability-producer', 0);
  const kjs = await Promise.all([0, 1].map(async () => {
    const p = kafka.producer({ retry: { retries: 0 } });
    await p.connect();
    return p;
  }));
  const kafkajsSend = (p: (typeof kjs)[number], compression: CompressionTypes): Send => async (partition, values) => {
    const meta = await p.send({ topic: TOPIC, acks: -1, compression, messages: values.map((v) => ({ partition, key: keyFor(v), value: v })) });
    assert.equal(meta.length, 1);
    assert.equal(meta[0]!.errorCode, 0);
    return Number(meta[0]!.baseOffset);
  };
  const plt = (compression: CompressionAlgorithmValue) =>
    new PltProducer({
      clientId: `durability-${compression}`,
      bootstrapBrokers: [bootstrap],
      serializers: stringSerializers,
      acks: ProduceAcks.ALL,
      compression,
      retries: false,
      timeout: 5_000,
    });
  const plts = [plt('zstd'), plt('lz4')];
  const pltSend = (p: PltProducer<string, string, string, string>): Send => async (partition, values) => {
    const result = await p.send({ messages: values.map((v) => ({ topic: TOPIC, partition, key: keyFor(v), value: v })) });
    assert.equal(result.offsets?.length, 1);
    return Number(result.offsets[0]!.offset);
  };

  try {
    await Promise.all([
      loop(`${prefix}kjs-none`, kafkajsSend(kjs[0]!, CompressionTypes.None)),
      loop(`${prefix}kjs-gzip`, kafkajsSend(kjs[1]!, CompressionTypes.GZIP)),
      loop(`${prefix}plt-zstd`, pltSend(plts[0]!)),
      loop(`${prefix}plt-lz4`, pltSend(plts[1]!)),
    ]);
    await killing;
  } finally {
    await Promise.all(kjs.map((p) => p.disconnect().catch(() => {})));
    await Promise.all(plts.map((p) => p.close(true).catch(() => {})));
  }
}

function newLoad(): Load {
  return { acked: [], ackedRecords: 0, attempted: new Set(), inFlightAtKill: 0 };
}

async function waitFor(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type PltMessage = Message<string, string, string, string>;

interface Stored {
  key: string;
  value: string;
}

function pltConsumer(bootstrap: string, groupId: string): PltConsumer<string, string, string, string> {
  return new PltConsumer({
    groupId,
    clientId: `durability-${groupId}`,
    bootstrapBrokers: [bootstrap],
    deserializers: stringDeserializers,
    maxWaitTime: 100,
    timeout: 5_000,
  });
}

/**
 * Streams `topic` from the earliest offsets in group `groupId` (@platformatic/kafka: kafkajs
 * cannot decompress zstd or lz4) until `done` says so; resolves with what the callback left.
 */
async function consumeUntil(bootstrap: string, groupId: string, label: string, done: (m: PltMessage) => boolean): Promise<PltConsumer<string, string, string, string>> {
  const consumer = pltConsumer(bootstrap, groupId);
  const stream = await consumer.consume({ topics: [TOPIC], mode: 'earliest', autocommit: false });
  let count = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label}: consumed only ${count} records`)), 30_000);
      stream.on('error', reject);
      stream.on('data', (m: PltMessage) => {
        count++;
        if (done(m)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } finally {
    await stream.close();
  }
  return consumer;
}

/** Reads every record of every partition (offset → record) with a fresh group. */
async function readEverything(bootstrap: string, label: string): Promise<Map<number, Map<number, Stored>>> {
  const admin = kafkaAt(bootstrap, 'durability-reader').admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(TOPIC)).map((o) => [o.partition, Number(o.high)]));
  await admin.disconnect();
  const total = [...ends.values()].reduce((s, n) => s + n, 0);
  const byPartition = new Map<number, Map<number, Stored>>(Array.from({ length: PARTITIONS }, (_, p) => [p, new Map()]));
  if (total === 0) return byPartition;
  let count = 0;
  const consumer = await consumeUntil(bootstrap, `reader-${label.replace(/\W+/g, "-")}`, label, (m) => {
    const offset = Number(m.offset);
    const records = byPartition.get(m.partition)!;
    assert.ok(!records.has(offset), `${label}: offset ${offset} of partition ${m.partition} delivered twice`);
    records.set(offset, { key: m.key, value: m.value });
    return ++count === total;
  });
  await consumer.close(true);
  for (const [p, records] of byPartition) assert.equal(records.size, ends.get(p), `${label}: partition ${p} read up to its end offset`);
  return byPartition;
}

/**
 * Checks the log against what was acknowledged: each acknowledged send is at its offsets, in
 * order; no value is stored twice; nothing stored was never sent; offsets have no holes. Sends
 * whose first offset is at or past `cut(partition)` (a torn tail) are not expected to survive.
 */
function checkLog(log: Map<number, Map<number, Stored>>, load: Load, label: string, cut: (partition: number) => number = () => Infinity): number {
  const where = new Map<string, string>();
  for (const [p, records] of log) {
    const offsets = [...records.keys()].sort((a, b) => a - b);
    offsets.forEach((o, i) => assert.equal(o, i, `${label}: partition ${p} has no holes`));
    for (const [o, r] of records) {
      assert.ok(load.attempted.has(r.value), `${label}: ${p}@${o} holds ${r.value}, which no producer sent`);
      assert.equal(r.key, keyFor(r.value), `${label}: key of ${r.value}`);
      const before = where.get(r.value);
      assert.equal(before, undefined, `${label}: ${r.value} stored twice (${before} and ${p}@${o})`);
      where.set(r.value, `${p}@${o}`);
    }
  }
  let verified = 0;
  for (const a of load.acked) {
    if (a.baseOffset + a.values.length > cut(a.partition)) continue;
    const records = log.get(a.partition)!;
    a.values.forEach((v, j) => {
      const r = records.get(a.baseOffset + j);
      assert.equal(r?.value, v, `${label}: acknowledged ${v} at ${a.partition}@${a.baseOffset + j}`);
    });
    verified += a.values.length;
  }
  // Each producer's acknowledged sends to a partition got increasing offsets (production order).
  const last = new Map<string, number>();
  for (const a of load.acked) {
    const k = `${a.producer}/${a.partition}`;
    assert.ok((last.get(k) ?? -1) < a.baseOffset, `${label}: ${k} offsets rise`);
    last.set(k, a.baseOffset);
  }
  return verified;
}

async function createTopic(bootstrap: string): Promise<void> {
  const admin = kafkaAt(bootstrap, 'durability-admin').admin();
  await admin.connect();
  try {
    assert.equal(await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] }), true);
  } finally {
    await admin.disconnect();
  }
}

type Offsets = Array<[number, string]>;

async function committedOffsets(bootstrap: string, groupId: string): Promise<Offsets> {
  const admin = kafkaAt(bootstrap, 'durability-admin').admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
    return t!.partitions.map((p) => [p.partition, p.offset] as [number, string]).sort((a, b) => a[0] - b[0]);
  } finally {
    await admin.disconnect();
  }
}

/** A group member consumes `n` records, commits what it consumed and leaves; returns the commit. */
async function consumeAndCommit(bootstrap: string, n: number): Promise<Offsets> {
  const next = new Map<number, bigint>();
  let count = 0;
  const consumer = await consumeUntil(bootstrap, GROUP, 'group member', (m) => {
    next.set(m.partition, m.offset + 1n);
    return ++count === n;
  });
  try {
    await consumer.commit({ offsets: [...next].map(([partition, offset]) => ({ topic: TOPIC, partition, offset, leaderEpoch: 0 })) });
  } finally {
    await consumer.close();
  }
  return Array.from({ length: PARTITIONS }, (_, p): [number, string] => [p, String(next.get(p) ?? -1n)]);
}

test('kill -9 with produce requests in flight loses no acknowledged record and no committed offset', { timeout: 90_000 }, async (t) => {
  const t0 = Date.now();
  const { dir, cleanup } = tempDir('sluice-durability-');
  cleanups.push(cleanup);
  // Group commit holds acknowledgements back for a few ms after the write (and fsyncs), so the
  // kill also finds records that are stored but were never acknowledged.
  let { bootstrap, child } = await startBroker(dir, ['--flush', 'group-commit:10']);
  await createTopic(bootstrap);

  // While the producers run: a group member consumes and commits, then another group's offsets
  // are committed (acknowledged) just before the kill.
  const load = newLoad();
  let groupCommitted: Offsets = [];
  const adminOffsets = Array.from({ length: PARTITIONS }, (_, p) => ({ partition: p, offset: String(1000 + p) }));
  let offsetsSet = false;
  const producing = produceUntilKilled(bootstrap, load, () => load.ackedRecords >= 20_000 && offsetsSet, () => kill9(child));
  const committing = (async () => {
    await waitFor(() => load.ackedRecords >= 5_000, '5,000 acknowledged records');
    const committed = await consumeAndCommit(bootstrap, 3_000);
    t.diagnostic(`group committed after ${Date.now() - t0} ms`);
    groupCommitted = await committedOffsets(bootstrap, GROUP);
    assert.deepEqual(groupCommitted, committed, 'OffsetFetch answers what the member committed');
    await waitFor(() => load.ackedRecords >= 20_000, '20,000 acknowledged records', 60_000);
    const admin = new PltAdmin({ clientId: 'durability-admin', bootstrapBrokers: [bootstrap], timeout: 5_000 });
    try {
      await admin.alterConsumerGroupOffsets({
        groupId: `${GROUP}-admin`,
        topics: [{ name: TOPIC, partitionOffsets: adminOffsets.map((o) => ({ partition: o.partition, offset: BigInt(o.offset) })) }],
      });
      offsetsSet = true;
      t.diagnostic(`offsets of a second group committed after ${Date.now() - t0} ms`);
    } finally {
      await admin.close();
    }
  })();
  await Promise.all([producing, committing]);

  const ackedTotal = load.acked.reduce((s, a) => s + a.values.length, 0);
  assert.ok(ackedTotal >= 20_000, `at least 20,000 records acknowledged (${ackedTotal})`);
  assert.ok(load.inFlightAtKill > 0, 'some sends were in flight when the broker was killed');
  assert.ok(groupCommitted.reduce((s, [, o]) => s + Number(o), 0) >= 3_000, `the member committed what it consumed: ${groupCommitted.join(' ')}`);

  t.diagnostic(`killed after ${Date.now() - t0} ms: ${ackedTotal} records acknowledged, ${load.inFlightAtKill} sends in flight`);
  ({ bootstrap, child } = await startBroker(dir));
  t.diagnostic(`restarted after ${Date.now() - t0} ms`);
  const log = await readEverything(bootstrap, 'after kill -9');
  const stored = [...log.values()].reduce((s, r) => s + r.size, 0);
  t.diagnostic(`read back ${stored} records (${stored - ackedTotal} from unacknowledged sends) after ${Date.now() - t0} ms`);
  assert.equal(checkLog(log, load, 'after kill -9'), ackedTotal, 'every acknowledged record was verified');
  assert.deepEqual(await committedOffsets(bootstrap, GROUP), groupCommitted, 'the consumer group offsets survived');
  assert.deepEqual(
    await committedOffsets(bootstrap, `${GROUP}-admin`),
    adminOffsets.map((o) => [o.partition, o.offset]),
    'offsets committed just before the kill survived',
  );
  await kill9(child);
});

interface BatchAt {
  pos: number;
  size: number;
  baseOffset: number;
  count: number;
}

/** The whole record batches of a segment file (RecordBatch v2 framing). */
function batchesIn(path: string): BatchAt[] {
  const buf = readFileSync(path);
  const out: BatchAt[] = [];
  for (let pos = 0; pos + 61 <= buf.length; ) {
    const size = buf.readInt32BE(pos + 8) + 12;
    if (pos + size > buf.length) break;
    out.push({ pos, size, baseOffset: Number(buf.readBigInt64BE(pos)), count: buf.readInt32BE(pos + 57) });
    pos += size;
  }
  return out;
}

function activeSegment(dataDir: string, partition: number): string {
  const dir = join(dataDir, 'logs', `${TOPIC}-${partition}`);
  const logs = readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  assert.ok(logs.length > 0, `partition ${partition} has a segment`);
  return join(dir, logs[logs.length - 1]!);
}

function patchFile(path: string, pos: number, bytes: Buffer): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, pos);
  } finally {
    closeSync(fd);
  }
}

function byteAt(path: string, pos: number): number {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, pos);
    return b[0]!;
  } finally {
    closeSync(fd);
  }
}

test('a torn or corrupt segment tail (and a torn group-offsets record) after kill -9 is cut off and everything before it is served', { timeout: 90_000 }, async () => {
  const { dir, cleanup } = tempDir('sluice-torn-');
  cleanups.push(cleanup);
  let { bootstrap, child } = await startBroker(dir);
  await createTopic(bootstrap);
  const groupOffsets = Array.from({ length: PARTITIONS }, (_, p): [number, string] => [p, String(10 + p)]);
  const pltAdmin = new PltAdmin({ clientId: 'durability-admin', bootstrapBrokers: [bootstrap], timeout: 5_000 });
  await pltAdmin.alterConsumerGroupOffsets({
    groupId: 'torn-g',
    topics: [{ name: TOPIC, partitionOffsets: groupOffsets.map(([partition, offset]) => ({ partition, offset: BigInt(offset) })) }],
  });
  await pltAdmin.close();
  const load = newLoad();
  await produceUntilKilled(bootstrap, load, () => load.ackedRecords >= 8_000, () => kill9(child));
  assert.ok(load.inFlightAtKill > 0, 'some sends were in flight when the broker was killed');

  // What each partition holds on disk after the crash, then damage the tails:
  //  0: the last batch is torn in half (a write cut short);
  //  1: a byte in the middle of the last batch is flipped (CRC-32C no longer matches);
  //  2: garbage follows the last whole batch (a partial header of a next batch);
  //  3: left alone.
  const cut = new Map<number, number>();
  const before = new Map<number, BatchAt[]>();
  for (let p = 0; p < PARTITIONS; p++) {
    const path = activeSegment(dir, p);
    const batches = batchesIn(path);
    assert.ok(batches.length >= 2, `partition ${p} holds several batches`);
    before.set(p, batches);
    const last = batches[batches.length - 1]!;
    const end = last.baseOffset + last.count;
    if (p === 0) {
      truncateSync(path, last.pos + Math.floor(last.size / 2));
      cut.set(p, last.baseOffset);
    } else if (p === 1) {
      const at = last.pos + 61 + Math.floor((last.size - 61) / 2);
      patchFile(path, at, Buffer.from([byteAt(path, at) ^ 0xff]));
      cut.set(p, last.baseOffset);
    } else if (p === 2) {
      const junk = Buffer.alloc(100, 0xab);
      junk.writeBigInt64BE(BigInt(end), 0);
      junk.writeInt32BE(4096, 8); // declares a batch longer than what follows
      patchFile(path, last.pos + last.size, junk);
      cut.set(p, end);
    } else cut.set(p, end);
  }

  // The group coordinator's log gets a torn record too: a length header with half a payload.
  const offsetsLog = join(dir, 'group-offsets', 'group-offsets.log');
  const torn = Buffer.alloc(8 + 20, 0x7b);
  torn.writeUInt32BE(200, 0);
  patchFile(offsetsLog, statSync(offsetsLog).size, torn);

  ({ bootstrap, child } = await startBroker(dir));
  assert.deepEqual(await committedOffsets(bootstrap, 'torn-g'), groupOffsets, 'committed offsets before the torn record survive');
  const admin = kafkaAt(bootstrap, 'durability-admin').admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(TOPIC)).map((o) => [o.partition, Number(o.high)]));
  for (let p = 0; p < PARTITIONS; p++) assert.equal(ends.get(p), cut.get(p), `partition ${p} ends where its intact batches end`);
  const log = await readEverything(bootstrap, 'after the tear');
  const verified = checkLog(log, load, 'after the tear', (p) => cut.get(p)!);
  const lost = load.acked.filter((a) => a.baseOffset + a.values.length > cut.get(a.partition)!);
  assert.ok(lost.length <= 2, `only the damaged batches of partitions 0 and 1 are lost (${lost.length} sends)`);
  assert.ok(verified >= load.ackedRecords - 2 * BATCH, `${verified} of ${load.ackedRecords} acknowledged records verified`);
  for (let p = 0; p < PARTITIONS; p++) {
    const kept = before.get(p)!.filter((b) => b.baseOffset + b.count <= cut.get(p)!);
    assert.deepEqual(batchesIn(activeSegment(dir, p)).map((b) => b.baseOffset), kept.map((b) => b.baseOffset), `partition ${p}: the file holds the intact batches`);
  }

  // The repaired logs take new writes at the offsets after the cut.
  const producer = kafkaAt(bootstrap, 'durability-after').producer();
  await producer.connect();
  for (let p = 0; p < PARTITIONS; p++) {
    const [meta] = await producer.send({ topic: TOPIC, acks: -1, messages: [{ partition: p, key: keyFor(`after-${p}`), value: `after-${p}` }] });
    assert.equal(Number(meta!.baseOffset), cut.get(p), `partition ${p}: the next record gets the next offset`);
  }
  await producer.disconnect();
  await admin.disconnect();
  const again = await readEverything(bootstrap, 'after new writes');
  for (let p = 0; p < PARTITIONS; p++) assert.equal(again.get(p)!.get(cut.get(p)!)?.value, `after-${p}`);
  await kill9(child);
});

test('repeated kill -9 and a clean stop in between keep every acknowledged record', { timeout: 90_000 }, async (t) => {
  const { dir, cleanup } = tempDir('sluice-crashes-');
  cleanups.push(cleanup);
  let { bootstrap, child } = await startBroker(dir);
  await createTopic(bootstrap);
  const all = newLoad();
  // Round 2 stops the broker cleanly (SIGTERM: indexes and producer state saved) while producers
  // are sending; rounds 1 and 3 kill it. Each restart must serve everything acknowledged so far.
  for (const [round, signal] of [[1, 'SIGKILL'], [2, 'SIGTERM'], [3, 'SIGKILL']] as const) {
    const load = newLoad();
    const stop = async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(signal);
      await exited;
    };
    await produceUntilKilled(bootstrap, load, () => load.ackedRecords >= 5_000, stop, `r${round}-`);
    all.acked.push(...load.acked);
    all.ackedRecords += load.ackedRecords;
    for (const v of load.attempted) all.attempted.add(v);
    ({ bootstrap, child } = await startBroker(dir));
    const log = await readEverything(bootstrap, `after round ${round}`);
    const verified = checkLog(log, all, `after round ${round} (${signal})`);
    assert.equal(verified, all.ackedRecords, `round ${round}: every acknowledged record so far was verified`);
    t.diagnostic(`round ${round} (${signal}): ${all.ackedRecords} acknowledged, ${[...log.values()].reduce((n, r) => n + r.size, 0)} stored`);
  }
  await kill9(child);
});

test('a topic whose deletion a crash cut short does not come back with its old records when recreated', { timeout: 30_000 }, async () => {
  const { dir, cleanup } = tempDir('sluice-zombie-');
  cleanups.push(cleanup);
  let broker = await startTestBroker({ dataDir: dir });
  const admin = () => kafkaAt(broker.bootstrap, 'durability-admin').admin();
  let a = admin();
  await a.connect();
  await a.createTopics({ topics: [{ topic: 'zombie', numPartitions: 2 }, { topic: 'kept', numPartitions: 1 }] });
  await a.disconnect();
  const producer = kafkaAt(broker.bootstrap, 'durability-zombie').producer();
  await producer.connect();
  await producer.send({ topic: 'zombie', acks: -1, messages: [{ partition: 0, value: 'old-0' }, { partition: 1, value: 'old-1' }] });
  await producer.send({ topic: 'kept', acks: -1, messages: [{ value: 'kept-0' }] });
  await producer.disconnect();
  await broker.stop();

  // DeleteTopics saves the registry without the topic, then removes its directories: a crash in
  // between leaves exactly this on disk.
  const registryPath = join(dir, 'topics.json');
  const registry = JSON.parse(readFileSync(registryPath, 'utf8')) as { topics: Record<string, unknown> };
  delete registry.topics['zombie'];
  writeFileSync(registryPath, JSON.stringify(registry));

  broker = await startTestBroker({ dataDir: dir });
  try {
    a = admin();
    await a.connect();
    assert.ok(!(await a.listTopics()).includes('zombie'), 'the deleted topic is gone');
    await a.createTopics({ topics: [{ topic: 'zombie', numPartitions: 2 }] });
    const ends = (await a.fetchTopicOffsets('zombie')).map((o) => Number(o.high));
    assert.deepEqual(ends, [0, 0], 'the recreated topic starts empty');
    assert.deepEqual((await a.fetchTopicOffsets('kept')).map((o) => Number(o.high)), [1], 'other topics keep their records');
    await a.disconnect();
  } finally {
    await broker.stop();
  }
});
