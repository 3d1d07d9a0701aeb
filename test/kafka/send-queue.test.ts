import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SendQueue } from '../../src/kafka/send-queue.ts';
import type { ProducerRecord } from '../../src/kafka/client-supplier.ts';

const r = (v: string): ProducerRecord => ({ topic: 't', value: Buffer.from(v) });

function fakeSend() {
  const requests: string[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let fail: ((records: ProducerRecord[]) => boolean) | undefined;
  const send = async (records: ProducerRecord[]) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((res) => setImmediate(res));
    inFlight--;
    if (fail?.(records)) throw new Error('boom');
    requests.push(records.map((x) => x.value!.toString()));
  };
  return { send, requests, max: () => maxInFlight, failWhen: (f: typeof fail) => (fail = f) };
}

test('one request at a time; what arrives meanwhile is coalesced into the next request', async () => {
  const f = fakeSend();
  const q = new SendQueue(f.send);
  await Promise.all([q.send([r('a')]), q.send([r('b')]), q.send([r('c'), r('d')])]);
  assert.equal(f.max(), 1);
  assert.deepEqual(f.requests, [['a'], ['b', 'c', 'd']]);
});

test('a send issued from the continuation of the previous one is never left behind', async () => {
  const f = fakeSend();
  const q = new SendQueue(f.send);
  for (let i = 0; i < 20; i++) await q.send([r(String(i))]);
  assert.equal(f.requests.flat().length, 20);
  // And chained without awaiting in between.
  let chain = Promise.resolve();
  for (let i = 0; i < 20; i++) chain = chain.then(() => q.send([r(`c${i}`)]));
  await chain;
  assert.equal(f.requests.flat().length, 40);
});

test('a failed request rejects exactly its callers; the queue keeps going', async () => {
  const f = fakeSend();
  f.failWhen((records) => records.some((x) => x.value!.toString() === 'bad'));
  const q = new SendQueue(f.send);
  const first = q.send([r('ok1')]);
  const bad = q.send([r('bad')]);
  const sameRequest = q.send([r('ok2')]);
  await first;
  await assert.rejects(bad, /boom/);
  await assert.rejects(sameRequest, /boom/, 'coalesced with the bad one: its outcome is unknown, so it is reported failed');
  await q.send([r('ok3')]);
  await q.drain();
  assert.deepEqual(f.requests, [['ok1'], ['ok3']]);
});

test('requests are capped in size', async () => {
  const f = fakeSend();
  const q = new SendQueue(f.send, { maxRequestBytes: 200 });
  const big = (v: string) => ({ topic: 't', value: Buffer.alloc(100, v) });
  await Promise.all([q.send([big('a')]), q.send([big('b')]), q.send([big('c')]), q.send([big('d')])]);
  assert.ok(f.requests.every((req) => req.length === 1), JSON.stringify(f.requests.map((x) => x.length)));
});
