import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { ApiKey, decodeResponse, encodeRequest } from '../../../src/protocol/index.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { BUDGET_ARGS, BUDGETS, fdBound, normalClientRoundTrip, rssBound, startBrokerChild, type BrokerChild } from './broker-child.ts';
import { closed, open, readFrame } from './raw-client.ts';

// Observed case 3 (incomplete frames): 20 connections each holding 99 MB of an announced
// 100 MB frame took the broker from 105 MB to 2 GB of RSS, still held after they closed; there
// was no total memory budget, no connection limit, and a client sending 1 byte/s was never timed
// out. Now queued.max.request.bytes bounds request memory (reading pauses when it is spent),
// max.connections and max.connections.per.ip refuse extra connections with one warn line, and a
// request must arrive within sluice.request.read.timeout.ms.

const MIB = 1024 * 1024;
const READ_TIMEOUT_MS = 3000;
const data = tempDir('sluice-hostile-frames-');
let broker: BrokerChild;
let baseline = 0;

before(async () => {
  broker = await startBrokerChild(data.dir, [...BUDGET_ARGS, '--request-read-timeout-ms', String(READ_TIMEOUT_MS)]);
  await normalClientRoundTrip(broker.bootstrap, 'warm-up');
  baseline = broker.rssBytes();
});
after(async () => {
  await broker.stop('SIGKILL');
  data.cleanup();
});

/** Announces a `size`-byte frame and sends all but the last `missing` bytes of it. */
async function partialFrame(size: number, missing: number): Promise<Socket> {
  const s = await open(broker.bootstrap);
  s.on('error', () => {});
  const head = Buffer.alloc(4);
  head.writeInt32BE(size);
  s.write(head);
  const body = Buffer.alloc(size - missing, 7);
  for (let at = 0; at < body.length; at += MIB) s.write(body.subarray(at, at + MIB));
  return s;
}

test('20 connections each holding most of an announced 15 MiB frame: request memory stays within queued.max.request.bytes', async () => {
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < 20; i++) sockets.push(await partialFrame(15 * MIB, 1024));
    await new Promise((r) => setTimeout(r, 1500));
    // Reading paused for the frames that do not fit; a small request of a normal client still fits.
    await normalClientRoundTrip(broker.bootstrap, 'while 20 connections hold partial frames');
    const rss = broker.rssBytes();
    assert.ok(rss <= rssBound(baseline, 25), `RSS ${Math.round(rss / MIB)} MiB within ${Math.round(rssBound(baseline, 25) / MIB)} MiB (budget ${BUDGETS.queuedMaxRequestBytes / MIB} MiB)`);
    // The read deadline closes every one of them, those still waiting for memory too: their
    // memory and their connection slots are released.
    await Promise.all(sockets.map((s) => closed(s, READ_TIMEOUT_MS + 10_000)));
  } finally {
    for (const s of sockets) s.destroy();
  }
  await normalClientRoundTrip(broker.bootstrap, 'after the partial frames');
  assert.ok(broker.rssBytes() <= rssBound(baseline, 25));
  assert.ok(broker.openFds() <= fdBound(1000, 10), `${broker.openFds()} descriptors: closed connections are released`);
});

test('a client sending one byte a second is closed after sluice.request.read.timeout.ms, with one warn line', async () => {
  const s = await open(broker.bootstrap);
  s.on('error', () => {});
  const frame = encodeRequest(ApiKey.ApiVersions, 0, 1, 'slow', {});
  let sent = 0;
  const drip = setInterval(() => {
    if (sent < frame.length && !s.destroyed) s.write(frame.subarray(sent, ++sent));
  }, 1000);
  try {
    await closed(s, READ_TIMEOUT_MS + 10_000);
    assert.ok(sent < frame.length, `closed before the ${frame.length}-byte request was complete (sent ${sent})`);
  } finally {
    clearInterval(drip);
  }
  const warned = await broker.waitForWarnings('sluice.request.read.timeout.ms');
  assert.ok(warned.length >= 1);
  assert.match(warned[0]!.msg, /raise it/);
  await normalClientRoundTrip(broker.bootstrap, 'after the slow client');
});

test('connections beyond max.connections.per.ip are refused on accept with one warn line; a freed slot is usable again', async () => {
  const sockets: Socket[] = [];
  /** A connection that was accepted and answers, or null when the broker refused it. */
  const served = async (id: number): Promise<Socket | null> => {
    const s = await open(broker.bootstrap);
    s.on('error', () => {});
    s.write(encodeRequest(ApiKey.ApiVersions, 0, id, 'storm', {}));
    try {
      assert.equal(decodeResponse(ApiKey.ApiVersions, 0, await readFrame(s, 10_000)).correlationId, id);
      return s;
    } catch {
      s.destroy();
      return null;
    }
  };
  try {
    // Take every slot (the limit is the same for the broker and per address here).
    for (let id = 1; ; id++) {
      const s = await served(id);
      if (!s) break;
      sockets.push(s);
      assert.ok(sockets.length <= BUDGETS.maxConnections, 'the limit holds');
    }
    assert.ok(sockets.length >= BUDGETS.maxConnections - 5, `${sockets.length} connections served before refusals began`);
    const extra = await Promise.all(Array.from({ length: 30 }, (_, i) => served(1000 + i)));
    assert.deepEqual(extra.filter(Boolean), [], 'all 30 extra connections refused');
    const warned = [...(await broker.waitForWarnings('max.connections')), ...broker.warnings('max.connections.per.ip')];
    assert.equal(warned.length, 1, 'one warn line for all the refusals');
    assert.match(warned[0]!.msg, /raise max\.connections/);
    // A slot freed is taken again.
    sockets.pop()!.destroy();
    let again: Socket | null = null;
    for (let i = 0; i < 50 && !again; i++) {
      await new Promise((r) => setTimeout(r, 100));
      again = await served(2000 + i);
    }
    assert.ok(again, 'a freed slot is usable again');
    again.destroy();
  } finally {
    for (const s of sockets) s.destroy();
  }
  await new Promise((r) => setTimeout(r, 500));
  await normalClientRoundTrip(broker.bootstrap, 'after the connection storm');
  assert.ok(broker.openFds() <= fdBound(1000, 10), `${broker.openFds()} descriptors after the storm`);
});

test('a frame announcing more than socket.request.max.bytes closes only its connection', async () => {
  const s = await open(broker.bootstrap);
  s.on('error', () => {});
  const head = Buffer.alloc(4);
  head.writeInt32BE(BUDGETS.socketRequestMaxBytes + 1);
  s.write(head);
  await closed(s, 10_000);
  await normalClientRoundTrip(broker.bootstrap, 'after an oversized frame');
});
