import { after, before, test } from 'node:test';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { checkExactlyOnce, crashRun } from '../../runtime/crash-harness.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
});
after(async () => {
  await broker.stop();
});

test('exactly-once through repartition topics: a keyed job killed with SIGKILL 3 times writes every count and window sum exactly once (read_committed)', { timeout: 600_000 }, async (t) => {
  const { dir, cleanup } = tempDir('sluice-eo-exchange-');
  try {
    const r = await crashRun({
      bootstrap: broker.bootstrap,
      name: 'eo-exchange',
      records: 3_000,
      keys: 40,
      kills: 3,
      seed: 31,
      backend: 'heap',
      stateDir: dir,
      exactlyOnce: true,
      // A restarted worker is a new member of the job's group: the coordinator waits for the killed one's session to
      // time out before the rebalance completes (45 s by default), so the test uses a short one.
      env: { SLUICE_EXCHANGES: 'kafka', SLUICE_GROUP_SESSION_TIMEOUT_MS: '6000', TXN_TIMEOUT_MS: '10000' },
      log: (l) => t.diagnostic(l),
    });
    checkExactlyOnce(r, (s) => t.diagnostic(s));
  } finally {
    cleanup();
  }
});
