import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobMembership, type UnitControl } from '../../../src/runtime/executor/job-membership.ts';
import { systemClock } from '../../../src/util/clock.ts';
import { kafkaTestEnv } from '../../kafka/helpers.ts';

const env = kafkaTestEnv({ groups: { minSessionTimeoutMs: 100, initialRebalanceDelayMs: 0 } });

/**
 * A worker as the executor drives it: waits for its assignment, "runs" the units (marks them in
 * `running`, checking no other worker runs them), and stops them when the membership revokes
 * them — taking a while, like a checkpoint that finishes.
 */
function fakeWorker(name: string, membership: JobMembership, running: Map<number, string>, violations: string[]) {
  let units: number[] = [];
  let closed = false;
  let release = (): void => {};
  const history: number[][] = [];
  const loop = (async () => {
    while (!closed) {
      let next: number[];
      try {
        next = await membership.nextAssignment(() => {
          if (closed) throw new Error('closed');
        });
      } catch {
        return;
      }
      for (const u of next) {
        const other = running.get(u);
        if (other !== undefined) violations.push(`unit ${u} assigned to ${name} while ${other} still runs it`);
        running.set(u, name);
      }
      units = next;
      history.push(next);
      const stopped = new Promise<void>((resolve) => {
        release = resolve;
        membership.running({
          stop: async () => {
            await sleep(150); // an in-flight checkpoint finishing
            for (const u of units) if (running.get(u) === name) running.delete(u);
            units = [];
            resolve();
          },
          fail: (e) => violations.push(`${name} failed: ${e.message}`),
        });
      });
      membership.resumed();
      await stopped;
      membership.running(undefined);
    }
  })();
  return {
    get units() {
      return units;
    },
    history,
    async close() {
      closed = true;
      await membership.close();
      for (const u of units) if (running.get(u) === name) running.delete(u);
      release();
      await loop;
    },
  };
}

const member = (jobId: string) => new JobMembership({ jobId, units: 6, hint: undefined, clock: systemClock, sessionTimeoutMs: 3_000, exactlyOnce: false });

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

test('workers joining and leaving: every unit runs in exactly one worker at a time, revoked units stop before they move, the assignment is balanced and sticky', { timeout: 120_000 }, async () => {
  const running = new Map<number, string>();
  const violations: string[] = [];
  const connection = { bootstrapBrokers: [env.bootstrap] };
  const ma = member('jm-job');
  await ma.join(connection);
  const a = fakeWorker('a', ma, running, violations);
  await until(() => a.units.length === 6, 'a to run every unit');

  const mb = member('jm-job');
  const joinB = mb.join(connection);
  const b = fakeWorker('b', mb, running, violations);
  await joinB;
  await until(() => a.units.length === 3 && b.units.length === 3, 'a and b to share the units');
  assert.deepEqual([...a.units, ...b.units].sort(), [0, 1, 2, 3, 4, 5]);

  const mc = member('jm-job');
  const joinC = mc.join(connection);
  const c = fakeWorker('c', mc, running, violations);
  await joinC;
  await until(() => a.units.length === 2 && b.units.length === 2 && c.units.length === 2, 'three workers with two units each');
  const withThree = { a: [...a.units], b: [...b.units], c: [...c.units] };
  // Sticky: a and b kept units they had with two workers.
  assert.ok(withThree.a.every((u) => a.history.at(-2)!.includes(u)), `a kept its own units: ${JSON.stringify(a.history)}`);
  assert.ok(withThree.b.every((u) => b.history.at(-2)!.includes(u)), `b kept its own units: ${JSON.stringify(b.history)}`);

  // b leaves: only its units move, a and c keep theirs.
  await b.close();
  await until(() => a.units.length === 3 && c.units.length === 3, 'a and c to take over b\'s units');
  assert.ok(withThree.a.every((u) => a.units.includes(u)) && withThree.c.every((u) => c.units.includes(u)), 'a and c kept their units when b left');
  assert.deepEqual([...a.units, ...c.units].sort(), [0, 1, 2, 3, 4, 5]);
  assert.ok(ma.pauses.length >= 3, `a logged a pause for each rebalance: ${ma.pauses}`);

  assert.deepEqual(violations, []);
  await a.close();
  await c.close();
});

test('offset commits carry the current generation and member id', { timeout: 60_000 }, async () => {
  const m = member('jm-meta');
  await m.join({ bootstrapBrokers: [env.bootstrap] });
  const meta = m.groupMetadata();
  assert.equal(meta.groupId, 'jm-meta');
  assert.ok(meta.generationId >= 1);
  assert.notEqual(meta.memberId, '');
  assert.deepEqual(m.assigned(), [0, 1, 2, 3, 4, 5]);
  await m.close();
});

/**
 * A worker that changes its units while it runs (cooperative rebalancing), as the executor drives
 * a real one: it starts with its first assignment, then hands the membership a UnitControl.
 * Every unit start and stop is checked against `running` (no unit in two workers at once).
 */
function cooperativeWorker(name: string, membership: JobMembership, running: Map<number, string>, violations: string[]) {
  const units = new Set<number>();
  const counts = { stops: 0, revoked: 0, added: 0, holds: 0 };
  /** The pause of each rebalance as the membership reports it to the metrics (0: every unit kept running). */
  const pauses: number[] = [];
  const start = (u: number): void => {
    const other = running.get(u);
    if (other !== undefined && other !== name) violations.push(`unit ${u} started in ${name} while ${other} still runs it`);
    running.set(u, name);
    units.add(u);
  };
  const stop = (u: number): void => {
    if (running.get(u) === name) running.delete(u);
    units.delete(u);
  };
  const control: UnitControl = {
    hold: async () => void counts.holds++,
    release: () => {},
    revoke: async (us) => {
      await sleep(100); // the checkpoint before the release
      counts.revoked += us.length;
      for (const u of us) stop(u);
    },
    add: async (us) => {
      await sleep(50); // restoring
      counts.added += us.length;
      for (const u of us) start(u);
    },
  };
  const started = (async () => {
    for (const u of await membership.nextAssignment(() => {})) start(u);
    membership.running({
      stop: async () => {
        counts.stops++;
        for (const u of [...units]) stop(u);
      },
      fail: (e) => violations.push(`${name} failed: ${e.message}`),
      units: control,
      rebalanced: (ms) => pauses.push(ms),
    });
  })();
  return {
    units: () => [...units].sort((a, b) => a - b),
    counts,
    pauses,
    started,
    async close() {
      await membership.close();
      for (const u of [...units]) stop(u);
    },
  };
}

test('cooperative: kept units never stop; units move only after their owner released them; joins and a leave settle balanced', { timeout: 120_000 }, async () => {
  const running = new Map<number, string>();
  const violations: string[] = [];
  const connection = { bootstrapBrokers: [env.bootstrap] };
  const ma = member('jm-coop');
  await ma.join(connection);
  const a = cooperativeWorker('a', ma, running, violations);
  await a.started;
  assert.deepEqual(a.units(), [0, 1, 2, 3, 4, 5]);

  const mb = member('jm-coop');
  await mb.join(connection);
  const b = cooperativeWorker('b', mb, running, violations);
  await until(() => a.units().length === 3 && b.units().length === 3, 'a and b to share the units');
  const aWithTwo = a.units();

  const mc = member('jm-coop');
  await mc.join(connection);
  const c = cooperativeWorker('c', mc, running, violations);
  await until(() => a.units().length === 2 && b.units().length === 2 && c.units().length === 2, 'three workers with two units each');
  assert.ok(a.units().every((u) => aWithTwo.includes(u)), 'a kept units it had');
  const aWithThree = a.units();

  await b.close();
  await until(() => a.units().length === 3 && c.units().length === 3, 'a and c to take over b\'s units');
  assert.ok(aWithThree.every((u) => a.units().includes(u)), 'a kept its units when b left');
  assert.deepEqual([...a.units(), ...c.units()].sort(), [0, 1, 2, 3, 4, 5]);
  // a ran its kept units throughout: it was never stopped, it released what moved and was given b's.
  assert.equal(a.counts.stops, 0);
  assert.equal(c.counts.stops, 0);
  assert.equal(a.counts.revoked, 4, 'a released 3 units to b, then 1 to c');
  assert.ok(a.counts.added >= 1, 'a was given a unit of b');
  assert.ok(a.counts.holds >= 3, 'a held its checkpoints at each rebalance');
  // Metrics: each rebalance of a is counted; those where it only kept units paused 0 ms, releases paused about the checkpoint (100 ms here).
  assert.ok(a.pauses.length >= 3, `a's rebalances were counted: ${a.pauses}`);
  assert.ok(a.pauses.includes(0), `a rebalance that kept every unit of a counts no pause: ${a.pauses}`);
  assert.ok(a.pauses.some((p) => p >= 100), `a release counts its checkpoint as the pause: ${a.pauses}`);
  assert.deepEqual(violations, []);
  await a.close();
  await c.close();
});
