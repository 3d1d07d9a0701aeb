import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Admin,
  Consumer,
  ProduceAcks,
  Producer,
  stringDeserializers,
  stringSerializers,
  type CompressionAlgorithmValue,
  type Message,
  type MessagesStream,
} from '@platformatic/kafka';
import { startTestBroker } from '../helpers/broker.ts';
import { assertCompleteAndOrdered, keyOf, type Seen } from './delivery-check.ts';

// @platformatic/kafka 2.x (the client Sluice's connectors are built on) against the embedded
// broker: every codec it offers, group churn with committed offsets, and topic administration.

const N = 10_000;
const TEST_TIMEOUT = 60_000;
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let admin: Admin;

type StringMessage = Message<string, string, string, string>;
type StringStream = MessagesStream<string, string, string, string>;

before(async () => {
  broker = await startTestBroker();
  admin = new Admin({ clientId: 'compat-plt-admin', bootstrapBrokers: [broker.bootstrap], timeout: 10_000 });
});
after(async () => {
  await admin.close();
  await broker.stop();
});

/** Rejects after `ms` with `what` so a hang fails the test fast instead of at the suite timeout. */
function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function waitFor(cond: () => boolean | Promise<boolean>, what: string | (() => string), ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function createTopic(topic: string, partitions = 3): Promise<void> {
  const created = await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  assert.equal(created.length, 1);
  assert.equal(created[0]!.name, topic);
  assert.equal(created[0]!.partitions, partitions);
}

async function produce(topic: string, from: number, count: number, compression: CompressionAlgorithmValue = 'none'): Promise<void> {
  const producer = new Producer({
    clientId: 'compat-plt-producer',
    bootstrapBrokers: [broker.bootstrap],
    serializers: stringSerializers,
    acks: ProduceAcks.ALL,
    compression,
    timeout: 10_000,
  });
  try {
    for (let start = from; start < from + count; start += 1000) {
      const messages = Array.from({ length: Math.min(1000, from + count - start) }, (_, j) => ({
        topic,
        key: keyOf(start + j),
        value: `value-${start + j}`,
      }));
      const result = await within(20_000, `produce ${start}..${start + messages.length}`, producer.send({ messages }));
      assert.ok((result.offsets ?? []).length > 0, 'the produce result reports offsets');
    }
  } finally {
    await producer.close();
  }
}

const CODEC_IDS = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

/** Compression codecs of the record batches stored in partition 0 of `topic` (read from its segment). */
function storedCodecs(topic: string): Set<number> {
  const log = readFileSync(join(broker.dataDir, 'logs', `${topic}-0`, `${'0'.padStart(20, '0')}.log`));
  const codecs = new Set<number>();
  for (let pos = 0; pos + 61 <= log.length; pos += log.readInt32BE(pos + 8) + 12) codecs.add(log.readInt16BE(pos + 21) & 7);
  return codecs;
}

function newConsumer(groupId: string, clientId: string): Consumer<string, string, string, string> {
  return new Consumer({
    groupId,
    clientId,
    bootstrapBrokers: [broker.bootstrap],
    deserializers: stringDeserializers,
    maxWaitTime: 200,
    timeout: 10_000,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 500,
  });
}

function toSeen(m: StringMessage): Seen {
  return { partition: m.partition, offset: Number(m.offset), key: m.key, value: m.value };
}

async function readAll(topic: string, n: number): Promise<Seen[]> {
  const consumer = newConsumer(`reader-${topic}`, 'compat-plt-reader');
  const seen: Seen[] = [];
  let stream: StringStream | undefined;
  try {
    stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    const s = stream;
    await within(
      40_000,
      `consume ${n} from ${topic}`,
      new Promise<void>((resolve, reject) => {
        s.on('error', reject);
        s.on('data', (m: StringMessage) => {
          seen.push(toSeen(m));
          if (seen.length === n) resolve();
        });
      }),
    ).catch((err: Error) => {
      throw new Error(`${err.message} (consumed ${seen.length})`);
    });
  } finally {
    await stream?.close();
    await consumer.close(true);
  }
  return seen;
}

for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
  test(`@platformatic/kafka: 10,000 keyed messages (${codec}) round-trip with per-partition order`, { timeout: TEST_TIMEOUT }, async () => {
    const topic = `plt-${codec}`;
    await createTopic(topic);
    await produce(topic, 0, N, codec);
    assert.deepEqual(storedCodecs(topic), new Set([CODEC_IDS[codec]]), `batches are stored as ${codec}`);
    const seen = await readAll(topic, N);
    assertCompleteAndOrdered(seen, N, `@platformatic/kafka ${codec}`);
    assert.equal(new Set(seen.map((s) => s.partition)).size, 3, 'the keys spread over all three partitions');
  });
}

test('@platformatic/kafka: a group of three where a member joins and another leaves mid-stream', { timeout: TEST_TIMEOUT }, async () => {
  const topic = 'plt-group';
  const groupId = 'plt-group-g';
  await createTopic(topic);
  await produce(topic, 0, 2000);

  const seen = new Set<string>();
  const assigned = new Map<string, number>();
  const received = new Map<string, number>();
  const members = new Map<string, { consumer: Consumer<string, string, string, string>; stream: StringStream }>();
  const errors: Error[] = [];
  let commitFailures = 0;
  const startMember = async (name: string) => {
    const consumer = newConsumer(groupId, `compat-plt-${name}`);
    consumer.on('consumer:group:join', (e: { assignments?: Array<{ topic: string; partitions: number[] }> }) => {
      assigned.set(name, (e.assignments ?? []).filter((a) => a.topic === topic).reduce((s, a) => s + a.partitions.length, 0));
    });
    const stream = await within(
      20_000,
      `member ${name} joins`,
      consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: false }),
    );
    stream.on('error', (err: Error) => errors.push(err));
    let count = 0;
    stream.on('data', (m: StringMessage) => {
      assert.equal(m.key, keyOf(Number(m.value.split('-')[1])), `key of ${m.value}`);
      seen.add(m.value);
      received.set(name, ++count);
      // Commit what was processed (at-least-once): a rebalance can fail a commit, which the next
      // processed message of that partition retries, so failures are only counted.
      m.commit((err?: Error) => {
        if (err) commitFailures++;
      });
      if (count % 50 === 0) {
        // Consume slowly (~5,000/s per member) so the group changes while partitions have work left.
        stream.pause();
        setTimeout(() => stream.resume(), 10);
      }
    });
    members.set(name, { consumer, stream });
  };
  const stopMember = async (name: string) => {
    const m = members.get(name)!;
    members.delete(name);
    await within(15_000, `member ${name} leaves`, (async () => {
      await m.stream.close();
      await m.consumer.close();
    })());
  };

  try {
    await startMember('a');
    await startMember('b');
    await waitFor(() => seen.size > 300, 'first messages');
    await startMember('c');
    await waitFor(() => assigned.has('c'), 'c to join');
    await produce(topic, 2000, 2000);
    await waitFor(() => seen.size > 2500, 'messages after c joined');
    await stopMember('b');
    await produce(topic, 4000, 2000);
    await waitFor(() => seen.size === 6000, () => `all 6000 messages (have ${seen.size})`);
    assert.equal(seen.size, 6000);
    assert.ok(assigned.get('c')! >= 1, 'c received partitions when it joined');
    assert.ok((received.get('b') ?? 0) > 0 && (received.get('c') ?? 0) > 0, `b and c consumed: ${[...received].join(' ')}`);

    // Committed offsets (each member commits what it processed) reach the end offsets.
    const listed = await admin.listOffsets({
      topics: [{ name: topic, partitions: [0, 1, 2].map((p) => ({ partitionIndex: p, timestamp: -1n })) }],
    });
    const ends = listed[0]!.partitions.map((p) => [p.partitionIndex, p.offset] as const).sort((x, y) => x[0] - y[0]);
    assert.equal(ends.reduce((s, [, o]) => s + o, 0n), 6000n);
    let committed: Array<readonly [number, bigint]> = [];
    await waitFor(async () => {
      const groups = await admin.listConsumerGroupOffsets({ groups: [groupId] });
      committed = (groups[0]?.topics.find((t) => t.name === topic)?.partitions ?? [])
        .map((p) => [p.partitionIndex, p.committedOffset] as const)
        .sort((x, y) => x[0] - y[0]);
      return JSON.stringify(committed, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ===
        JSON.stringify(ends, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    }, 'committed offsets to reach the end offsets', 15_000).catch((err: Error) => {
      throw new Error(`${err.message}: committed ${committed.join(' ')}, ends ${ends.join(' ')}`);
    });
    assert.deepEqual(committed, ends);

    // The consumer sees the same committed offsets through its own API.
    const viaConsumer = await members.get('a')!.consumer.listCommittedOffsets({ topics: [{ topic, partitions: [0, 1, 2] }] });
    assert.deepEqual(viaConsumer.get(topic), ends.map(([, o]) => o));
    const groups = await admin.listGroups();
    assert.ok(groups.has(groupId), 'the group is listed');
    const described = (await admin.describeGroups({ groups: [groupId] })).get(groupId)!;
    assert.equal(described.members.size, 2, 'a and c remain in the group');
  } finally {
    for (const name of [...members.keys()]) await stopMember(name);
  }
  assert.deepEqual(errors, [], 'no stream errors');
});

test('@platformatic/kafka: list, describe and delete topics', { timeout: TEST_TIMEOUT }, async () => {
  await createTopic('plt-admin-a');
  await createTopic('plt-admin-b', 5);
  const topics = await admin.listTopics();
  assert.ok(topics.includes('plt-admin-a') && topics.includes('plt-admin-b'), `listed: ${topics.join(', ')}`);
  const meta = await admin.metadata({ topics: ['plt-admin-a', 'plt-admin-b'] });
  assert.equal(meta.topics.get('plt-admin-a')!.partitionsCount, 3);
  assert.equal(meta.topics.get('plt-admin-b')!.partitionsCount, 5);
  for (const p of meta.topics.get('plt-admin-b')!.partitions) assert.ok(meta.brokers.has(p.leader), 'each partition has a known leader');
  const [broker0] = [...meta.brokers.values()];
  assert.equal(`${broker0!.host}:${broker0!.port}`, broker.bootstrap);

  // null: no manual assignment (an empty list asks for none of the new partitions, which Kafka refuses).
  await admin.createPartitions({ topics: [{ name: 'plt-admin-a', count: 4, assignments: null }] });
  const grown = await admin.metadata({ topics: ['plt-admin-a'], forceUpdate: true });
  assert.equal(grown.topics.get('plt-admin-a')!.partitionsCount, 4);

  await admin.deleteTopics({ topics: ['plt-admin-a', 'plt-admin-b'] });
  const after = await admin.listTopics();
  assert.ok(!after.includes('plt-admin-a') && !after.includes('plt-admin-b'), `still listed: ${after.join(', ')}`);
  const once = new Admin({ clientId: 'compat-plt-admin-once', bootstrapBrokers: [broker.bootstrap], retries: false });
  try {
    await assert.rejects(once.deleteTopics({ topics: ['plt-admin-a'] }), 'deleting a missing topic fails');
  } finally {
    await once.close();
  }
});
