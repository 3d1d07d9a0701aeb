import { after, before, test } from 'node:test';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { checkAtLeastOnce, crashRun } from '../../runtime/crash-harness.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
});
after(async () => {
  await broker.stop();
});

// Windows used to stop firing after these restarts: each subtask of a keyed operator restored every
// subtask's timers into its timer tracker, whose next checkpoint wrote tombstones for the timers of the
// other subtasks (fixed in DurableState.recover; focused test: test/runtime/checkpoint/timers-across-restarts.test.ts).
test('at-least-once across rescaling: 1 worker, SIGKILL, 3 worker processes, SIGKILL, 2, SIGKILL, 1 — nothing lost, state kept (counts and window sums >= reference)', { timeout: 600_000 }, async (t) => {
  const { dir, cleanup } = tempDir('sluice-rescale-');
  const workers = [1, 3, 2, 1];
  try {
    const r = await crashRun({
      bootstrap: broker.bootstrap,
      name: 'rescale',
      records: 3_000,
      keys: 40,
      kills: 3,
      seed: 41,
      backend: 'heap',
      stateDir: dir,
      env: { SLUICE_EXCHANGES: 'kafka', SLUICE_PARALLELISM: '3', SLUICE_GROUP_SESSION_TIMEOUT_MS: '6000', TXN_TIMEOUT_MS: '10000' },
      workers: (i) => workers[i] ?? 1,
      log: (l) => t.diagnostic(l),
    });
    checkAtLeastOnce(r, (s) => t.diagnostic(s));
  } finally {
    cleanup();
  }
});
