import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { checkAtLeastOnce, checkExactlyOnce, makeInput, PARTITIONS, readOutputs, seeded } from '../../runtime/crash-harness.ts';
import { createTopics, eventually, kill, produce, spawnSluice } from '../kafka-helpers.ts';
import { membershipRun, type MembershipRunResult } from '../../runtime/membership-harness.ts';
import { longVariant } from '../../helpers/long-variant.ts';

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

for (const [exactlyOnce, backend] of [[false, 'heap'], [true, 'heap'], [true, 'lmdb']] as const) {
  const mode = `${exactlyOnce ? 'exactly-once' : 'at-least-once'}${backend === 'lmdb' ? ' (LMDB state, local copies)' : ''}`;
  // npm test runs the exactly-once LMDB case (it covers transactions and local copies); the heap ones are long variants.
  const options = backend === 'lmdb' ? { timeout: 900_000 } : longVariant({ timeout: 900_000 });
  test(`${mode} with dynamic membership: 1 worker, 2 join while input flows, 1 killed (SIGKILL), 1 stopped (SIGTERM) — every record counted, window results correct`, options, async (t) => {
    const { dir, cleanup } = tempDir('sluice-members-');
    try {
      const r = await membershipRun({
        bootstrap: broker.bootstrap,
        name: `members-${exactlyOnce ? 'eo' : 'alo'}${backend === 'lmdb' ? '-lmdb' : ''}`,
        backend,
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
      // Cooperative rebalancing: a worker never reopens (restarts) a unit it kept; it opens only the units added to it.
      for (const o of r.opened) t.diagnostic(`${o.step}: worker ${o.worker} opened count subtasks [${o.subtasks.join(',')}]`);
      assert.deepEqual(r.reopenedKept, [], 'kept units ran through every rebalance without a restart');
      assert.deepEqual(r.opened.find((o) => o.step === '2 workers joined' && o.worker === 0)?.subtasks, [], 'the first worker only released units when the others joined');
      assert.ok(r.opened.some((o) => o.subtasks.length > 0), 'units moved to workers that were running already');
      if (exactlyOnce) checkExactlyOnce(r, (s) => t.diagnostic(s));
      else checkAtLeastOnce(r, (s) => t.diagnostic(s));
    } finally {
      cleanup();
    }
  });
}

test('--workers 3 (worker threads) join the job group like processes: one unit each; every record counted', { timeout: 300_000 }, async (t) => {
  const { dir, cleanup } = tempDir('sluice-members-threads-');
  const name = 'members-threads';
  const topics = { input: `${name}-in`, counts: `${name}-counts`, windows: `${name}-windows` };
  await createTopics(broker.bootstrap, { [topics.input]: PARTITIONS, [topics.counts]: PARTITIONS, [topics.windows]: PARTITIONS });
  const { input } = makeInput(600, 20, seeded(61));
  await produce(broker.bootstrap, topics.input, input);
  const job = spawnSluice(['run', 'test/runtime/fixtures/count-job.ts', '--workers', '3'], {
    SLUICE_BOOTSTRAP: broker.bootstrap,
    SLUICE_LOG_LEVEL: 'info',
    SLUICE_PARALLELISM: '3',
    SLUICE_GROUP_SESSION_TIMEOUT_MS: '6000',
    SLUICE_STATE_DIR: `${dir}/workers`,
    INPUT: topics.input,
    COUNTS: topics.counts,
    WINDOWS: topics.windows,
    GROUP: name,
    JOB_ID: name,
    CHECKPOINT_MS: '200',
    STATE_BACKEND: 'heap',
    EXACTLY_ONCE: '0',
  });
  try {
    const assignments = () =>
      job
        .stderr()
        .split('\n')
        .filter((l) => l.includes('job group: tasks assigned'))
        .map((l) => JSON.parse(l) as { units: number[]; generation: number });
    const lastGeneration = () => {
      const all = assignments();
      const last = Math.max(...all.map((a) => a.generation));
      return all.filter((a) => a.generation === last).map((a) => JSON.stringify(a.units)).sort();
    };
    // The first thread often gets every unit before the others have joined (and may count all 600 inputs
    // alone): wait for the rebalances that bring all three threads in — cooperative: the first revokes
    // units from their owner, the follow-up gives them to the new threads — then for every input counted.
    await eventually(async () => lastGeneration().length === 3 && !lastGeneration().includes('[]'), 180_000, `three threads with a unit each in one generation (${job.stderr().slice(-2000)})`);
    await eventually(async () => (await readOutputs(broker.bootstrap, topics)).seen.size >= 600, 180_000, `every input counted (${job.stderr().slice(-2000)})`);
    t.diagnostic(`assignments (generation: units): ${assignments().map((a) => `${a.generation}: ${JSON.stringify(a.units)}`).join(', ')}`);
    // The latest generation gives each of the three threads one unit.
    assert.deepEqual(lastGeneration(), ['[0]', '[1]', '[2]']);
  } finally {
    await kill(job, 'SIGKILL');
    cleanup();
  }
});
