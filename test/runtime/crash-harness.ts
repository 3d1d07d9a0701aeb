/**
 * The crash test of durable state (issue 10, "What it must show" 1): the keyed job of
 * `fixtures/count-job.ts` runs under `sluice run` while its input is written in segments; after
 * each segment it is killed with SIGKILL at a random moment and restarted. At the end the last
 * count per key and the window sums are compared with a reference computed here.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { readToEnd } from '../../src/kafka/read-to-end.ts';
import { createTopics, eventually, kill, spawnSluice, type Child } from '../connectors/kafka-helpers.ts';
import { supplierFor } from '../kafka/helpers.ts';

export interface CrashRunOptions {
  bootstrap: string;
  /** Topic prefix, also the job id and the group. */
  name: string;
  records: number;
  keys: number;
  kills: number;
  seed: number;
  backend: 'heap' | 'lmdb';
  /** Local state (LMDB files, worker slots). */
  stateDir: string;
  exactlyOnce?: boolean;
  checkpointMs?: number;
  /** More environment for the job processes (e.g. SLUICE_EXCHANGES=kafka). */
  env?: Record<string, string>;
  /** Workers (processes with SLUICE_WORKERS / SLUICE_WORKER_INDEX) of each incarnation of the job; default 1. */
  workers?: (incarnation: number) => number;
  /** Progress lines (diagnostics). */
  log?: (line: string) => void;
}

export interface CrashRunResult {
  /** Reference: records per key. */
  expectedCounts: Map<string, number>;
  /** Reference: sum of amounts per `key:windowStart`. */
  expectedWindows: Map<string, number>;
  /** The last count the job wrote per key. */
  counts: Map<string, number>;
  /** The last sum the job wrote per `key:windowStart`. */
  windows: Map<string, number>;
  /** Input sequence numbers that never reached the counts output. */
  missing: number[];
  /** Count outputs in total (duplicates included). */
  countOutputs: number;
  /** Inputs counted more than once. */
  duplicates: string[];
  /** Every count written per key, in order. */
  countSequences: Map<string, number[]>;
  /** How often each window result was written. */
  windowOutputs: Map<string, number>;
  kills: number;
}

/** A small seeded generator (mulberry32), so a failure can be replayed with its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const PARTITIONS = 3;
export const START = 1_700_000_000_000;

/** `eventually`, with the job's latest log in the failure. */
async function until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  try {
    await eventually(check, timeoutMs, 'condition');
  } catch {
    throw new Error(`timed out waiting for ${what()}`);
  }
}

/** The input records (`key:seq:timestamp:amount`) and the reference results. */
export function makeInput(records: number, keys: number, rand: () => number): { input: Array<{ key: string; value: string }>; expectedCounts: Map<string, number>; expectedWindows: Map<string, number> } {
  const input: Array<{ key: string; value: string }> = [];
  const expectedCounts = new Map<string, number>();
  const expectedWindows = new Map<string, number>();
  for (let seq = 0; seq < records; seq++) {
    const key = `k${Math.floor(rand() * keys)}`;
    const ts = START + seq * 7; // increasing: no record is late
    const amount = Math.floor(rand() * 100);
    input.push({ key, value: `${key}:${seq}:${ts}:${amount}` });
    expectedCounts.set(key, (expectedCounts.get(key) ?? 0) + 1);
    const w = `${key}:${Math.floor(ts / 10_000) * 10_000}`;
    expectedWindows.set(w, (expectedWindows.get(w) ?? 0) + amount);
  }
  return { input, expectedCounts, expectedWindows };
}

/** The end marker: one record far ahead in every partition moves the watermark past every window. */
export function endMarkers(topic: string, records: number): Array<{ topic: string; partition: number; key: string; value: string }> {
  return Array.from({ length: PARTITIONS }, (_, p) => ({ topic, partition: p, key: '~end', value: `~end:-1:${START + records * 7 + 3_600_000}:0` }));
}

export async function crashRun(o: CrashRunOptions): Promise<CrashRunResult> {
  const log = o.log ?? (() => {});
  const rand = seeded(o.seed);
  const topics = { input: `${o.name}-in`, counts: `${o.name}-counts`, windows: `${o.name}-windows` };
  await createTopics(o.bootstrap, { [topics.input]: PARTITIONS, [topics.counts]: PARTITIONS, [topics.windows]: PARTITIONS });

  const { input, expectedCounts, expectedWindows } = makeInput(o.records, o.keys, rand);

  // Everything that reaches the outputs, in order per partition (= per key).
  const windows = new Map<string, number>();
  const seen = new Set<number>();
  let countOutputs = 0;
  const reader = (group: string) => new Consumer({ clientId: group, groupId: `${group}-${Math.random()}`, bootstrapBrokers: [o.bootstrap], deserializers: stringDeserializers, isolationLevel: 1 });
  const countReader = reader(`${o.name}-count-reader`);
  const windowReader = reader(`${o.name}-window-reader`);
  const countStream = await countReader.consume({ topics: [topics.counts], mode: 'earliest', maxWaitTime: 100 });
  const windowStream = await windowReader.consume({ topics: [topics.windows], mode: 'earliest', maxWaitTime: 100 });
  countStream.on('data', (m) => {
    countOutputs++;
    seen.add(Number(String(m.value).split(':')[2]));
  });
  windowStream.on('data', (m) => {
    const [key, start, sum] = String(m.value).split(':');
    windows.set(`${key}:${start}`, Number(sum));
  });

  const env: Record<string, string> = {
    SLUICE_BOOTSTRAP: o.bootstrap,
    SLUICE_LOG_LEVEL: 'info',
    INPUT: topics.input,
    COUNTS: topics.counts,
    WINDOWS: topics.windows,
    GROUP: o.name,
    JOB_ID: o.name,
    CHECKPOINT_MS: String(o.checkpointMs ?? 200),
    STATE_BACKEND: o.backend,
    STATE_DIR: `${o.stateDir}/lmdb`,
    SLUICE_STATE_DIR: `${o.stateDir}/workers`,
    EXACTLY_ONCE: o.exactlyOnce === true ? '1' : '0',
    ...o.env,
  };
  const JOB = ['run', 'test/runtime/fixtures/count-job.ts'];
  const producer = new Producer({ clientId: `${o.name}-producer`, bootstrapBrokers: [o.bootstrap], serializers: stringSerializers });
  // One incarnation of the job: its workers (one process each; several share the job's subtasks).
  const start = (incarnation: number): Child[] => {
    const n = o.workers?.(incarnation) ?? 1;
    if (n === 1) return [spawnSluice(JOB, env)];
    return Array.from({ length: n }, (_, i) => spawnSluice(JOB, { ...env, SLUICE_EXCHANGES: 'kafka', SLUICE_WORKERS: String(n), SLUICE_WORKER_INDEX: String(i) }));
  };
  let incarnation = start(0);
  let job: Child = incarnation[0]!;
  const jobs: Child[] = [...incarnation];
  let kills = 0;
  let final: Outputs | undefined;
  try {
    const segment = Math.ceil(o.records / (o.kills + 1));
    for (let s = 0; s * segment < o.records; s++) {
      const part = input.slice(s * segment, (s + 1) * segment);
      for (let i = 0; i < part.length; i += 500) {
        await producer.send({ messages: part.slice(i, i + 500).map((r) => ({ topic: topics.input, key: r.key, value: r.value })) });
      }
      if (kills >= o.kills) continue;
      // Kill at a random moment once the job made some progress on this segment.
      const before = countOutputs;
      await until(() => countOutputs > before, 120_000, () => `output of segment ${s} (job: ${job.stderr().slice(-3000)})`);
      await new Promise((r) => setTimeout(r, Math.floor(rand() * 400)));
      for (const j of incarnation) await kill(j, 'SIGKILL');
      kills++;
      incarnation = start(kills);
      log(`kill ${kills}: ${seen.size} of ${o.records} inputs counted so far; ${incarnation.length} worker(s) now`);
      job = incarnation[0]!;
      jobs.push(...incarnation);
    }
    await producer.send({ messages: endMarkers(topics.input, o.records) });
    await until(
      () => seen.size >= o.records + 1 && [...expectedWindows.keys()].every((w) => windows.has(w)),
      240_000,
      () => `every input counted and every window fired (${seen.size} of ${o.records} counted, ${windows.size} of ${expectedWindows.size} windows; job: ${job.stderr().slice(-2000)})`,
    );
    // The verdict comes from the logs themselves, read read_committed to their end with Kafka's
    // semantics (the streaming reader above only tracks progress: its client library lets records
    // of some aborted transactions through).
    await new Promise((r) => setTimeout(r, 1000));
    const deadline = Date.now() + 120_000;
    for (;;) {
      final = await readOutputs(o.bootstrap, topics);
      const complete = o.records + 1 <= final.seen.size && [...expectedWindows.keys()].every((w) => final!.windows.has(w));
      if (complete || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    for (const j of jobs) await kill(j, 'SIGKILL');
    if (process.env.CRASH_LOGS !== undefined) jobs.forEach((j, i) => writeFileSync(`${process.env.CRASH_LOGS}/${o.name}-${i}.log`, j.stderr()));
    await producer.close();
    await countStream.close();
    await windowStream.close();
    await countReader.close(true);
    await windowReader.close(true);
  }
  const f = final!;
  f.counts.delete('~end');
  f.countSequences.delete('~end');
  const missing: number[] = [];
  for (let seq = 0; seq < o.records; seq++) if (!f.seen.has(seq)) missing.push(seq);
  return { expectedCounts, expectedWindows, counts: f.counts, windows: f.windows, missing, countOutputs: f.countOutputs, countSequences: f.countSequences, windowOutputs: f.windowOutputs, duplicates: f.duplicates, kills };
}

export interface Outputs {
  counts: Map<string, number>;
  countSequences: Map<string, number[]>;
  countOutputs: number;
  seen: Set<number>;
  windows: Map<string, number>;
  windowOutputs: Map<string, number>;
  /** Inputs counted more than once (`key:count:seq@partition/offset`). */
  duplicates: string[];
}

/** Every committed record of the output topics, in offset order per partition (= per key). */
export async function readOutputs(bootstrap: string, topics: { counts: string; windows: string }): Promise<Outputs> {
  const supplier = supplierFor(bootstrap);
  const out: Outputs = { counts: new Map(), countSequences: new Map(), countOutputs: 0, seen: new Set(), windows: new Map(), windowOutputs: new Map(), duplicates: [] };
  try {
    const consumer = supplier.consumer('verify');
    const partitions = Array.from({ length: PARTITIONS }, (_, p) => p);
    await readToEnd(consumer, topics.counts, partitions, (r) => {
      const [key, n, seq] = String(r.value).split(':');
      out.countOutputs++;
      out.counts.set(key!, Number(n));
      let list = out.countSequences.get(key!);
      if (list === undefined) out.countSequences.set(key!, (list = []));
      list.push(Number(n));
      if (Number(seq) >= 0 && out.seen.has(Number(seq))) out.duplicates.push(`${key}:${n}:${seq}@${r.partition}/${r.offset}`);
      out.seen.add(Number(seq));
    });
    await readToEnd(consumer, topics.windows, partitions, (r) => {
      const [key, start, sum] = String(r.value).split(':');
      const w = `${key}:${start}`;
      out.windows.set(w, Number(sum));
      out.windowOutputs.set(w, (out.windowOutputs.get(w) ?? 0) + 1);
    });
  } finally {
    await supplier.close();
  }
  return out;
}

/** Exactly-once: every count 1..n exactly once per key, every window sum once and equal to the reference. */
export function checkExactlyOnce(r: Pick<CrashRunResult, 'duplicates' | 'missing' | 'expectedCounts' | 'countSequences' | 'expectedWindows' | 'windows' | 'windowOutputs' | 'kills' | 'countOutputs'>, diagnostic: (s: string) => void): void {
  assert.deepEqual(r.missing, [], 'every input record reached the output');
  assert.deepEqual(r.duplicates.slice(0, 20), [], 'no input counted twice');
  for (const [key, expected] of r.expectedCounts) {
    const seq = r.countSequences.get(key) ?? [];
    assert.deepEqual(seq, Array.from({ length: expected }, (_, i) => i + 1), `key ${key}: counts written exactly once each, in order, up to the reference ${expected}`);
  }
  for (const [w, expected] of r.expectedWindows) {
    assert.equal(r.windows.get(w), expected, `window ${w}: sum equals the reference`);
    assert.equal(r.windowOutputs.get(w), 1, `window ${w} written once`);
  }
  diagnostic(`${r.kills} kills; ${r.countOutputs} count outputs = ${[...r.expectedCounts.values()].reduce((a, b) => a + b, 0)} inputs`);
}


/** At-least-once: nothing lost, and every final count and window sum at least the reference. */
export function checkAtLeastOnce(r: CrashRunResult, diagnostic: (s: string) => void): void {
  assert.deepEqual(r.missing, [], 'every input record reached the output');
  let excess = 0;
  for (const [key, expected] of r.expectedCounts) {
    const got = r.counts.get(key) ?? 0;
    assert.ok(got >= expected, `key ${key}: final count ${got} < reference ${expected} (state was lost)`);
    excess += got - expected;
  }
  for (const [w, expected] of r.expectedWindows) {
    const got = r.windows.get(w) ?? 0;
    assert.ok(got >= expected, `window ${w}: sum ${got} < reference ${expected}`);
  }
  diagnostic(`${r.kills} kills; ${r.countOutputs} count outputs for ${r.expectedCounts.size} keys; final counts exceed the reference by ${excess} in total (replay)`);
}

