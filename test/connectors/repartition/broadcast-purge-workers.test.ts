/**
 * Issue 11, "internal topics stay bounded", for broadcast topics read by several workers: three
 * worker processes of a streaming broadcast job (parallelism 3, one unit each) share the job;
 * every reader subtask reads the whole one-partition broadcast topic at its own offsets. The topic's
 * log start must advance as checkpoints commit — through the checkpoint log, the owner of reader
 * subtask 0 sees where every reader would resume — yet never pass the position any reader
 * subtask's last committed checkpoint holds (sampled all along). A worker is SIGKILLed after a
 * purge: its unit resumes elsewhere from its checkpoint, and the rules sent after it still reach
 * every subtask. The rule lines (one per subtask and rule) are the output: all of them, and under
 * exactly-once each exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { CheckpointLog } from '../../../src/kafka/checkpoint-log.ts';
import { readToEnd } from '../../../src/kafka/read-to-end.ts';
import { supplierFor } from '../../kafka/helpers.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { ASSIGNED, logged, RUNNING } from '../../runtime/membership-harness.ts';
import { createTopics, eventually, kill, spawnSluice, type Child } from '../kafka-helpers.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
});
after(async () => {
  await broker.stop();
});

const READER_UID = 'apply-rules-repartition-2-reader';
const SUBTASKS = [0, 1, 2];

/** The output's values, read read_committed from the beginning to its current end. */
async function readOutput(output: string): Promise<string[]> {
  const supplier = supplierFor(broker.bootstrap);
  try {
    const out: string[] = [];
    await readToEnd(supplier.consumer('verify'), output, [0], (r) => void out.push(String(r.value)));
    return out;
  } finally {
    await supplier.close();
  }
}

async function purgeAcrossWorkers(exactlyOnce: boolean, log: (s: string) => void): Promise<void> {
  const name = `bcpurge-${exactlyOnce ? 'eo' : 'alo'}`;
  const topics = { events: `${name}-events`, rules: `${name}-rules`, output: `${name}-out` };
  await createTopics(broker.bootstrap, { [topics.events]: 3, [topics.rules]: 2, [topics.output]: 1 });
  const broadcastTopic = `${name}-apply-rules-repartition-2`;
  const { dir, cleanup } = tempDir('sluice-bcpurge-');
  const env = {
    SLUICE_STATE_DIR: dir,
    SLUICE_BOOTSTRAP: broker.bootstrap,
    SLUICE_LOG_LEVEL: 'info',
    SLUICE_EXCHANGES: 'kafka',
    SLUICE_GROUP_SESSION_TIMEOUT_MS: '6000',
    EVENTS: topics.events,
    RULES: topics.rules,
    OUTPUT: topics.output,
    JOB_ID: name,
    PARALLELISM: '3',
    BOUNDED: '0',
    CHECKPOINT_MS: '200',
    EXACTLY_ONCE: exactlyOnce ? '1' : '0',
  };
  const workers = [0, 1, 2].map(() => spawnSluice(['run', 'test/connectors/repartition/fixtures/broadcast-run.ts'], env));
  const alive = (): Child[] => workers.filter((w) => w.process.exitCode === null && w.process.signalCode === null);
  const tails = (): string => workers.map((w, i) => `--- worker ${i}:\n${w.stderr().slice(-2500)}`).join('\n');
  const waitFor = async (what: string, check: () => boolean | Promise<boolean>): Promise<void> => {
    try {
      await eventually(check, 180_000, what);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${tails()}`);
    }
  };
  const producer = new Producer({ clientId: `${name}-producer`, bootstrapBrokers: [broker.bootstrap], serializers: stringSerializers });
  const probes = supplierFor(broker.bootstrap);
  const probe = probes.consumer('probe');
  const logStart = async (): Promise<bigint> => (await probe.listOffsets({ topics: [broadcastTopic], timestamp: -2n })).get(broadcastTopic)![0]!;
  const stableEnd = async (): Promise<bigint> => (await probe.listOffsets({ topics: [broadcastTopic], timestamp: -1n, isolationLevel: 1 })).get(broadcastTopic)![0]!;
  /** Where each reader subtask resumes: its last committed checkpoint record (read_committed). */
  const checkpointed = async (): Promise<Map<number, bigint>> => {
    const { tasks } = await new CheckpointLog(name).read(probe);
    const out = new Map<number, bigint>();
    for (const r of tasks.values()) {
      const p = r.payload as { subtask: number; sources: Record<string, { offsets: Array<[number, string]> }> };
      const state = p.sources[READER_UID];
      if (state !== undefined) out.set(p.subtask, BigInt(state.offsets.find(([q]) => q === 0)![1]));
    }
    return out;
  };
  // The invariant, sampled while the job runs: the log start never passes a reader's resume position
  // (the log start is read first; positions only grow, so a later read of them cannot hide a violation).
  let samples = 0;
  let sampling = true;
  const violations: string[] = [];
  const sampler = (async () => {
    while (sampling) {
      try {
        const start = await logStart();
        const positions = await checkpointed();
        samples++;
        if (start > 0n && (positions.size < 3 || SUBTASKS.some((s) => positions.get(s)! < start))) {
          violations.push(`log start ${start}, checkpointed reader positions ${JSON.stringify(Object.fromEntries([...positions].map(([s, o]) => [s, String(o)])))}`);
        }
      } catch {
        // the topics may not exist yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const rules: string[] = [];
  const sendRules = async (from: number, count: number): Promise<void> => {
    const batch = Array.from({ length: count }, (_, i) => `r${from + i}:${from + i + 1}`);
    rules.push(...batch.map((r) => r.split(':')[0]!));
    await producer.send({ messages: batch.map((value, i) => ({ topic: topics.rules, partition: i % 2, value })) });
  };
  const everySubtaskGotEveryRule = async (): Promise<boolean> => {
    const lines = new Set(await readOutput(topics.output));
    return SUBTASKS.every((s) => rules.every((r) => lines.has(`rule:${s}:${r}`)));
  };
  try {
    await waitFor('three workers running one unit each', () =>
      workers.every((w) => {
        const a = logged(w, ASSIGNED).at(-1) as { units?: number[] } | undefined;
        return a?.units?.length === 1 && logged(w, RUNNING).length > 0;
      }),
    );
    await sendRules(0, 20);
    await waitFor('every subtask got the first 20 rules', everySubtaskGotEveryRule);
    const end1 = await stableEnd();
    const t0 = Date.now();
    await waitFor(`the broadcast topic purged up to ${end1} (what every reader consumed)`, async () => (await logStart()) >= end1);
    log(`${name}: log start reached ${end1} ${Date.now() - t0} ms after every subtask had the first rules`);

    // A worker dies after the purge: its unit resumes on another worker from its checkpoint, at or above the log start.
    await kill(workers[1]!);
    await sendRules(20, 20);
    await waitFor('every subtask got the 40 rules after the kill', everySubtaskGotEveryRule);
    const end2 = await stableEnd();
    await waitFor(`the broadcast topic purged up to ${end2} with two workers`, async () => (await logStart()) >= end2);
  } finally {
    sampling = false;
    await sampler;
    for (const w of alive()) await kill(w, 'SIGTERM');
    await producer.close();
    await probes.close();
    cleanup();
  }
  assert.ok(samples > 10, `the invariant was sampled (${samples} times)`);
  assert.deepEqual(violations, [], 'the log start passed a reader subtask position');
  for (const [i, w] of workers.entries()) {
    assert.equal(logged(w, 'broadcast reader resumes below the start').length, 0, `worker ${i} resumed a reader below the log start`);
  }
  const lines = (await readOutput(topics.output)).filter((l) => l.startsWith('rule:')).sort();
  const expected = SUBTASKS.flatMap((s) => rules.map((r) => `rule:${s}:${r}`)).sort();
  if (exactlyOnce) assert.deepEqual(lines, expected, 'every subtask applied every rule exactly once');
  else assert.deepEqual([...new Set(lines)].sort(), expected, 'every subtask applied every rule');
}

test('a broadcast topic read by 3 worker processes is purged below every reader subtask checkpointed position (at-least-once)', { timeout: 400_000 }, async (t) => {
  await purgeAcrossWorkers(false, (s) => t.diagnostic(s));
});

test('a broadcast topic read by 3 worker processes is purged below every reader subtask checkpointed position (exactly-once)', { timeout: 400_000 }, async (t) => {
  await purgeAcrossWorkers(true, (s) => t.diagnostic(s));
});
