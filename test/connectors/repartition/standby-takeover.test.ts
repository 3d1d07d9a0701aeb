/**
 * Warm standby replicas (issue 11, `standbyReplicas`): two worker processes run the keyed job of
 * `fixtures/count-job.ts` (parallelism 2: one unit each) with one standby replica per unit, so
 * each worker keeps a warm copy of the other's keyed state. The worker running unit X is killed
 * with SIGKILL while it counts; the survivor takes X over from its replica: its restore reads only the changelog
 * tail after the replica (its log says how many entries the replica handed over and how many tail
 * records it read), and the outputs are complete (at-least-once) or exact (exactly-once).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { supplierFor } from '../../kafka/helpers.ts';
import { readToEnd } from '../../../src/kafka/read-to-end.ts';
import { checkAtLeastOnce, checkExactlyOnce, endMarkers, makeInput, readOutputs, seeded, type CrashRunResult } from '../../runtime/crash-harness.ts';
import { eventually, kill, produce, spawnSluice, type Child } from '../kafka-helpers.ts';
import { runCli } from '../../cli/run-cli.ts';
import { ASSIGNED, countJobSetup, logged, RUNNING } from '../../runtime/membership-harness.ts';
import { longVariant } from '../../helpers/long-variant.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
});
after(async () => {
  await broker.stop();
});

/** Records in a topic (its whole log: what a full restore would read). */
async function recordsIn(topic: string): Promise<number> {
  const supplier = supplierFor(broker.bootstrap);
  try {
    const consumer = supplier.consumer('count');
    const partitions = (await consumer.metadata({ topics: [topic] })).topics.get(topic)!.partitionsCount;
    let n = 0;
    await readToEnd(consumer, topic, Array.from({ length: partitions }, (_, p) => p), () => void n++);
    return n;
  } finally {
    await supplier.close();
  }
}

const RESTORED = 'keyed state restored from the warm standby replica';
const CAUGHT_UP = 'standby replica caught up';

for (const [exactlyOnce, backend] of [[false, 'heap'], [true, 'heap'], [true, 'lmdb']] as const) {
  const mode = `${exactlyOnce ? 'exactly-once' : 'at-least-once'}${backend === 'lmdb' ? ' (LMDB state)' : ''}`;
  // npm test runs the exactly-once LMDB case; the heap ones are long variants (test/runtime/checkpoint/standby-replica.test.ts covers the in-memory replica store).
  const options = backend === 'lmdb' ? { timeout: 600_000 } : longVariant({ timeout: 600_000 });
  test(`${mode}: standbyReplicas=1, 2 workers, SIGKILL the active one — the survivor restores its unit from its warm replica plus the changelog tail; outputs ${exactlyOnce ? 'exact' : 'complete'}`, options, async (t) => {
    const { dir, cleanup } = tempDir('sluice-standby-');
    const name = `standby-${exactlyOnce ? 'eo' : 'alo'}-${backend}`;
    const records = 6_000;
    const { topics, env } = await countJobSetup(broker.bootstrap, name, {
      SLUICE_EXCHANGES: 'kafka',
      SLUICE_PARALLELISM: '2',
      SLUICE_STANDBY_REPLICAS: '1',
      SLUICE_GROUP_SESSION_TIMEOUT_MS: '6000',
      SLUICE_STATE_DIR: `${dir}/workers`,
      STATE_BACKEND: backend,
      EXACTLY_ONCE: exactlyOnce ? '1' : '0',
      SLUICE_STATUS_INTERVAL_MS: '1000',
    });
    const { input, expectedCounts, expectedWindows } = makeInput(records, 2_000, seeded(exactlyOnce ? 71 : 73));
    const workers: Child[] = [];
    const start = (): Child => {
      const c = spawnSluice(['run', 'test/runtime/fixtures/count-job.ts'], { ...env, STATE_DIR: `${dir}/lmdb-${workers.length}` });
      workers.push(c);
      return c;
    };
    const tails = (): string => workers.map((w, i) => `--- worker ${i}:\n${w.stderr().slice(-3000)}`).join('\n');
    const until = async (check: () => boolean | Promise<boolean>, what: string): Promise<void> => {
      try {
        await eventually(check, 180_000, what);
      } catch {
        throw new Error(`timed out waiting for ${what}\n${tails()}`);
      }
    };
    /** The units of a worker's latest assignment once it runs them. */
    const runningUnits = (w: Child): number[] | undefined => {
      const lines = logged(w, '');
      const a = lines.findLastIndex((x) => String(x.msg).startsWith(ASSIGNED));
      const r = lines.findLastIndex((x) => String(x.msg).startsWith(RUNNING));
      return a >= 0 && r > a ? (lines[a]!.units as number[]) : undefined;
    };
    const counted = async (): Promise<number> => (await readOutputs(broker.bootstrap, topics)).seen.size;
    const half = records / 2;
    try {
      const a = start();
      await produce(broker.bootstrap, topics.input, input.slice(0, half));
      await until(() => runningUnits(a)?.length === 2, 'the first worker to run both units');
      const b = start();
      await until(() => runningUnits(a)?.length === 1 && runningUnits(b)?.length === 1, 'two workers with one unit each');
      await until(async () => (await counted()) >= half, 'the first half of the input counted');
      const unitOfA = runningUnits(a)![0]!;
      // b's replica of a's unit read the changelogs to their end (the input stopped: nothing new comes).
      await until(() => logged(b, CAUGHT_UP).some((l) => l.unit === unitOfA && Number(l.entries) > 0), `b's replica of unit ${unitOfA} to catch up`);
      t.diagnostic(`b's replica: ${JSON.stringify(logged(b, CAUGHT_UP).filter((l) => l.unit === unitOfA).at(-1))}`);
      // `sluice jobs describe` shows the replica (from the status b publishes).
      await until(async () => {
        const r = await runCli(['jobs', 'describe', name, '--json'], { bootstrap: broker.bootstrap, timeoutMs: 60_000 });
        if (r.code !== 0) return false;
        const workers = (JSON.parse(r.stdout) as { workers: Array<{ pid: number; standbys?: Array<{ unit: number; entries: number }> }> }).workers;
        return workers.some((w) => w.pid === b.process.pid && w.standbys?.some((x) => x.unit === unitOfA && x.entries > 0) === true);
      }, `sluice jobs describe to show b's replica of unit ${unitOfA}`);
      const text = await runCli(['jobs', 'describe', name], { bootstrap: broker.bootstrap, timeoutMs: 60_000 });
      assert.match(text.stdout, new RegExp(`STANDBY OF UNIT\\s+WORKER\\s+ENTRIES\\s+CAUGHT UP\\s+LAG\\n${unitOfA}\\s+\\S+-${b.process.pid}-`), text.stdout);
      // Input flows again; a is killed while it counts it (its last checkpoints are the replica's tail).
      const quarter = records / 4;
      await produce(broker.bootstrap, topics.input, input.slice(half, half + quarter));
      await until(async () => (await counted()) >= half + quarter / 4, 'the workers to count part of the third quarter');
      await kill(a, 'SIGKILL');
      await produce(broker.bootstrap, topics.input, input.slice(half + quarter));
      await until(() => runningUnits(b)?.length === 2, 'the survivor to run both units');
      await produce(broker.bootstrap, topics.input, endMarkers(topics.input, records));
      let final: Awaited<ReturnType<typeof readOutputs>> | undefined;
      await until(async () => {
        final = await readOutputs(broker.bootstrap, topics);
        return final.seen.size >= records + 1 && [...expectedWindows.keys()].every((w) => final!.windows.has(w));
      }, 'every input counted and every window fired');
      // The takeover: the survivor's restore of each keyed operator took the replica and read only its tail.
      const restores = logged(b, RESTORED);
      t.diagnostic(`survivor's restores: ${JSON.stringify(restores.map((l) => ({ operator: l.operator, standbyEntries: l.standbyEntries, tailRecords: l.tailRecords, otherRecords: l.otherRecords, seconds: l.seconds })))}`);
      const count = restores.find((l) => l.operator === 'count');
      assert.ok(count !== undefined, `the survivor restored operator 'count' from its replica\n${tails()}`);
      const standbyEntries = Number(count.standbyEntries);
      const tailRecords = Number(count.tailRecords);
      // At least every key of a's unit seen in the first half is in the replica (one ValueState entry per key).
      assert.ok(standbyEntries >= 200, `the replica handed over the state of many keys (${standbyEntries})`);
      const changelog = await recordsIn(`${name}-count-changelog`);
      t.diagnostic(`'count' changelog: ${changelog} records in all; the takeover read ${tailRecords} of them (tail after the replica) and took ${standbyEntries} entries from the replica`);
      assert.ok(tailRecords < standbyEntries, `the restore read fewer tail records (${tailRecords}) than the replica handed over (${standbyEntries})`);
      assert.ok(tailRecords < changelog, `the restore read fewer records (${tailRecords}) than the changelog holds (${changelog})`);
      const f = final!;
      f.counts.delete('~end');
      f.countSequences.delete('~end');
      const missing: number[] = [];
      for (let seq = 0; seq < records; seq++) if (!f.seen.has(seq)) missing.push(seq);
      const result: CrashRunResult = { expectedCounts, expectedWindows, counts: f.counts, windows: f.windows, missing, countOutputs: f.countOutputs, countSequences: f.countSequences, windowOutputs: f.windowOutputs, duplicates: f.duplicates, kills: 1 };
      if (exactlyOnce) checkExactlyOnce(result, (s) => t.diagnostic(s));
      else checkAtLeastOnce(result, (s) => t.diagnostic(s));
    } finally {
      for (const w of workers) await kill(w, 'SIGKILL');
      cleanup();
    }
  });
}
