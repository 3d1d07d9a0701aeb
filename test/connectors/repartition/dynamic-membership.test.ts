import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { checkAtLeastOnce, checkExactlyOnce } from '../../runtime/crash-harness.ts';
import { membershipRun, type MembershipRunResult } from '../../runtime/membership-harness.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
});
after(async () => {
  await broker.stop();
});

function reportPauses(r: MembershipRunResult, diagnostic: (s: string) => void): void {
  for (const p of r.pauses) diagnostic(`rebalance pause (${p.step}), worker ${p.worker}: ${p.pauseMs} ms (revocation -> tasks running)`);
  for (const s of r.settledMs) diagnostic(`${s.step}: ${s.ms} ms from the change of membership until every worker runs its new tasks`);
}

for (const exactlyOnce of [false, true]) {
  const mode = exactlyOnce ? 'exactly-once' : 'at-least-once';
  test(`${mode} with dynamic membership: 1 worker, 2 join while input flows, 1 killed (SIGKILL), 1 stopped (SIGTERM) — every record counted, window results correct`, { timeout: 900_000 }, async (t) => {
    const { dir, cleanup } = tempDir('sluice-members-');
    try {
      const r = await membershipRun({
        bootstrap: broker.bootstrap,
        name: exactlyOnce ? 'members-eo' : 'members-alo',
        records: 2_000,
        keys: 30,
        seed: exactlyOnce ? 53 : 47,
        stateDir: dir,
        exactlyOnce,
        sessionTimeoutMs: 6_000,
        log: (l) => t.diagnostic(l),
      });
      reportPauses(r, (s) => t.diagnostic(s));
      // The three workers shared the job: one unit (subtask of every stage) each.
      assert.deepEqual(r.threeWorkerUnits.map((u) => u.length), [1, 1, 1], `units with three workers: ${JSON.stringify(r.threeWorkerUnits)}`);
      if (exactlyOnce) checkExactlyOnce(r, (s) => t.diagnostic(s));
      else checkAtLeastOnce(r, (s) => t.diagnostic(s));
    } finally {
      cleanup();
    }
  });
}
