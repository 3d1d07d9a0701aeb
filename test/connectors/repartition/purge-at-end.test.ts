import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consumer } from '@platformatic/kafka';
import { startTestBroker } from '../../helpers/broker.ts';
import { createTopics, produce, spawnSluice } from '../kafka-helpers.ts';
import { equivalenceInput } from './equivalence-job.ts';

// Internal topics stay bounded: what a reader consumed is deleted (DeleteRecords) after the
// checkpoint that consumed it — the last one too, which a bounded job takes as it ends.

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { 'purge-input': 3 });
  await produce(broker.bootstrap, 'purge-input', equivalenceInput(2_000, 30, 11));
});
after(async () => {
  await broker.stop();
});

test('a bounded job through repartition topics leaves none of the records it consumed in them', { timeout: 180_000 }, async () => {
  // `sluice run` ends its process once the job has finished: the purge must be done by then.
  const run = spawnSluice(['run', 'test/connectors/repartition/fixtures/equivalence-run.ts', '--exchanges', 'kafka'], { SLUICE_BOOTSTRAP: broker.bootstrap, INPUT: 'purge-input', OUTPUT: 'purge-output', JOB_ID: 'purge-end' });
  assert.equal(await run.exited, 0, run.stderr());
  const consumer = new Consumer({ clientId: 'purge-probe', groupId: 'purge-probe', bootstrapBrokers: [broker.bootstrap] });
  try {
    const topics = ['purge-end-rebalanced-repartition', 'purge-end-timers-repartition', 'purge-end-window-sum-repartition'];
    const partitions = Object.fromEntries(topics.map((t) => [t, [0, 1, 2, 3, 4, 5, 6, 7]]));
    const earliest = await consumer.listOffsets({ topics, partitions, timestamp: -2n, isolationLevel: 0 });
    const latest = await consumer.listOffsets({ topics, partitions, timestamp: -1n, isolationLevel: 0 });
    let written = 0n;
    for (const t of topics) {
      for (let p = 0; p < 8; p++) {
        const end = latest.get(t)![p]!;
        written += end;
        assert.equal(earliest.get(t)![p], end, `${t}/${p}: records from ${earliest.get(t)![p]} to ${end} were consumed and are still there`);
      }
    }
    assert.ok(written > 6_000n, 'the records went through the repartition topics');
  } finally {
    await consumer.close();
  }
});
