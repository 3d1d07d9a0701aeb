import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ApiKey, decodeResponse, encodeRequest, ErrorCode } from '../../../src/protocol/index.ts';
import { buildBatch, decodeBatchRecords, forEachStoredBatch } from '../../../src/protocol/records/index.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { fdBound, normalClientRoundTrip, rssBound, startBrokerChild, type BrokerChild } from './broker-child.ts';
import { open, rawRequest, readFrame } from './raw-client.ts';

// Observed case 6 (disk full): Produce got its connection closed (ENOSPC) instead of an error
// code, so clients retried until they timed out; DeleteTopics answered UNKNOWN_SERVER_ERROR, so
// space could not be freed through Kafka, and the deleted topic came back after a restart. Here
// the broker's log layer runs on a disk of a few MiB (ENOSPC injected at the file layer, a write
// past the capacity writing what fits, as a real disk does): Produce answers KAFKA_STORAGE_ERROR
// and keeps the connection, DeleteRecords and DeleteTopics free space while the disk is full, a
// topic deleted while the registry cannot be written stays deleted after kill -9, the broker
// carries on when space comes back, and no acknowledged record is lost.

const KIB = 1024;
const MIB = 1024 * KIB;
const ENTRY = [fileURLToPath(new URL('./full-disk-broker.ts', import.meta.url))];

function setCapacity(broker: BrokerChild, bytes: number): Promise<void> {
  const before = broker.text().length;
  broker.child.stdin!.write(`capacity ${bytes}\n`);
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (broker.text().slice(before).includes(`capacity ${bytes} used`)) {
        clearInterval(poll);
        resolve();
      }
    }, 20);
  });
}

/** Sends produce requests of one 64 KiB batch on `socket` until one fails; returns the acknowledged values and the error. */
async function produceUntilRefused(socket: Socket, acked: Map<string, number>, start: number, most = 2000): Promise<{ next: number; errorCode: number }> {
  for (let i = start; i < start + most; i++) {
    const value = `m${i}-${'x'.repeat(64 * KIB)}`;
    const records = buildBatch({ records: [{ key: Buffer.from(`m${i}`), value: Buffer.from(value), timestamp: BigInt(Date.now()) }] });
    socket.write(encodeRequest(ApiKey.Produce, 9, i, 'filler', { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'main', partitionData: [{ index: 0, records }] }] }));
    const answer = decodeResponse(ApiKey.Produce, 9, await readFrame(socket, 10_000)).body as { responses: Array<{ partitionResponses: Array<{ errorCode: number; baseOffset: bigint }> }> };
    const p = answer.responses[0]!.partitionResponses[0]!;
    if (p.errorCode !== ErrorCode.NONE) return { next: i + 1, errorCode: p.errorCode };
    acked.set(`m${i}`, Number(p.baseOffset));
  }
  return { next: start + most, errorCode: ErrorCode.NONE };
}

async function produceOn(socket: Socket, topic: string, bytes: number, id: number): Promise<number> {
  const records = buildBatch({ records: [{ key: null, value: Buffer.alloc(bytes, 1), timestamp: BigInt(Date.now()) }] });
  socket.write(encodeRequest(ApiKey.Produce, 9, id, 'filler', { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] }));
  const answer = decodeResponse(ApiKey.Produce, 9, await readFrame(socket, 10_000)).body as { responses: Array<{ partitionResponses: Array<{ errorCode: number }> }> };
  return answer.responses[0]!.partitionResponses[0]!.errorCode;
}

/** Every record of main-0 by key, with its offset. */
async function readMain(bootstrap: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let offset = 0n; ; ) {
    const body = await rawRequest(bootstrap, ApiKey.Fetch, 11, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 8 * MIB, isolationLevel: 0, rackId: '',
      topics: [{ topic: 'main', partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 8 * MIB }] }],
    });
    const p = body.responses[0].partitions[0];
    assert.equal(p.errorCode, ErrorCode.NONE);
    const records: Buffer = p.records;
    if (records.length === 0) return out;
    forEachStoredBatch(records, (pos, size) => {
      for (const r of decodeBatchRecords(records.subarray(pos, pos + size))) {
        out.set(r.key!.toString(), Number(r.offset));
        offset = r.offset + 1n;
      }
    });
  }
}

test('a full disk: KAFKA_STORAGE_ERROR on the same connection, deletions free space, the broker carries on, nothing acknowledged is lost', { timeout: 300_000 }, async () => {
  const data = tempDir('sluice-disk-full-');
  const args = ['--capacity', String(3 * MIB), '--config', `log.segment.bytes=${256 * KIB}`];
  let broker = await startBrokerChild(data.dir, args, ENTRY);
  const acked = new Map<string, number>();
  try {
    const created = await rawRequest(broker.bootstrap, ApiKey.CreateTopics, 5, {
      topics: ['main', 'filler', 'ghost'].map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })),
      timeoutMs: 10_000,
      validateOnly: false,
    });
    assert.ok(created.topics.every((t: { errorCode: number }) => t.errorCode === ErrorCode.NONE));
    const socket = await open(broker.bootstrap);
    for (let i = 0; i < 16; i++) assert.equal(await produceOn(socket, 'filler', 60 * KIB, 10_000 + i), ErrorCode.NONE);
    await normalClientRoundTrip(broker.bootstrap, 'warm-up');
    const baseline = broker.rssBytes();

    // 1. Full: Produce is answered KAFKA_STORAGE_ERROR, and the connection stays usable.
    let round = await produceUntilRefused(socket, acked, 0);
    assert.equal(round.errorCode, ErrorCode.KAFKA_STORAGE_ERROR);
    socket.write(encodeRequest(ApiKey.ApiVersions, 0, 424242, 'filler', {}));
    assert.equal(decodeResponse(ApiKey.ApiVersions, 0, await readFrame(socket, 10_000)).correlationId, 424242, 'same connection still answers');
    const warned = await broker.waitForWarnings('disk full');
    assert.equal(warned.length, 1, 'one warn line');
    assert.match(warned[0]!.msg, /KAFKA_STORAGE_ERROR until space is freed/);

    // 2. DeleteRecords works while full and frees whole segments: produce succeeds again.
    const deleted = await rawRequest(broker.bootstrap, ApiKey.DeleteRecords, 2, { topics: [{ name: 'filler', partitions: [{ partitionIndex: 0, offset: -1n }] }], timeoutMs: 5000 });
    assert.equal(deleted.topics[0].partitions[0].errorCode, ErrorCode.NONE);
    round = await produceUntilRefused(socket, acked, round.next);
    assert.equal(round.errorCode, ErrorCode.KAFKA_STORAGE_ERROR);
    const afterRecords = acked.size;

    // 3. DeleteTopics works while full and frees the rest.
    const dropped = await rawRequest(broker.bootstrap, ApiKey.DeleteTopics, 4, { topicNames: ['filler'], timeoutMs: 5000 });
    assert.equal(dropped.responses[0].errorCode, ErrorCode.NONE);
    round = await produceUntilRefused(socket, acked, round.next);
    assert.ok(acked.size > afterRecords, 'deleting the topic made room');

    // 4. Space comes back: the same broker, no restart, takes writes again.
    await setCapacity(broker, 64 * MIB);
    round = await produceUntilRefused(socket, acked, round.next, 20);
    assert.equal(round.errorCode, ErrorCode.NONE, 'with room again, 20 more writes succeed');
    await normalClientRoundTrip(broker.bootstrap, 'after the disk filled and emptied');
    assert.ok(broker.rssBytes() <= rssBound(baseline, 10), `RSS ${broker.rssBytes()}`);
    assert.ok(broker.openFds() <= fdBound(1000, 10), `${broker.openFds()} descriptors`);

    // 5. Full to the last byte: deleting an empty topic cannot rewrite the registry, yet succeeds...
    await setCapacity(broker, 0);
    const ghost = await rawRequest(broker.bootstrap, ApiKey.DeleteTopics, 4, { topicNames: ['ghost'], timeoutMs: 5000 });
    assert.equal(ghost.responses[0].errorCode, ErrorCode.NONE);
    assert.equal(await produceOn(socket, 'main', 100, 99_999), ErrorCode.KAFKA_STORAGE_ERROR);
    socket.destroy();

    // 6. ...and a kill -9 before the registry could be written does not bring it back; every acknowledged record is there.
    await broker.stop('SIGKILL');
    broker = await startBrokerChild(data.dir, ['--capacity', String(256 * MIB)], ENTRY);
    const meta = await rawRequest(broker.bootstrap, ApiKey.Metadata, 9, { topics: null, allowAutoTopicCreation: false });
    const names = meta.topics.map((t: { name: string }) => t.name).filter((n: string) => !n.startsWith('normal-'));
    assert.deepEqual(names.sort(), ['main'], 'filler and ghost did not come back');
    const stored = await readMain(broker.bootstrap);
    for (const [key, offset] of acked) assert.equal(stored.get(key), offset, `acknowledged ${key} at offset ${offset}`);
    await normalClientRoundTrip(broker.bootstrap, 'after restart');
  } finally {
    await broker.stop('SIGKILL');
    data.cleanup();
  }
});
