/**
 * The crash test of durable state (issue 10, "What it must show" 1): the keyed job of
 * `fixtures/count-job.ts` runs under `sluice run` while its input is written in segments; after
 * each segment it is killed with SIGKILL at a random moment and restarted. At the end the last
 * count per key and the window sums are compared with a reference computed here.
 */
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { createTopics, eventually, kill, spawnSluice, type Child } from '../connectors/kafka-helpers.ts';

export interface CrashRunOptions {
  bootstrap: string;
  /** Topic prefix, also the job id and the group. */
  name: string;
  records: number;
  keys: number;
  kills: number;
  seed: number;
  backend: 'heap' | 'lmdb';
  stateDir?: string;
  checkpointMs?: number;
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

const PARTITIONS = 3;
const START = 1_700_000_000_000;

export async function crashRun(o: CrashRunOptions): Promise<CrashRunResult> {
  const log = o.log ?? (() => {});
  const rand = seeded(o.seed);
  const topics = { input: `${o.name}-in`, counts: `${o.name}-counts`, windows: `${o.name}-windows` };
  await createTopics(o.bootstrap, { [topics.input]: PARTITIONS, [topics.counts]: PARTITIONS, [topics.windows]: PARTITIONS });

  // The input and the reference.
  const input: Array<{ key: string; value: string }> = [];
  const expectedCounts = new Map<string, number>();
  const expectedWindows = new Map<string, number>();
  for (let seq = 0; seq < o.records; seq++) {
    const key = `k${Math.floor(rand() * o.keys)}`;
    const ts = START + seq * 7; // increasing: no record is late
    const amount = Math.floor(rand() * 100);
    input.push({ key, value: `${key}:${seq}:${ts}:${amount}` });
    expectedCounts.set(key, (expectedCounts.get(key) ?? 0) + 1);
    const w = `${key}:${Math.floor(ts / 10_000) * 10_000}`;
    expectedWindows.set(w, (expectedWindows.get(w) ?? 0) + amount);
  }

  // Everything that reaches the outputs, in order per partition (= per key).
  const counts = new Map<string, number>();
  const windows = new Map<string, number>();
  const seen = new Set<number>();
  let countOutputs = 0;
  const reader = (group: string) => new Consumer({ clientId: group, groupId: `${group}-${Math.random()}`, bootstrapBrokers: [o.bootstrap], deserializers: stringDeserializers, isolationLevel: 1 });
  const countReader = reader(`${o.name}-count-reader`);
  const windowReader = reader(`${o.name}-window-reader`);
  const countStream = await countReader.consume({ topics: [topics.counts], mode: 'earliest', maxWaitTime: 100 });
  const windowStream = await windowReader.consume({ topics: [topics.windows], mode: 'earliest', maxWaitTime: 100 });
  countStream.on('data', (m) => {
    const [key, n, seq] = String(m.value).split(':');
    countOutputs++;
    counts.set(key!, Number(n));
    seen.add(Number(seq));
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
    ...(o.stateDir !== undefined && { STATE_DIR: o.stateDir }),
  };
  const JOB = ['run', 'test/runtime/fixtures/count-job.ts'];
  const producer = new Producer({ clientId: `${o.name}-producer`, bootstrapBrokers: [o.bootstrap], serializers: stringSerializers });
  let job: Child = spawnSluice(JOB, env);
  const jobs: Child[] = [job];
  let kills = 0;
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
      await eventually(() => countOutputs > before, 120_000, `output of segment ${s} (job: ${job.stderr().slice(-2000)})`);
      await new Promise((r) => setTimeout(r, Math.floor(rand() * 400)));
      await kill(job, 'SIGKILL');
      kills++;
      log(`kill ${kills}: ${seen.size} of ${o.records} inputs counted so far`);
      job = spawnSluice(JOB, env);
      jobs.push(job);
    }
    // One record far ahead in every partition moves the watermark past every window.
    await producer.send({ messages: Array.from({ length: PARTITIONS }, (_, p) => ({ topic: topics.input, partition: p, key: '~end', value: `~end:-1:${START + o.records * 7 + 3_600_000}:0` })) });
    await eventually(
      () => seen.size >= o.records + 1 && [...expectedWindows.keys()].every((w) => windows.has(w)),
      240_000,
      `every input counted and every window fired (${seen.size} of ${o.records} counted, ${windows.size} of ${expectedWindows.size} windows; job: ${job.stderr().slice(-2000)})`,
    );
    // Let late duplicates (replays in flight) arrive before the last values are read.
    await new Promise((r) => setTimeout(r, 1000));
  } finally {
    for (const j of jobs) await kill(j, 'SIGKILL');
    await producer.close();
    await countStream.close();
    await windowStream.close();
    await countReader.close(true);
    await windowReader.close(true);
  }
  counts.delete('~end');
  const missing: number[] = [];
  for (let seq = 0; seq < o.records; seq++) if (!seen.has(seq)) missing.push(seq);
  return { expectedCounts, expectedWindows, counts, windows, missing, countOutputs, kills };
}
