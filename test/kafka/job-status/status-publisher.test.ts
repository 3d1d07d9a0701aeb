import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusPublisher, type StatusTransport } from '../../../src/kafka/job-status/status-publisher.ts';
import type { WorkerStatus } from '../../../src/kafka/job-status/status-record.ts';
import { decodeStatus } from '../../../src/kafka/job-status/status-reading.ts';
import { status } from './fixtures.ts';

/** A transport whose sends wait until released; it records what was sent. */
function gatedTransport(options: { failEnsure?: number; failSends?: number } = {}) {
  const sent: WorkerStatus[] = [];
  const gates: Array<() => void> = [];
  let ensures = 0;
  let failEnsure = options.failEnsure ?? 0;
  let failSends = options.failSends ?? 0;
  const transport: StatusTransport = {
    ensureTopic: async () => {
      ensures++;
      if (failEnsure-- > 0) throw new Error('TOPIC_AUTHORIZATION_FAILED');
    },
    send: async (key, value) => {
      await new Promise<void>((resolve) => gates.push(resolve));
      if (failSends-- > 0) throw new Error('NOT_ENOUGH_REPLICAS');
      const decoded = decodeStatus(value);
      assert.ok(decoded.ok);
      assert.equal(key.toString(), `${decoded.status.jobId}/${decoded.status.workerId}`);
      sent.push(decoded.status);
    },
  };
  const releaseAll = async () => {
    for (let i = 0; i < 50; i++) {
      while (gates.length > 0) gates.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { transport, sent, gates, releaseAll, ensures: () => ensures };
}

test('one send in flight, one waiting: newer statuses replace the waiting one (bounded, nothing blocks the caller)', async () => {
  const t = gatedTransport();
  let n = 0;
  const publisher = new StatusPublisher({ snapshot: () => status({ updatedAt: ++n }), transport: t.transport });
  publisher.publish(status({ updatedAt: 100 }));
  for (let i = 101; i <= 1_100; i++) publisher.publish(status({ updatedAt: i })); // returns at once each time
  await t.releaseAll();
  assert.deepEqual(t.sent.map((s) => s.updatedAt), [100, 1_100]);
  assert.equal(publisher.counts.superseded, 999);
  assert.equal(publisher.counts.sent, 2);
  await publisher.stop(status({ state: 'FINISHED', updatedAt: 2_000 }), false);
  await t.releaseAll();
  assert.deepEqual(t.sent.at(-1)!.state, 'FINISHED');
});

test('failures are counted, never thrown; the topic is made sure of again after a failure', async () => {
  const t = gatedTransport({ failEnsure: 1, failSends: 1 });
  const publisher = new StatusPublisher({ snapshot: () => status(), transport: t.transport, warnNow: () => false });
  publisher.publish(); // ensure fails
  await t.releaseAll();
  publisher.publish(); // ensure again, send fails
  await t.releaseAll();
  publisher.publish(); // sent
  await t.releaseAll();
  assert.equal(publisher.counts.errors, 2);
  assert.equal(publisher.counts.sent, 1);
  assert.equal(t.ensures(), 2);
});

test('stop sends the final status and waits for it; a transport that never answers holds it at most stopTimeoutMs', async () => {
  const t = gatedTransport();
  const publisher = new StatusPublisher({ snapshot: () => status(), transport: t.transport });
  const stopping = publisher.stop(status({ state: 'CANCELED' }));
  await t.releaseAll();
  await stopping;
  assert.deepEqual(t.sent.map((s) => s.state), ['CANCELED']);

  const stuck: StatusTransport = { ensureTopic: async () => {}, send: () => new Promise(() => {}) };
  const stalled = new StatusPublisher({ snapshot: () => status(), transport: stuck, stopTimeoutMs: 50 });
  await stalled.stop(); // resolves although the send never completes
  assert.equal(stalled.counts.sent, 0);
});

test('start publishes at once, then again when the state or the tasks change (checked every second or interval)', async () => {
  const t = gatedTransport();
  let current = status({ intervalMs: 60_000, updatedAt: 1 });
  const publisher = new StatusPublisher({ snapshot: () => current, transport: t.transport });
  publisher.start();
  await t.releaseAll();
  assert.equal(t.sent.length, 1);
  current = status({ intervalMs: 60_000, updatedAt: 2, tasks: [] }); // tasks moved away
  const deadline = Date.now() + 30_000;
  while (t.sent.length < 2 && Date.now() < deadline) await t.releaseAll().then(() => new Promise((r) => setTimeout(r, 50)));
  assert.deepEqual(t.sent.map((s) => s.tasks.length), [1, 0]);
  await publisher.stop(undefined, false);
});
