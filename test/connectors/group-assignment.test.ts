import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Admin, Consumer, stringDeserializers } from '@platformatic/kafka';
import { startTestBroker } from '../helpers/broker.ts';
import { createTopics, eventually, kill, produce, spawnSluice, type Child } from './kafka-helpers.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let bootstrap: string;

before(async () => {
  broker = await startTestBroker();
  bootstrap = broker.bootstrap;
  await createTopics(bootstrap, { shared: 4, 'shared-out': 1 });
});
after(async () => {
  await broker.stop();
});

/** Partitions per member of the group. */
async function assignment(admin: Admin, group: string): Promise<number[]> {
  const g = (await admin.describeGroups({ groups: [group] })).get(group);
  if (g === undefined || g.state.toUpperCase() !== 'STABLE') return [];
  return [...g.members.values()].map((m) => [...(m.assignments?.values() ?? [])].reduce((n, a) => n + a.partitions.length, 0)).sort();
}

test("partitionAssignment 'group': two job processes share the partitions; when one dies the other takes over", { timeout: 60_000 }, async () => {
  const env = { SLUICE_BOOTSTRAP: bootstrap, INPUT: 'shared', OUTPUT: 'shared-out', GROUP: 'shared-job' };
  const seen = new Set<string>();
  const reader = new Consumer({ clientId: 'shared-reader', groupId: 'shared-reader', bootstrapBrokers: [bootstrap], deserializers: stringDeserializers });
  const stream = await reader.consume({ topics: ['shared-out'], mode: 'earliest', maxWaitTime: 100 });
  stream.on('data', (m) => seen.add(String(m.value)));
  const admin = new Admin({ clientId: 'shared-admin', bootstrapBrokers: [bootstrap] });
  const jobs: Child[] = [spawnSluice(['run', 'test/connectors/fixtures/group-copy-job.ts'], env), spawnSluice(['run', 'test/connectors/fixtures/group-copy-job.ts'], env)];
  try {
    await eventually(async () => (await assignment(admin, 'shared-job')).join() === '2,2', 30_000, 'two members with two partitions each');
    const batch = (from: number) => Array.from({ length: 400 }, (_, i) => ({ partition: i % 4, value: `m-${from + i}` }));
    await produce(bootstrap, 'shared', batch(0));
    await eventually(() => seen.size === 400, 15_000, `the first 400 results (have ${seen.size})`);

    await kill(jobs[0]!, 'SIGKILL');
    await produce(bootstrap, 'shared', batch(400));
    await eventually(async () => (await assignment(admin, 'shared-job')).join() === '4', 30_000, 'one member with all four partitions');
    await eventually(() => seen.size === 800, 15_000, `all 800 results (have ${seen.size})`);
    for (let i = 0; i < 800; i++) assert.ok(seen.has(`M-${i}`), `M-${i} is missing`);

    // Ctrl-C / SIGTERM stops the job cleanly: its consumer leaves the group at once.
    const stopped = Date.now();
    await kill(jobs[1]!, 'SIGTERM');
    assert.equal(await jobs[1]!.exited, 143);
    await eventually(async () => (await admin.describeGroups({ groups: ['shared-job'] })).get('shared-job')?.members.size === 0, 5000, 'the group to empty');
    assert.ok(Date.now() - stopped < 5000, 'left without waiting for the session timeout');
  } finally {
    for (const j of jobs) await kill(j);
    await stream.close();
    await Promise.all([reader.close(true), admin.close()]);
  }
});
