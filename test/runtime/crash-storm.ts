/**
 * The full-size crash test of issue 10 ("What it must show" 1), outside the suite:
 * `npm run test:crash [-- RECORDS KILLS SEED]` (default 200,000 records, 8 SIGKILLs). Runs the
 * keyed job exactly-once and at-least-once, on the heap and LMDB backends, against an embedded
 * broker, and exits non-zero if a check fails. The suite runs the same checks smaller
 * (test/runtime/durable-state.test.ts).
 */
import { startTestBroker } from '../helpers/broker.ts';
import { tempDir } from '../helpers/tmp-dir.ts';
import { checkAtLeastOnce, checkExactlyOnce, crashRun } from './crash-harness.ts';

const records = Number(process.argv[2] ?? 200_000);
const kills = Number(process.argv[3] ?? 8);
const seed = Number(process.argv[4] ?? Date.now() % 100_000);
const broker = await startTestBroker();
let failed = false;
try {
  for (const exactlyOnce of [true, false]) {
    for (const backend of ['heap', 'lmdb'] as const) {
      const what = `${exactlyOnce ? 'exactly-once' : 'at-least-once'}, ${backend}, ${records} records, ${kills} kills, seed ${seed}`;
      const { dir, cleanup } = tempDir('sluice-crash-');
      const started = Date.now();
      try {
        const r = await crashRun({ bootstrap: broker.bootstrap, name: `storm-${exactlyOnce ? 'eo' : 'alo'}-${backend}`, records, keys: 50, kills, seed, backend, stateDir: dir, exactlyOnce, log: (l) => console.log(`  ${l}`) });
        (exactlyOnce ? checkExactlyOnce : checkAtLeastOnce)(r, (s) => console.log(`  ${s}`));
        console.log(`ok   ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      } catch (e) {
        failed = true;
        console.log(`FAIL ${what}: ${(e as Error).message}`);
      } finally {
        cleanup();
      }
    }
  }
} finally {
  await broker.stop();
}
process.exit(failed ? 1 : 0);
