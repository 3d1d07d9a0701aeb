import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestBroker } from '../helpers/broker.ts';
import { tempDir } from '../helpers/tmp-dir.ts';
import { checkAtLeastOnce, checkExactlyOnce, crashRun } from './crash-harness.ts';
import { longVariant } from '../helpers/long-variant.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
});
after(async () => {
  await broker.stop();
});

for (const backend of ['heap', 'lmdb'] as const) {
  // npm test runs exactly-once on LMDB and at-least-once on the heap (both guarantees, both backends); the other two are long variants.
  test(`exactly-once, ${backend}: a keyed job killed with SIGKILL 5 times writes every count and window sum exactly once (read_committed)`, backend === 'lmdb' ? { timeout: 600_000 } : longVariant({ timeout: 600_000 }), async (t) => {
    const { dir, cleanup } = tempDir('sluice-eo-');
    try {
      const r = await crashRun({ bootstrap: broker.bootstrap, name: `eo-${backend}`, records: 6_000, keys: 50, kills: 5, seed: 20 + backend.length, backend, stateDir: dir, exactlyOnce: true, log: (l) => t.diagnostic(l) });
      checkExactlyOnce(r, (s) => t.diagnostic(s));
    } finally {
      cleanup();
    }
  });
}

for (const backend of ['heap', 'lmdb'] as const) {
  test(`at-least-once, ${backend}: a keyed job killed with SIGKILL 5 times keeps its state (counts and window sums >= reference, nothing lost)`, backend === 'heap' ? { timeout: 600_000 } : longVariant({ timeout: 600_000 }), async (t) => {
    const { dir, cleanup } = tempDir('sluice-durable-');
    try {
      const r = await crashRun({ bootstrap: broker.bootstrap, name: `alo-${backend}`, records: 6_000, keys: 50, kills: 5, seed: 10 + backend.length, backend, stateDir: dir, log: (l) => t.diagnostic(l) });
      checkAtLeastOnce(r, (s) => t.diagnostic(s));
    } finally {
      cleanup();
    }
  });
}
