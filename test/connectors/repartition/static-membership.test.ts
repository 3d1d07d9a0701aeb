/**
 * Static membership of Sluice workers (KIP-345, `sluice run --instance-id`): two worker processes
 * of a distributed keyed job share its units, each with a state directory of its own (as on two
 * machines: the same worker slot, so only the instance id tells their transactional ids apart).
 * One is stopped and restarted with the same instance id. Killed (SIGKILL) or stopped with
 * `--remain-in-group` (SIGTERM), it takes its old place and units within the session timeout while
 * the other worker never stops its tasks; after the session timeout, or stopped without
 * `--remain-in-group` (it leaves the group), the others are rebalanced and the restart is a normal
 * rebalance. The output is checked against the reference every time.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { checkAtLeastOnce, checkExactlyOnce, endMarkers, makeInput, readOutputs, seeded, type CrashRunResult } from '../../runtime/crash-harness.ts';
import { ASSIGNED, countJobSetup, logged, RUNNING } from '../../runtime/membership-harness.ts';
import { eventually, kill, spawnSluice, type Child } from '../kafka-helpers.ts';
import { longVariant } from '../../helpers/long-variant.ts';
import { BrokerConnection } from '../../../src/cli/wire/broker-connection.ts';
import { ApiKey } from '../../../src/protocol/api-keys.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
});
after(async () => {
  await broker.stop();
});

const STOPPING = "job group rebalance: stopping this worker's tasks";
const RECORDS = 1_500;

interface Assigned {
  units: number[];
  generation: number;
}

const lastAssigned = (w: Child): Assigned | undefined => logged(w, ASSIGNED).at(-1) as Assigned | undefined;
/** Runs the tasks of its latest assignment (a 'runs its tasks' line after the last assignment). */
const running = (w: Child): boolean => {
  const lines = logged(w, '').map((l) => String(l.msg));
  return lines.findLastIndex((m) => m.startsWith(RUNNING)) > lines.findLastIndex((m) => m.startsWith(ASSIGNED));
};
const pausesOf = (w: Child): number => logged(w, RUNNING).filter((l) => l.pauseMs !== undefined).length;

/** How worker-b goes away: killed and back within the session, killed and back after it, stopped remaining in the group, stopped leaving it. */
type Stop = 'kill-within' | 'kill-after' | 'term-remain' | 'term-leave';

/** Session timeouts: long enough for a restarted process to be back in time on a loaded machine; short to see it expire; far beyond the test where only a LeaveGroup can explain a rebalance. */
const SESSION_MS: Record<Stop, number> = { 'kill-within': 60_000, 'term-remain': 60_000, 'kill-after': 6_000, 'term-leave': 900_000 };

async function staticRestart(o: { exactlyOnce: boolean; stop: Stop; log: (s: string) => void }): Promise<void> {
  const name = `static-${o.exactlyOnce ? 'eo' : 'alo'}-${o.stop}`;
  const withinSession = o.stop === 'kill-within' || o.stop === 'term-remain';
  const { dir, cleanup } = tempDir('sluice-static-');
  const { topics, env } = await countJobSetup(broker.bootstrap, name, {
    SLUICE_EXCHANGES: 'kafka',
    SLUICE_GROUP_SESSION_TIMEOUT_MS: String(SESSION_MS[o.stop]),
    EXACTLY_ONCE: o.exactlyOnce ? '1' : '0',
  });
  const { input, expectedCounts, expectedWindows } = makeInput(RECORDS, 30, seeded(o.exactlyOnce ? 71 : 73));
  const workers: Child[] = [];
  const start = (instanceId: string, remainInGroup = false): Child => {
    const args = ['run', 'test/runtime/fixtures/count-job.ts', '--instance-id', instanceId, ...(remainInGroup ? ['--remain-in-group'] : [])];
    const w = spawnSluice(args, { ...env, SLUICE_STATE_DIR: `${dir}/${instanceId}` });
    workers.push(w);
    return w;
  };
  const tails = (): string => workers.map((w, i) => `--- worker ${i}:\n${w.stderr().slice(-2000)}`).join('\n');
  const waitFor = async (what: string, check: () => boolean | Promise<boolean>): Promise<void> => {
    try {
      await eventually(check, 180_000, what);
    } catch {
      throw new Error(`timed out waiting for ${what}\n${tails()}`);
    }
  };
  const producer = new Producer({ clientId: `${name}-producer`, bootstrapBrokers: [broker.bootstrap], serializers: stringSerializers });
  const third = Math.ceil(RECORDS / 3);
  const send = async (part: Array<{ key: string; value: string }>): Promise<void> => {
    for (let i = 0; i < part.length; i += 250) await producer.send({ messages: part.slice(i, i + 250).map((r) => ({ topic: topics.input, key: r.key, value: r.value })) });
  };
  const counted = async (): Promise<number> => (await readOutputs(broker.bootstrap, topics)).seen.size;
  const shareAll = (ws: Child[]) => () => ws.every((w) => running(w) && (lastAssigned(w)?.units.length ?? 0) > 0) && ws.flatMap((w) => lastAssigned(w)!.units).sort().join(',') === '0,1,2';
  try {
    await send(input.slice(0, third));
    const a = start('worker-a');
    await waitFor('worker-a to run every unit', shareAll([a]));
    const b = start('worker-b', o.stop === 'term-remain');
    await waitFor('worker-a and worker-b to share the units', shareAll([a, b]));
    await waitFor('part of the first third counted', async () => (await counted()) >= third / 2);

    const before = { stops: logged(a, STOPPING).length, pauses: pausesOf(a), assigned: logged(a, ASSIGNED).length };
    const bLast = lastAssigned(b)!;
    o.log(`before the kill: worker-a ${JSON.stringify(lastAssigned(a))}, worker-b ${JSON.stringify(bLast)}`);
    const stoppedAt = Date.now();
    await kill(b, o.stop.startsWith('term') ? 'SIGTERM' : 'SIGKILL');
    await send(input.slice(third, 2 * third));
    if (!withinSession) {
      // The group expels worker-b after its session, or at once when it left: worker-a is rebalanced onto every unit.
      await waitFor('worker-a to take every unit', () => logged(a, ASSIGNED).length > before.assigned && shareAll([a])());
    }
    const restartedAt = Date.now();
    const b2 = start('worker-b');
    await waitFor('the restarted worker-b to run its units', shareAll([a, b2]));
    const b2Assigned = lastAssigned(b2)!;
    const b2Running = Number(logged(b2, RUNNING).at(-1)!.time);
    o.log(`${o.stop}: worker-b's units ran again ${b2Running - stoppedAt} ms after it was stopped (its restart began ${restartedAt - stoppedAt} ms after); worker-a paused ${pausesOf(a) - before.pauses} time(s) meanwhile`);
    o.log(`after the restart: worker-a ${JSON.stringify(lastAssigned(a))}, worker-b ${JSON.stringify(b2Assigned)}`);
    await send(input.slice(2 * third));
    await producer.send({ messages: endMarkers(topics.input, RECORDS) });

    let final = await readOutputs(broker.bootstrap, topics);
    await waitFor('every input counted and every window fired', async () => {
      final = await readOutputs(broker.bootstrap, topics);
      return final.seen.size >= RECORDS + 1 && [...expectedWindows.keys()].every((w) => final.windows.has(w));
    });

    if (withinSession) {
      assert.deepEqual(b2Assigned, { ...b2Assigned, units: bLast.units, generation: bLast.generation }, 'the restarted worker-b got its units back in the same generation');
      assert.equal(logged(a, STOPPING).length, before.stops, `worker-a never stopped its tasks\n${tails()}`);
      assert.equal(pausesOf(a), before.pauses, 'worker-a had no rebalance pause');
      assert.equal(logged(a, ASSIGNED).length, before.assigned, 'worker-a was not given a new assignment');
    } else {
      assert.ok(b2Assigned.generation > bLast.generation + 1, `two rebalances: the expulsion and the rejoin (generations ${bLast.generation} -> ${b2Assigned.generation})`);
      // Cooperative rebalancing: worker-a is given worker-b's units, then releases them to the restarted worker-b; its own units never stop.
      assert.ok(logged(a, ASSIGNED).length >= before.assigned + 2, 'worker-a was given new assignments at both rebalances');
      assert.equal(logged(a, STOPPING).length, before.stops, `worker-a never stopped all its tasks (its own units kept running)\n${tails()}`);
    }
    final.counts.delete('~end');
    final.countSequences.delete('~end');
    const missing: number[] = [];
    for (let seq = 0; seq < RECORDS; seq++) if (!final.seen.has(seq)) missing.push(seq);
    const r: CrashRunResult = { expectedCounts, expectedWindows, counts: final.counts, windows: final.windows, missing, countOutputs: final.countOutputs, countSequences: final.countSequences, windowOutputs: final.windowOutputs, duplicates: final.duplicates, kills: 1 };
    if (o.exactlyOnce) checkExactlyOnce(r, o.log);
    else checkAtLeastOnce(r, o.log);
  } finally {
    for (const w of workers) await kill(w, 'SIGKILL');
    await producer.close();
    cleanup();
  }
}

for (const exactlyOnce of [false, true]) {
  const mode = exactlyOnce ? 'exactly-once' : 'at-least-once';
  // npm test runs the exactly-once case; the at-least-once one is a long variant.
  test(`${mode}: a worker SIGKILLed and restarted with the same --instance-id within the session gets its units back; the other never stops its tasks`, exactlyOnce ? { timeout: 600_000 } : longVariant({ timeout: 600_000 }), async (t) => {
    await staticRestart({ exactlyOnce, stop: 'kill-within', log: (s) => t.diagnostic(s) });
  });
}

test('exactly-once: a worker stopped (SIGTERM) with --remain-in-group stays in the group; restarted, it gets its units back and the other never stops', { timeout: 600_000 }, async (t) => {
  await staticRestart({ exactlyOnce: true, stop: 'term-remain', log: (s) => t.diagnostic(s) });
});

test('at-least-once: a static worker stopped (SIGTERM) without --remain-in-group leaves the group at once; its restart is a normal rebalance', { timeout: 600_000 }, async (t) => {
  await staticRestart({ exactlyOnce: false, stop: 'term-leave', log: (s) => t.diagnostic(s) });
});

// A long variant: npm test covers its parts (the broker expels a static member after its session:
// test/broker/group/static-membership.test.ts, test/compat/static-membership.test.ts; workers rebalanced
// after a SIGKILLed worker's session: dynamic-membership.test.ts; a static worker's restart as a normal rebalance: 'term-leave' above).
test('at-least-once: restarted after the session timeout, the static worker comes back through normal rebalances', longVariant({ timeout: 600_000 }), async (t) => {
  await staticRestart({ exactlyOnce: false, stop: 'kill-after', log: (s) => t.diagnostic(s) });
});

test('--workers 2 --instance-id w: the threads are static members w-0 and w-1 of the job group (sluice groups describe shows them); SIGTERM makes both leave', { timeout: 300_000 }, async () => {
  const { dir, cleanup } = tempDir('sluice-static-threads-');
  const name = 'static-threads';
  const { env } = await countJobSetup(broker.bootstrap, name, {
    SLUICE_PARALLELISM: '2',
    // Far beyond the test: only a LeaveGroup can empty the group.
    SLUICE_GROUP_SESSION_TIMEOUT_MS: '900000',
    SLUICE_STATE_DIR: `${dir}/workers`,
  });
  const job = spawnSluice(['run', 'test/runtime/fixtures/count-job.ts', '--workers', '2', '--instance-id', 'w'], env);
  const wire = await BrokerConnection.open(broker.bootstrap, { clientId: 'static-threads-check' });
  try {
    const describe = async () => (await wire.request(ApiKey.DescribeGroups, { groups: [name], includeAuthorizedOperations: false })).groups[0]!;
    const members = async (): Promise<string[]> => {
      const g = await describe();
      return g.groupState === 'Stable' ? g.members.map((m) => String(m.groupInstanceId)).sort() : [];
    };
    await eventually(async () => (await members()).length === 2, 180_000, `two threads in the job group (${job.stderr().slice(-2000)})`);
    assert.deepEqual(await members(), ['w-0', 'w-1']);
    // `sluice groups describe` shows the instance ids.
    const described = spawnSluice(['--bootstrap', broker.bootstrap, 'groups', 'describe', name]);
    assert.equal(await described.exited, 0, described.stderr());
    assert.match(described.stdout(), /^MEMBER\s+INSTANCE ID\s+CLIENT ID\s+HOST\s+ASSIGNMENT$/m);
    assert.match(described.stdout(), /^w-0-\S+\s+w-0\s/m);
    assert.match(described.stdout(), /^w-1-\S+\s+w-1\s/m);
    // SIGTERM stops each thread like a process: both leave the group at once.
    await kill(job, 'SIGTERM');
    assert.equal(await job.exited, 143, job.stderr().slice(-2000));
    const after = await describe();
    assert.deepEqual(after.members.map((m) => m.groupInstanceId), [], `no member left behind (state ${after.groupState})`);
  } finally {
    wire.close();
    await kill(job, 'SIGKILL');
    cleanup();
  }
});

test('a second worker started with the same --instance-id takes over; the first stops (InstanceIdFencedError) instead of rejoining', { timeout: 300_000 }, async () => {
  const { dir, cleanup } = tempDir('sluice-static-dup-');
  const name = 'static-dup';
  const { env } = await countJobSetup(broker.bootstrap, name, { SLUICE_EXCHANGES: 'kafka', SLUICE_GROUP_SESSION_TIMEOUT_MS: '30000' });
  const start = (where: string): Child => spawnSluice(['run', 'test/runtime/fixtures/count-job.ts', '--instance-id', 'same'], { ...env, SLUICE_STATE_DIR: `${dir}/${where}` });
  const first = start('first');
  let second: Child | undefined;
  try {
    await eventually(() => running(first), 180_000, `the first worker to run (${first.stderr().slice(-2000)})`);
    second = start('second');
    const code = await first.exited;
    assert.equal(code, 1, 'the fenced worker fails');
    const said = first.stderr().split('\n').filter((l) => l.startsWith('sluice:')).join('\n');
    assert.match(said, /with this worker's instance id 'same' \(FENCED_INSTANCE_ID\)/, said);
    const s = second;
    await eventually(() => running(s) && lastAssigned(s)!.units.join(',') === '0,1,2', 180_000, `the second worker to run every unit (${s.stderr().slice(-2000)})`);
    assert.equal(s.process.exitCode, null, 'the newer worker goes on');
  } finally {
    await kill(first, 'SIGKILL');
    if (second !== undefined) await kill(second, 'SIGKILL');
    cleanup();
  }
});

test('an exactly-once job without Kafka exchanges joins its job group with the given --instance-id too', { timeout: 300_000 }, async () => {
  const { dir, cleanup } = tempDir('sluice-static-local-');
  const name = 'static-local-eo';
  const { env } = await countJobSetup(broker.bootstrap, name, { EXACTLY_ONCE: '1', SLUICE_STATE_DIR: `${dir}/workers`, SLUICE_GROUP_SESSION_TIMEOUT_MS: '30000' });
  const job = spawnSluice(['run', 'test/runtime/fixtures/count-job.ts', '--instance-id', 'solo'], env);
  const wire = await BrokerConnection.open(broker.bootstrap, { clientId: 'static-local-check' });
  try {
    const instances = async (): Promise<string[]> => {
      const g = (await wire.request(ApiKey.DescribeGroups, { groups: [name], includeAuthorizedOperations: false })).groups[0]!;
      return g.groupState === 'Stable' ? g.members.map((m) => String(m.groupInstanceId)) : [];
    };
    await eventually(async () => (await instances()).length === 1, 180_000, `the worker in its job group (${job.stderr().slice(-2000)})`);
    assert.deepEqual(await instances(), ['solo']);
    // Its transactional id names the instance.
    await eventually(() => job.stderr().includes('"transactionalId":"static-local-eo-tx-solo"'), 60_000, `the transactional id logged (${job.stderr().slice(-2000)})`);
  } finally {
    wire.close();
    await kill(job, 'SIGKILL');
    cleanup();
  }
});
