import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker } from '../../helpers/broker.ts';
import { assertCompleteAndOrdered, keyOf, type Seen } from '../../compat/delivery-check.ts';
import { ApiKey, decodeResponse, encodeRequest, ErrorCode } from '../../../src/protocol/index.ts';
import { crc32c } from '@node-rs/crc32';
import { ATTRIBUTES, buildBatch, CRC, MAGIC } from '../../../src/protocol/records/index.ts';

// Hostile input over raw TCP: truncated, oversized and garbage frames, unknown api keys and
// versions, corrupt record batches and thousands of seeded mutations of valid requests, while a
// normal kafkajs client produces and consumes. Nothing a client sends may crash the broker, hang
// it, or disturb other clients; bad frames cost the sender its connection and nothing more.

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const MAX_FRAME = 1024 * 1024;
const SEED = Number(process.env.SLUICE_FUZZ_SEED ?? 20251124);
const CASES = Number(process.env.SLUICE_FUZZ_CASES ?? 4000);
const NORMAL = 'normal';
const HOSTILE = 'hostile';
/** Correlation ids of the valid ApiVersions sent before and after each hostile frame (its own is 2). */
const PROBE_A = 0x5a5a0001;
const PROBE_B = 0x5a5a0003;

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let kafka: Kafka;
const crashes: unknown[] = [];
const onCrash = (err: unknown) => crashes.push(err);

before(async () => {
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  broker = await startTestBroker({ maxFrameBytes: MAX_FRAME });
  kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'hostile-normal', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: NORMAL, numPartitions: 3 }, { topic: HOSTILE, numPartitions: 2 }] });
  await admin.disconnect();
});
after(async () => {
  await broker.stop();
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
});

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with SLUICE_FUZZ_SEED. */
function prng(seed: number): { next(): number; int(n: number): number; bytes(n: number): Buffer; pick<T>(xs: readonly T[]): T } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => int(256))),
    pick: (xs) => xs[int(xs.length)]!,
  };
}

interface Outcome {
  /** The broker closed the connection. */
  closed: boolean;
  /** Neither closed nor fully answered when the wait ended (e.g. a long-poll fetch). */
  pending: boolean;
  responses: Array<{ correlationId: number; frame: Buffer }>;
}

/**
 * Opens a connection, writes `chunks` (with `gapMs` between them; then half-closes with `end`),
 * and collects size-prefixed response frames until the broker closes, `expect` responses have
 * arrived, or `waitMs` passes.
 */
function exchange(chunks: Buffer[], opts: { expect: number; waitMs?: number; gapMs?: number; end?: boolean }): Promise<Outcome> {
  const { expect, waitMs = 1500, gapMs = 0, end = false } = opts;
  return new Promise((resolve, reject) => {
    const socket = connect(broker.port, '127.0.0.1');
    const out: Outcome = { closed: false, pending: false, responses: [] };
    let buffered = Buffer.alloc(0);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(out);
    };
    const timer = setTimeout(() => {
      out.pending = true;
      finish();
    }, waitMs);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A reset while we still write is the broker closing on us; anything else is unexpected.
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') out.closed = true;
      else if (!done) {
        done = true;
        clearTimeout(timer);
        reject(err);
      }
    });
    socket.on('data', (d: Buffer) => {
      buffered = Buffer.concat([buffered, d]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
        const size = buffered.readInt32BE(0);
        const frame = buffered.subarray(4, 4 + size);
        out.responses.push({ correlationId: frame.readInt32BE(0), frame });
        buffered = buffered.subarray(4 + size);
      }
      if (out.responses.length >= expect) finish();
    });
    socket.on('end', () => {
      out.closed = true;
      finish();
    });
    socket.on('close', () => {
      out.closed = true;
      finish();
    });
    socket.once('connect', async () => {
      for (const c of chunks) {
        if (done || socket.destroyed) return;
        socket.write(c);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
      if (end && !done && !socket.destroyed) socket.end();
    });
  });
}

const apiVersions = (correlationId: number) => encodeRequest(ApiKey.ApiVersions, 3, correlationId, 'hostile', { clientSoftwareName: 'hostile', clientSoftwareVersion: '1.0' });

function recordsOf(n: number, compression = 0): Buffer {
  return buildBatch({
    compression,
    records: Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`hostile-${i}`), timestamp: BigInt(Date.now()) })),
  });
}

function produceRequest(version: number, correlationId: number, partitions: Array<{ index: number; records: Buffer | null }>, acks = -1): Buffer {
  return encodeRequest(ApiKey.Produce, version, correlationId, 'hostile', {
    transactionalId: null,
    acks,
    timeoutMs: 5000,
    topicData: [{ name: HOSTILE, partitionData: partitions }],
  });
}

interface ProduceAnswer {
  responses: Array<{ name: string; partitionResponses: Array<{ index: number; errorCode: number; baseOffset: bigint }> }>;
}

test('ApiVersions of an unsupported version (v99) gets a v0 answer with UNSUPPORTED_VERSION and the api list', { timeout: 10_000 }, async () => {
  // A v99 request as a new client would send it: flexible header (client id, empty tags), body.
  const body = Buffer.concat([Buffer.from([0x02, 0x78]), Buffer.from([0x02, 0x31]), Buffer.from([0x00])]); // compact 'x', '1', no tags
  const header = Buffer.alloc(2 + 2 + 4 + 2 + 7 + 1);
  header.writeInt16BE(ApiKey.ApiVersions, 0);
  header.writeInt16BE(99, 2);
  header.writeInt32BE(4242, 4);
  header.writeInt16BE(7, 8);
  header.write('hostile', 10, 'latin1');
  header.writeUInt8(0, 17);
  const frame = Buffer.concat([Buffer.alloc(4), header, body]);
  frame.writeInt32BE(frame.length - 4, 0);
  // Then a v3 request on the same connection: the client downgrades and carries on.
  const out = await exchange([frame, apiVersions(4243)], { expect: 2 });
  assert.equal(out.responses.length, 2, `answered both (closed: ${out.closed})`);
  const v0 = decodeResponse(ApiKey.ApiVersions, 0, out.responses[0]!.frame);
  assert.equal(v0.correlationId, 4242);
  const b0 = v0.body as { errorCode: number; apiKeys: Array<{ apiKey: number; minVersion: number; maxVersion: number }> };
  assert.equal(b0.errorCode, ErrorCode.UNSUPPORTED_VERSION);
  assert.equal(b0.errorCode, 35);
  const produce = b0.apiKeys.find((k) => k.apiKey === ApiKey.Produce);
  const versions = b0.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions);
  assert.ok(produce && produce.maxVersion >= 9, 'the api list names Produce');
  assert.ok(versions && versions.minVersion === 0 && versions.maxVersion >= 3 && versions.maxVersion < 99, 'and the ApiVersions range');
  const v3 = decodeResponse(ApiKey.ApiVersions, 3, out.responses[1]!.frame);
  assert.equal(v3.correlationId, 4243);
  assert.equal((v3.body as { errorCode: number }).errorCode, ErrorCode.NONE);
});

test('Produce with a bad CRC, a wrong magic or broken framing gets a per-partition error, not a crash', { timeout: 10_000 }, async () => {
  const good = recordsOf(3);
  const badCrc = Buffer.from(good);
  badCrc.writeUInt32BE((badCrc.readUInt32BE(CRC) ^ 0x1) >>> 0, CRC);
  const magic1 = Buffer.from(good);
  magic1.writeInt8(1, MAGIC);
  const magic3 = Buffer.from(good);
  magic3.writeInt8(3, MAGIC);
  const badBody = Buffer.from(good);
  badBody[badBody.length - 2]! ^= 0x40; // record bytes changed, CRC left as it was
  const tooLong = Buffer.from(good);
  tooLong.writeInt32BE(tooLong.readInt32BE(8) + 100, 8); // batch length runs past the records
  const cases: Array<[string, Buffer, number[]]> = [
    ['bad CRC', badCrc, [ErrorCode.CORRUPT_MESSAGE]],
    ['flipped record byte', badBody, [ErrorCode.CORRUPT_MESSAGE]],
    ['magic 1', magic1, [ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, ErrorCode.CORRUPT_MESSAGE]],
    ['magic 3', magic3, [ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, ErrorCode.CORRUPT_MESSAGE]],
    ['batch length past the end', tooLong, [ErrorCode.CORRUPT_MESSAGE]],
    ['truncated batch', good.subarray(0, 40), [ErrorCode.CORRUPT_MESSAGE, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT]],
  ];
  for (const version of [3, 9]) {
    for (const [what, bad, codes] of cases) {
      // Partition 0 gets the bad batch, partition 1 a good one: each is judged on its own.
      const out = await exchange([produceRequest(version, 7, [{ index: 0, records: bad }, { index: 1, records: good }]), apiVersions(8)], { expect: 2 });
      assert.equal(out.responses.length, 2, `v${version} ${what}: answered, connection kept`);
      const answer = decodeResponse(ApiKey.Produce, version, out.responses[0]!.frame).body as ProduceAnswer;
      const [p0, p1] = answer.responses[0]!.partitionResponses;
      assert.ok(codes.includes(p0!.errorCode), `v${version} ${what}: error ${p0!.errorCode}, expected one of ${codes.join('/')}`);
      assert.equal(p1!.errorCode, ErrorCode.NONE, `v${version} ${what}: the good partition is accepted`);
    }
  }
  // acks=0 with a corrupt batch: no answer, and the connection stays usable.
  const quiet = await exchange([produceRequest(9, 9, [{ index: 0, records: badCrc }], 0), apiVersions(10)], { expect: 1 });
  assert.deepEqual(quiet.responses.map((r) => r.correlationId), [10]);
  // Nothing of the rejected batches was stored: partition 0 is empty, partition 1 holds the good ones.
  const admin = kafka.admin();
  await admin.connect();
  const ends = (await admin.fetchTopicOffsets(HOSTILE)).sort((a, b) => a.partition - b.partition).map((o) => Number(o.high));
  await admin.disconnect();
  assert.deepEqual(ends, [0, 2 * cases.length * 3]);
});

test('transactional data outside a transaction and client control batches are refused: no hanging transaction', { timeout: 10_000 }, async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'txn-rogue', numPartitions: 1 }] });
  const send = async (records: Buffer, transactionalId: string | null) => {
    const req = encodeRequest(ApiKey.Produce, 3, 21, 'hostile', { transactionalId, acks: -1, timeoutMs: 5000, topicData: [{ name: 'txn-rogue', partitionData: [{ index: 0, records }] }] });
    const out = await exchange([req], { expect: 1 });
    assert.equal(out.responses.length, 1);
    return (decodeResponse(ApiKey.Produce, 3, out.responses[0]!.frame).body as ProduceAnswer).responses[0]!.partitionResponses[0]!.errorCode;
  };
  const rogue = (control: boolean) =>
    buildBatch({ transactional: true, control, producerId: 4242n, producerEpoch: 0, baseSequence: 0, records: [{ key: null, value: Buffer.from('rogue'), timestamp: 1n }] });
  // A producer id the coordinator never handed out, with or without a transactional id.
  assert.notEqual(await send(rogue(false), null), ErrorCode.NONE, 'no transactional id');
  assert.notEqual(await send(rogue(false), 'never-initialised'), ErrorCode.NONE, 'unknown transactional id');
  assert.equal(await send(rogue(true), null), ErrorCode.INVALID_RECORD, 'control batch from a client');
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'txn-rogue', acks: -1, messages: [{ value: 'after-1' }, { value: 'after-2' }] });
  await producer.disconnect();
  // read_committed sees up to the log end: the last stable offset is not held back.
  const [committed] = await admin.fetchTopicOffsets('txn-rogue').then((o) => o.map((x) => Number(x.high)));
  const listed = encodeRequest(ApiKey.ListOffsets, 2, 22, 'hostile', { replicaId: -1, isolationLevel: 1, topics: [{ name: 'txn-rogue', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
  const out = await exchange([listed], { expect: 1 });
  const lso = (decodeResponse(ApiKey.ListOffsets, 2, out.responses[0]!.frame).body as { topics: Array<{ partitions: Array<{ offset: bigint }> }> }).topics[0]!.partitions[0]!.offset;
  await admin.disconnect();
  assert.equal(committed, 2, 'only the two ordinary records were stored');
  assert.equal(Number(lso), 2, 'the last stable offset is the log end');
});

test('a client pipelining more parked requests than the in-flight limit is paused, then answered in order', { timeout: 60_000 }, async () => {
  // 500 long-poll fetches with nothing to return (the broker parks each for 300 ms), sent in
  // one write, then 1,000 ApiVersions: the broker stops reading at 100 unanswered requests and
  // resumes as they complete. Meanwhile a second connection is answered at once.
  const fetch = (id: number) =>
    encodeRequest(ApiKey.Fetch, 4, id, 'hostile', {
      replicaId: -1,
      maxWaitMs: 300,
      minBytes: 1,
      maxBytes: 1 << 16,
      isolationLevel: 0,
      topics: [{ topic: 'parked', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 16 }] }],
    });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'parked', numPartitions: 1 }] });
  await admin.disconnect();
  const ids = Array.from({ length: 1500 }, (_, i) => i + 1);
  const frames = Buffer.concat(ids.map((id) => (id <= 500 ? fetch(id) : apiVersions(id))));
  const pipelined = exchange([frames], { expect: ids.length, waitMs: 45_000 });
  await new Promise((r) => setTimeout(r, 50));
  const other = await exchange([apiVersions(9)], { expect: 1, waitMs: 2000 });
  assert.deepEqual(other.responses.map((x) => x.correlationId), [9], 'another client is not held up');
  const started = Date.now();
  const out = await pipelined;
  assert.equal(out.responses.length, ids.length, `all answered (closed: ${out.closed}, pending: ${out.pending})`);
  assert.ok(Date.now() - started >= 200, 'the fetches were parked');
  assert.deepEqual(out.responses.map((x) => x.correlationId), ids, 'in request order');
});

test('a long-poll Fetch whose topic is deleted meanwhile is answered, and the broker lives on', { timeout: 10_000 }, async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'doomed', numPartitions: 1 }] });
  const fetch = encodeRequest(ApiKey.Fetch, 4, 11, 'hostile', {
    replicaId: -1,
    maxWaitMs: 800,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    topics: [{ topic: 'doomed', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
  });
  const answered = exchange([fetch], { expect: 1, waitMs: 5000 });
  await new Promise((r) => setTimeout(r, 200));
  await admin.deleteTopics({ topics: ['doomed'] });
  await admin.disconnect();
  const out = await answered;
  assert.equal(out.responses.length, 1, `answered (closed: ${out.closed})`);
  const body = decodeResponse(ApiKey.Fetch, 4, out.responses[0]!.frame).body as { responses: Array<{ partitions: Array<{ errorCode: number }> }> };
  assert.equal(body.responses[0]!.partitions[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.deepEqual(crashes, []);
});

/** Valid requests of many APIs (read-mostly: no topic creation or deletion by request). */
function validRequests(): Array<{ name: string; frame: Buffer }> {
  const c = 2; // the hostile frame's correlation id
  const enc = (api: number, v: number, body: object) => ({ name: `${api}v${v}`, frame: encodeRequest(api, v, c, 'hostile', body) });
  const fetchBody = {
    replicaId: -1,
    maxWaitMs: 50,
    minBytes: 1,
    maxBytes: 1 << 16,
    isolationLevel: 0,
    topics: [{ topic: HOSTILE, partitions: [{ partition: 1, fetchOffset: 0n, partitionMaxBytes: 1 << 16 }] }],
  };
  const offsets = { groupId: 'hostile-g', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: HOSTILE, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: '' }] }] };
  const join = { groupId: 'hostile-g', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 1000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from([0, 1, 0, 0, 0, 0]) }] };
  return [
    enc(ApiKey.ApiVersions, 0, {}),
    enc(ApiKey.ApiVersions, 3, { clientSoftwareName: 'h', clientSoftwareVersion: '1' }),
    enc(ApiKey.Metadata, 1, { topics: [{ name: HOSTILE }] }),
    enc(ApiKey.Metadata, 9, { topics: [{ name: HOSTILE }], allowAutoTopicCreation: false }),
    enc(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: true }),
    { name: 'produce v3', frame: produceRequest(3, c, [{ index: 0, records: recordsOf(2) }]) },
    { name: 'produce v9', frame: produceRequest(9, c, [{ index: 1, records: recordsOf(2, 1) }]) },
    enc(ApiKey.Fetch, 4, fetchBody),
    enc(ApiKey.Fetch, 11, { ...fetchBody, rackId: '' }),
    enc(ApiKey.Fetch, 12, fetchBody),
    enc(ApiKey.ListOffsets, 1, { replicaId: -1, topics: [{ name: HOSTILE, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] }),
    enc(ApiKey.ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: HOSTILE, partitions: [{ partitionIndex: 1, timestamp: -2n }] }] }),
    enc(ApiKey.FindCoordinator, 1, { key: 'hostile-g', keyType: 0 }),
    enc(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['hostile-g'] }),
    enc(ApiKey.JoinGroup, 5, { ...join, groupInstanceId: null }),
    enc(ApiKey.JoinGroup, 9, { ...join, groupInstanceId: null, reason: null }),
    enc(ApiKey.SyncGroup, 3, { groupId: 'hostile-g', generationId: 1, memberId: 'm', groupInstanceId: null, assignments: [] }),
    enc(ApiKey.Heartbeat, 4, { groupId: 'hostile-g', generationId: 1, memberId: 'm', groupInstanceId: null }),
    enc(ApiKey.LeaveGroup, 3, { groupId: 'hostile-g', members: [{ memberId: 'm', groupInstanceId: null }] }),
    enc(ApiKey.OffsetCommit, 2, { ...offsets, retentionTimeMs: -1n }),
    enc(ApiKey.OffsetCommit, 8, { ...offsets, groupInstanceId: null }),
    enc(ApiKey.OffsetFetch, 1, { groupId: 'hostile-g', topics: [{ name: HOSTILE, partitionIndexes: [0, 1] }] }),
    enc(ApiKey.OffsetFetch, 8, { groups: [{ groupId: 'hostile-g', topics: null }], requireStable: false }),
    enc(ApiKey.DescribeGroups, 5, { groups: ['hostile-g'], includeAuthorizedOperations: false }),
    enc(ApiKey.ListGroups, 4, { statesFilter: [] }),
    enc(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 }),
    enc(ApiKey.OffsetForLeaderEpoch, 3, { replicaId: -1, topics: [{ topic: HOSTILE, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] }),
    enc(ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: 2, resourceName: HOSTILE, configurationKeys: null }], includeSynonyms: false, includeDocumentation: false }),
    enc(ApiKey.DescribeCluster, 0, { includeClusterAuthorizedOperations: false }),
  ];
}

type Kind =
  | 'garbage'
  | 'big-garbage'
  | 'oversized'
  | 'negative-size'
  | 'unknown-api'
  | 'bad-version'
  | 'truncated'
  | 'cut-body'
  | 'mutated'
  | 'corrupt-batch'
  | 'crc-valid-batch';

interface Case {
  kind: Kind;
  what: string;
  /** The hostile bytes (size prefix included, possibly lying). */
  bytes: Buffer;
  /** Write the hostile bytes and stop (half-close) instead of following them with probe B. */
  endAfter: boolean;
  /** For corrupt-batch: offset of the flipped byte inside the batch. */
  flippedAt?: number;
  chunked: boolean;
}

function withSize(body: Buffer, size = body.length): Buffer {
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(size, 0);
  body.copy(out, 4);
  return out;
}

function makeCases(seed: number, n: number): Case[] {
  const r = prng(seed);
  const valid = validRequests();
  const known = new Set<number>(Object.values(ApiKey));
  const unknownKeys = [-1, 4, 5, 6, 7, 17, 27, 29, 38, 50, 67, 99, 1000, 32767, -32768].filter((k) => !known.has(k));
  const goodBatch = recordsOf(4);
  const gzipBatch = recordsOf(4, 1);
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    const x = r.next();
    const chunked = r.next() < 0.2;
    const base = r.pick(valid);
    if (x < 0.18) {
      const body = r.bytes(r.int(257));
      cases.push({ kind: 'garbage', what: `${body.length} random bytes`, bytes: withSize(body), endAfter: false, chunked });
    } else if (x < 0.19) {
      const body = r.bytes(64 * 1024 + r.int(MAX_FRAME - 64 * 1024));
      cases.push({ kind: 'big-garbage', what: `${body.length} random bytes`, bytes: withSize(body), endAfter: false, chunked: false });
    } else if (x < 0.24) {
      const size = MAX_FRAME + 1 + r.int(0x7fffffff - MAX_FRAME - 1);
      cases.push({ kind: 'oversized', what: `declared ${size} bytes`, bytes: withSize(r.bytes(r.int(64)), size), endAfter: false, chunked });
    } else if (x < 0.26) {
      const size = -1 - r.int(0x7fffffff);
      cases.push({ kind: 'negative-size', what: `declared ${size} bytes`, bytes: withSize(r.bytes(r.int(64)), size), endAfter: false, chunked });
    } else if (x < 0.31) {
      const body = Buffer.from(base.frame.subarray(4));
      const key = r.pick(unknownKeys);
      body.writeInt16BE(key, 0);
      cases.push({ kind: 'unknown-api', what: `api key ${key}`, bytes: withSize(body), endAfter: false, chunked });
    } else if (x < 0.36) {
      const body = Buffer.from(base.frame.subarray(4));
      const apiKey = body.readInt16BE(0);
      if (apiKey === ApiKey.ApiVersions) continue; // answered on purpose (see the v99 test)
      const version = r.next() < 0.5 ? 100 + r.int(30000) : -1 - r.int(32767);
      body.writeInt16BE(version, 2);
      cases.push({ kind: 'bad-version', what: `api ${apiKey} v${version}`, bytes: withSize(body), endAfter: false, chunked });
    } else if (x < 0.43) {
      const cut = 1 + r.int(base.frame.length - 1);
      cases.push({ kind: 'truncated', what: `${base.name}: ${cut} of ${base.frame.length} bytes, then EOF`, bytes: base.frame.subarray(0, cut), endAfter: true, chunked });
    } else if (x < 0.53) {
      const body = base.frame.subarray(4, 4 + r.int(base.frame.length - 4));
      cases.push({ kind: 'cut-body', what: `${base.name} cut to ${body.length} bytes`, bytes: withSize(body), endAfter: false, chunked });
    } else if (x < 0.85) {
      const body = Buffer.from(base.frame.subarray(4));
      const flips = 1 + r.int(4);
      const where: number[] = [];
      for (let f = 0; f < flips; f++) {
        const at = r.int(body.length);
        where.push(at);
        body[at] = r.next() < 0.5 ? body[at]! ^ (1 << r.int(8)) : r.int(256);
      }
      cases.push({ kind: 'mutated', what: `${base.name} bytes ${where.join(',')} changed`, bytes: withSize(body), endAfter: false, chunked });
    } else if (x < 0.9) {
      // A batch changed anywhere after its CRC field and then re-signed: the CRC holds, so the
      // header fields (codec, transactional/control bits, producer id, counts) and the records
      // themselves are what the broker has to cope with.
      const batch = Buffer.from(r.next() < 0.5 ? goodBatch : gzipBatch);
      const flips = 1 + r.int(3);
      const where: number[] = [];
      for (let f = 0; f < flips; f++) {
        const at = ATTRIBUTES + r.int(batch.length - ATTRIBUTES);
        where.push(at);
        batch[at] = r.next() < 0.5 ? batch[at]! ^ (1 << r.int(8)) : r.int(256);
      }
      batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES)), CRC);
      cases.push({
        kind: 'crc-valid-batch',
        what: `batch bytes ${where.join(',')} changed, CRC recomputed`,
        bytes: produceRequest(r.next() < 0.5 ? 3 : 9, 2, [{ index: 0, records: batch }]),
        endAfter: false,
        chunked,
      });
    } else {
      const batch = Buffer.from(goodBatch);
      const at = r.int(batch.length);
      batch[at] = batch[at]! ^ (1 + r.int(255));
      cases.push({
        kind: 'corrupt-batch',
        what: `batch byte ${at} changed`,
        bytes: produceRequest(r.next() < 0.5 ? 3 : 9, 2, [{ index: 0, records: batch }]),
        endAfter: false,
        flippedAt: at,
        chunked,
      });
    }
  }
  return cases;
}

function chunksOf(bytes: Buffer, r: ReturnType<typeof prng>): Buffer[] {
  const out: Buffer[] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const n = 1 + r.int(64);
    out.push(bytes.subarray(pos, pos + n));
    pos += n;
  }
  return out;
}

/** Checks one case's outcome; returns a short label for the statistics. */
function judge(c: Case, out: Outcome): string {
  const ids = out.responses.map((x) => x.correlationId);
  const label = `${c.kind} (${c.what}) → responses ${ids.join(',') || 'none'}${out.closed ? ', closed' : ''}${out.pending ? ', pending' : ''}`;
  // Responses come in request order: probe A first; probe B, if answered, last.
  assert.ok(ids.length <= 3, label);
  if (ids.length > 0) assert.equal(ids[0], PROBE_A, `${label}: probe A is answered first`);
  if (ids.includes(PROBE_B)) assert.equal(ids[ids.length - 1], PROBE_B, `${label}: probe B is answered last`);
  for (const x of out.responses) {
    if (x.correlationId !== PROBE_A && x.correlationId !== PROBE_B) continue;
    const probe = decodeResponse(ApiKey.ApiVersions, 3, x.frame).body as { errorCode: number };
    assert.equal(probe.errorCode, ErrorCode.NONE, `${label}: probe answer`);
  }
  const probeB = ids.includes(PROBE_B);
  const hostileAnswered = ids.length - (ids[0] === PROBE_A ? 1 : 0) - (probeB ? 1 : 0) > 0;
  switch (c.kind) {
    case 'oversized':
    case 'negative-size':
    case 'unknown-api':
    case 'bad-version':
    case 'truncated':
      // Refused: the connection is closed and nothing after probe A is answered.
      assert.ok(out.closed, `${label}: the connection is closed`);
      assert.ok(!hostileAnswered && !probeB, `${label}: nothing answered after probe A`);
      return `${c.kind}: closed`;
    case 'corrupt-batch': {
      assert.ok(hostileAnswered && probeB, `${label}: answered, connection kept`);
      const answer = decodeResponse(ApiKey.Produce, c.bytes.readInt16BE(6), out.responses[1]!.frame).body as ProduceAnswer;
      const code = answer.responses[0]!.partitionResponses[0]!.errorCode;
      // Base offset (0-7) and partition leader epoch (12-15) are outside the CRC and harmless.
      const outsideCrc = c.flippedAt! < 8 || (c.flippedAt! >= 12 && c.flippedAt! < 16);
      if (outsideCrc) assert.equal(code, ErrorCode.NONE, `${label}: accepted`);
      else assert.ok([ErrorCode.CORRUPT_MESSAGE, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, ErrorCode.INVALID_RECORD].includes(code as never), `${label}: error ${code}`);
      return `corrupt-batch: error ${code}`;
    }
    case 'crc-valid-batch': {
      // Well framed and signed: judged per partition, never by dropping the connection.
      assert.ok(hostileAnswered && probeB, `${label}: answered, connection kept`);
      const answer = decodeResponse(ApiKey.Produce, c.bytes.readInt16BE(6), out.responses[1]!.frame).body as ProduceAnswer;
      return `crc-valid-batch: error ${answer.responses[0]!.partitionResponses[0]!.errorCode}`;
    }
    default:
      return `${c.kind}: ${out.closed ? 'closed' : hostileAnswered ? 'answered' : out.pending ? 'pending' : 'no answer'}`;
  }
}

test(`thousands of hostile frames (seed ${SEED}) next to a normal client: no crash, no hang, normal traffic intact`, { timeout: 180_000 }, async (t) => {
  const started = Date.now();
  const cases = makeCases(SEED, CASES);
  const r = prng(SEED ^ 0x9e3779b9);
  // Some frames arrive in small pieces, a few of them slowly (a byte-dribbling client).
  const plans = cases.map((c) => ({ c, chunks: c.chunked ? chunksOf(c.bytes, r) : [c.bytes], gapMs: c.chunked && r.next() < 0.2 ? 1 : 0 }));

  // The normal client: 6,000 keyed records in small batches while the fuzzing runs, read back by a group.
  const N = 6000;
  const producer = kafka.producer();
  await producer.connect();
  const producing = (async () => {
    for (let start = 0; start < N; start += 200) {
      const messages = Array.from({ length: 200 }, (_, j) => ({ key: keyOf(start + j), value: `value-${start + j}` }));
      await producer.send({ topic: NORMAL, acks: -1, messages });
      await new Promise((res) => setTimeout(res, 20));
    }
  })();
  const consumer = kafka.consumer({ groupId: 'normal-g', maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: NORMAL, fromBeginning: true });
  const seen: Seen[] = [];
  const consumed = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({ partition, offset: Number(message.offset), key: message.key!.toString(), value: message.value!.toString() });
        if (seen.length === N) resolve();
      },
    });
  });

  try {
    await fuzz(t, plans, started);
    await producing;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      consumed,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`normal consumer read ${seen.length} of ${N}`)), 15_000);
      }),
    ]).finally(() => clearTimeout(timer));
  } finally {
    producing.catch(() => {});
    await producer.disconnect();
    await consumer.disconnect();
  }
  assertCompleteAndOrdered(seen, N, 'normal client next to hostile ones');

  // Still serving: a fresh raw request and a fresh client both work.
  const fresh = await exchange([apiVersions(77)], { expect: 1 });
  assert.deepEqual(fresh.responses.map((x) => x.correlationId), [77]);

  // What the fuzzing got stored (signed batches of garbage records, odd codecs) is still served,
  // and time lookups that decode records in it answer.
  const partitions = [0, 1].map((p) => ({ partition: p, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }));
  const lookups = [
    encodeRequest(ApiKey.Fetch, 4, 78, 'hostile', { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 4 << 20, isolationLevel: 0, topics: [{ topic: HOSTILE, partitions }] }),
    encodeRequest(ApiKey.ListOffsets, 7, 79, 'hostile', {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: HOSTILE, partitions: [0, 1].flatMap((p) => [0n, BigInt(Date.now() - 60_000), -3n].map((timestamp) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp }))) }],
    }),
  ];
  const looked = await exchange(lookups, { expect: 2, waitMs: 5000 });
  assert.deepEqual(looked.responses.map((x) => x.correlationId), [78, 79], `fetch and time lookups over the stored garbage (closed: ${looked.closed})`);
  const fetched = decodeResponse(ApiKey.Fetch, 4, looked.responses[0]!.frame).body as { responses: Array<{ partitions: Array<{ errorCode: number; records: Buffer | null }> }> };
  for (const p of fetched.responses[0]!.partitions) assert.equal(p.errorCode, ErrorCode.NONE);
  assert.ok(fetched.responses[0]!.partitions.some((p) => (p.records?.length ?? 0) > 0), 'the hostile topic holds what was accepted');
  const admin = kafka.admin();
  await admin.connect();
  assert.ok((await admin.listTopics()).includes(NORMAL));
  await admin.disconnect();
  assert.deepEqual(crashes, [], 'no uncaught exception or unhandled rejection');
});

type Plan = { c: Case; chunks: Buffer[]; gapMs: number };

/** Runs the cases over 24 concurrent connections, judging each outcome. */
async function fuzz(t: { diagnostic(msg: string): void }, plans: Plan[], started: number): Promise<void> {
  const stats = new Map<string, number>();
  const pendingExamples: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < plans.length) {
      const { c, chunks, gapMs } = plans[next++]!;
      const frames = c.endAfter ? [apiVersions(PROBE_A), ...chunks] : [apiVersions(PROBE_A), ...chunks, apiVersions(PROBE_B)];
      // Refusals and produce answers are quick, so waiting long for them costs nothing unless
      // something is wrong; other frames may legitimately be parked (a long-poll fetch, a join
      // waiting for other members), so those are given up on sooner.
      const decided = ['oversized', 'negative-size', 'unknown-api', 'bad-version', 'truncated', 'corrupt-batch', 'crc-valid-batch'].includes(c.kind);
      const out = await exchange(frames, { expect: c.endAfter ? 2 : 3, waitMs: decided ? 5000 : 500, gapMs, end: c.endAfter });
      const label = judge(c, out);
      stats.set(label, (stats.get(label) ?? 0) + 1);
      if (out.pending && pendingExamples.length < 5) pendingExamples.push(c.what);
    }
  };
  await Promise.all(Array.from({ length: 24 }, worker));
  t.diagnostic(`${plans.length} hostile cases in ${Date.now() - started} ms`);
  for (const [k, v] of [...stats].sort()) t.diagnostic(`${k}: ${v}`);
  if (pendingExamples.length > 0) t.diagnostic(`parked, e.g.: ${pendingExamples.join('; ')}`);
  assert.ok(stats.size >= 8, 'the cases took many different paths');
}
