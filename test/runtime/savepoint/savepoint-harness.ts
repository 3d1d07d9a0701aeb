/**
 * Helpers of the savepoint tests: the input of `fixtures/savepoint-job.ts`, its reference results
 * (what an uninterrupted run writes), the job's processes and what they wrote (read_committed).
 */
import assert from 'node:assert/strict';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { readToEnd } from '../../../src/kafka/read-to-end.ts';
import { createTopics, eventually, spawnSluice, type Child } from '../../connectors/kafka-helpers.ts';
import { supplierFor } from '../../kafka/helpers.ts';
import { endMarkers, makeInput, PARTITIONS, seeded, START } from '../crash-harness.ts';

export const JOB = 'test/runtime/fixtures/savepoint-job.ts';
const BUCKET_MS = 5_000;

export interface Topics {
  input: string;
  counts: string;
  windows: string;
  buckets: string;
}

export interface Reference {
  input: Array<{ key: string; value: string }>;
  counts: Map<string, number>;
  windows: Map<string, number>;
  buckets: Map<string, number>;
}

/** Creates the topics of job `name` and its seeded input and reference. */
export async function prepare(bootstrap: string, name: string, records: number, seed: number): Promise<{ topics: Topics; ref: Reference }> {
  const topics = { input: `${name}-in`, counts: `${name}-counts`, windows: `${name}-windows`, buckets: `${name}-buckets` };
  await createTopics(bootstrap, { [topics.input]: PARTITIONS, [topics.counts]: PARTITIONS, [topics.windows]: PARTITIONS, [topics.buckets]: PARTITIONS });
  const { input, expectedCounts, expectedWindows } = makeInput(records, 40, seeded(seed));
  const buckets = new Map<string, number>();
  for (const r of input) {
    const [key, , ts] = r.value.split(':');
    const b = `${key}:${Math.floor(Number(ts) / BUCKET_MS) * BUCKET_MS}`;
    buckets.set(b, (buckets.get(b) ?? 0) + 1);
  }
  return { topics, ref: { input, counts: expectedCounts, windows: expectedWindows, buckets } };
}

export async function produce(bootstrap: string, topic: string, records: Array<{ key: string; value: string; partition?: number }>): Promise<void> {
  const producer = new Producer({ clientId: `${topic}-writer`, bootstrapBrokers: [bootstrap], serializers: stringSerializers });
  try {
    for (let i = 0; i < records.length; i += 500) await producer.send({ messages: records.slice(i, i + 500).map((r) => ({ topic, ...r })) });
  } finally {
    await producer.close();
  }
}

export function ends(topics: Topics, records: number): Array<{ key: string; value: string; partition: number }> {
  return endMarkers(topics.input, records).map(({ partition, key, value }) => ({ partition, key, value }));
}

/** `sluice run` of the fixture job. */
export function runJob(bootstrap: string, name: string, topics: Topics, args: string[], env: Record<string, string> = {}): Child {
  return spawnSluice(['run', JOB, '--job-id', name, ...args], {
    SLUICE_BOOTSTRAP: bootstrap,
    SLUICE_LOG_LEVEL: 'info',
    JOB_ID: name,
    INPUT: topics.input,
    COUNTS: topics.counts,
    WINDOWS: topics.windows,
    BUCKETS: topics.buckets,
    ...env,
  });
}

/** What the job wrote, read read_committed to the end. */
export interface Written {
  /** Every count per key, in order. */
  counts: Map<string, number[]>;
  /** Input sequence numbers counted, with multiplicity. */
  seqs: Map<number, number>;
  windows: Map<string, number[]>;
  buckets: Map<string, number[]>;
}

export async function readWritten(bootstrap: string, topics: Topics): Promise<Written> {
  const supplier = supplierFor(bootstrap);
  const out: Written = { counts: new Map(), seqs: new Map(), windows: new Map(), buckets: new Map() };
  const push = (m: Map<string, number[]>, k: string, v: number): void => void (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  try {
    const consumer = supplier.consumer('verify');
    const partitions = Array.from({ length: PARTITIONS }, (_, p) => p);
    await readToEnd(consumer, topics.counts, partitions, (r) => {
      const [key, n, seq] = String(r.value).split(':');
      if (key === '~end') return;
      push(out.counts, key!, Number(n));
      out.seqs.set(Number(seq), (out.seqs.get(Number(seq)) ?? 0) + 1);
    });
    await readToEnd(consumer, topics.windows, partitions, (r) => {
      const [key, start, sum] = String(r.value).split(':');
      if (key !== '~end') push(out.windows, `${key}:${start}`, Number(sum));
    });
    await readToEnd(consumer, topics.buckets, partitions, (r) => {
      const [key, start, n] = String(r.value).split(':');
      if (key !== '~end') push(out.buckets, `${key}:${start}`, Number(n));
    });
  } finally {
    await supplier.close();
  }
  return out;
}

/** Total count outputs written so far. */
export function outputs(w: Written): number {
  let n = 0;
  for (const list of w.counts.values()) n += list.length;
  return n;
}

/** Waits until the job wrote every count and closed every window and bucket of the reference. */
export async function awaitComplete(bootstrap: string, topics: Topics, ref: Reference, job: Child): Promise<Written> {
  let last: Written | undefined;
  const expected = ref.input.length;
  try {
    await eventually(
      async () => {
        last = await readWritten(bootstrap, topics);
        return outputs(last) >= expected && [...ref.windows.keys()].every((w) => last!.windows.has(w)) && [...ref.buckets.keys()].every((b) => last!.buckets.has(b));
      },
      240_000,
      'complete output',
    );
  } catch (e) {
    throw new Error(`the job did not complete its output (${last === undefined ? 0 : outputs(last)} of ${expected} counts): ${job.stderr().slice(-3000)}`, { cause: e });
  }
  return last!;
}

/**
 * The output equals an uninterrupted run's: per key the counts 1..n once each, every input counted
 * once, every window sum and bucket count written once with the reference value.
 */
export function assertSameAsUninterrupted(w: Written, ref: Reference): void {
  for (const [key, n] of ref.counts) assert.deepEqual(w.counts.get(key), Array.from({ length: n }, (_, i) => i + 1), `key ${key}: counts 1..${n}, each once`);
  const twice = [...w.seqs].filter(([, n]) => n !== 1).map(([s]) => s);
  assert.deepEqual(twice.slice(0, 20), [], 'every input counted exactly once');
  assert.equal(w.seqs.size, ref.input.length, 'every input counted');
  for (const [win, sum] of ref.windows) assert.deepEqual(w.windows.get(win), [sum], `window ${win}: one result, the reference sum`);
  assert.equal(w.windows.size, ref.windows.size, 'no window the reference lacks');
  for (const [b, n] of ref.buckets) assert.deepEqual(w.buckets.get(b), [n], `bucket ${b} (timer): one result, the reference count`);
  assert.equal(w.buckets.size, ref.buckets.size, 'no bucket the reference lacks');
}

export { START };
