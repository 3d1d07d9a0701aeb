import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobMembership } from '../../../src/runtime/executor/job-membership.ts';
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
