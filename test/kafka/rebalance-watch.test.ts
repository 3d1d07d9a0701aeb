import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Consumer } from '@platformatic/kafka';
import { RebalanceStats } from '../../src/metrics/worker-stats.ts';
import { watchRebalances } from '../../src/kafka/rebalance-watch.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { createTopics, eventually } from '../connectors/kafka-helpers.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { shared: 4 });
});
after(async () => {
  await broker?.stop();
});

test("a worker consumer's rebalance is counted when a second member joins its group; its first join is not", { timeout: 120_000 }, async () => {
  const stats = new RebalanceStats();
  const clock = new ManualClock(1_000);
  const stop = watchRebalances('sluice-job-r', clock, stats);
  const opts = { groupId: 'rebalanced', bootstrapBrokers: [broker.bootstrap], sessionTimeout: 10_000, heartbeatInterval: 200, rebalanceTimeout: 10_000 };
  const mine = new Consumer({ ...opts, clientId: 'sluice-job-r-source' });
  const other = new Consumer({ ...opts, clientId: 'another-app' });
  try {
    const s1 = await mine.consume({ topics: ['shared'], mode: 'earliest' });
    assert.equal(stats.total, 0, 'the first join is not a rebalance');
    assert.equal(stats.inProgress, false);
    const s2 = await other.consume({ topics: ['shared'], mode: 'earliest' });
    await eventually(() => stats.total >= 1, 60_000, 'the rebalance the second member caused');
    assert.equal(stats.failed, 0);
    assert.equal(stats.inProgress, false);
    assert.ok(stats.lastEndedAt === 1_000 && stats.latencyTotalMs === 0, 'times from the injected clock');
    await Promise.allSettled([s1.close(), s2.close()]);
  } finally {
    stop();
    await Promise.allSettled([mine.close(true), other.close(true)]);
  }
});
