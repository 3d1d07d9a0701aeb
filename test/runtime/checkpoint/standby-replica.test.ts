import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChangelogReader } from '../../../src/kafka/changelog-reader.ts';
import { ChangelogWriter } from '../../../src/kafka/changelog-writer.ts';
import { encodeChangelogKey, type ChangelogChange } from '../../../src/kafka/changelog-codec.ts';
import { CheckpointLog } from '../../../src/kafka/checkpoint-log.ts';
import { keyGroupOf } from '../../../src/kafka/key-groups.ts';
import { encodePortable } from '../../../src/kafka/portable-codec.ts';
import { TransactionalCommitter } from '../../../src/kafka/transactional-committer.ts';
import { StandbyReplicas } from '../../../src/runtime/checkpoint/standby-replica.ts';
import { lmdbReplicaStore, memoryReplicaStore } from '../../../src/runtime/checkpoint/standby-store.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { readdirSync } from 'node:fs';
import { computeKeyGroupRangeForOperatorIndex } from '../../../src/runtime/partitioning/key-groups.ts';
import { ManualClock, systemClock } from '../../../src/util/clock.ts';
import { eventually } from '../../connectors/kafka-helpers.ts';
import { kafkaTestEnv } from '../../kafka/helpers.ts';

const MAX_P = 8;
const KINDS = ['memory', 'lmdb'] as const;
const jobOf = (kind: (typeof KINDS)[number]): string => `sb-${kind}`;
const topicOf = (job: string): string => `${job}-op-changelog`;
const env = kafkaTestEnv(
  {},
  KINDS.flatMap((k) => [{ name: topicOf(jobOf(k)), partitions: MAX_P, configs: { 'cleanup.policy': 'compact' } }, CheckpointLog.spec(jobOf(k))]),
);

type Model = Map<string, string>;
const idOf = (c: Pick<ChangelogChange, 'state' | 'key' | 'namespace'>): string => encodeChangelogKey(c.state, c.key, c.namespace).toString('hex');
const valueOf = (c: ChangelogChange): string => encodePortable([c.value, c.ttlTimestamp ?? null]).toString('hex');
function apply(model: Model, c: ChangelogChange): void {
  if (c.value === undefined) model.delete(idOf(c));
  else model.set(idOf(c), valueOf(c));
}
/** Unit 0 of an operator at parallelism 2: key groups 0..3. */
const UNIT0 = ((r) => Array.from({ length: r.size }, (_, i) => r.start + i))(computeKeyGroupRangeForOperatorIndex(MAX_P, 2, 0));
const inUnit0 = (c: ChangelogChange): boolean => UNIT0.includes(keyGroupOf(c.key, MAX_P));

let seed = 11;
function changes(n: number): ChangelogChange[] {
  const out: ChangelogChange[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const key = `k${seed % 300}`;
    // Besides plain keys: window-like namespaces and non-ASCII keys (record keys of any bytes).
    const kind = seed % 3;
    const state = kind === 0 ? 'count' : kind === 1 ? 'window-contents' : 'zählung';
    const namespace = kind === 1 ? { start: 1_700_000_000_000 + (seed % 5) * 10_000, end: 1_700_000_010_000 + (seed % 5) * 10_000 } : null;
    const k = kind === 2 ? `ключ-${seed % 300}-€` : key;
    out.push(seed % 7 === 0 ? { state, key: k, namespace, value: undefined } : { state, key: k, namespace, value: kind === 1 ? { sum: seed % 1000, at: 1_700_000_000_000n } : seed % 1000 });
  }
  return out;
}

for (const kind of KINDS) {
test(`${kind}: a replica holds exactly the committed changelog of its unit's key groups; replica + tail = a full restore`, { timeout: 120_000 }, async () => {
  const { dir, cleanup } = tempDir('sluice-replicas-');
  const JOB = jobOf(kind);
  const TOPIC = topicOf(JOB);
  const committer = new TransactionalCommitter(env.supplier(`${JOB}-worker`));
  await committer.init();
  const writer = new ChangelogWriter({ topic: TOPIC, maxParallelism: MAX_P, clock: new ManualClock(1_700_000_000_000) });
  await new CheckpointLog(JOB).writeJob(committer, { keyed: { op: MAX_P } });
  await committer.commit();
  const committed: Model = new Map();
  const checkpoint = async (n: number, commit: boolean): Promise<void> => {
    const cs = changes(n);
    await writer.write(cs, committer);
    if (!commit) return committer.abort();
    await committer.commit();
    for (const c of cs) if (inUnit0(c)) apply(committed, c);
  };
  await checkpoint(400, true);
  await checkpoint(300, false); // a failed checkpoint: never in a replica
  await checkpoint(400, true);

  const store = kind === 'memory' ? memoryReplicaStore() : lmdbReplicaStore(`${dir}/standby-replicas`);
  const replicas = new StandbyReplicas({ jobId: JOB, clock: systemClock, vertices: [{ uid: 'op', parallelism: 2 }], store });
  try {
    replicas.attach({ bootstrapBrokers: [env.bootstrap] });
    replicas.assign([0], [1]);
    await eventually(() => replicas.info().caughtUp.includes(0) && replicas.info().standbyLag['0'] === 0, 60_000, 'the replica to catch up (and its lag measured as 0)');
    assert.deepEqual(replicas.info(), { standbys: [0], caughtUp: [0], standbyLag: { 0: 0 } });
    assert.deepEqual(replicas.status().map((x) => [x.unit, x.caughtUp, x.lag]), [[0, true, 0]]);
    const atCatchUp = new Map(committed);
    // Another checkpoint commits, and one stays open (its records are past the last stable offset).
    await checkpoint(200, true);
    const open = changes(100);
    await writer.write(open, committer);

    const warm = replicas.take('op', [...UNIT0, 4]);
    assert.ok(warm !== undefined);
    assert.deepEqual([...warm.from.keys()].sort(), UNIT0, 'only the unit\'s key groups are replicated');
    const fromReplica: Model = new Map();
    for (const e of warm.entries) apply(fromReplica, e);
    // The replica read on after it caught up (it tails): it holds the state after the first or the last committed checkpoint, never anything else.
    const equalsOneOf = [atCatchUp, committed].some((m) => m.size === fromReplica.size && [...m].every(([k, v]) => fromReplica.get(k) === v));
    assert.ok(equalsOneOf, `the replica equals a committed state (replica ${fromReplica.size} entries, committed ${committed.size})`);
    assert.equal(warm.size, fromReplica.size);

    // Takeover: replica + the tail after it = the full read_committed restore of those key groups.
    const restored = new Map(fromReplica);
    const tail = await new ChangelogReader(env.supplier().consumer('tail')).restore(TOPIC, UNIT0, (e) => apply(restored, e), undefined, warm.from);
    const full: Model = new Map();
    const all = await new ChangelogReader(env.supplier().consumer('full')).restore(TOPIC, UNIT0, (e) => apply(full, e));
    assert.deepEqual(restored, full);
    assert.deepEqual(full, committed);
    assert.ok(tail.records < all.records, `the tail (${tail.records} records) is shorter than the changelog (${all.records})`);
    assert.equal(replicas.take('op', UNIT0), undefined, 'a replica is handed over once');
    await committer.abort();
  } finally {
    await replicas.close();
    await committer.close?.();
    if (kind === 'lmdb') assert.deepEqual(readdirSync(`${dir}/standby-replicas`), [], 'the replica files are removed at close');
    cleanup();
  }
});
}

test('replicas follow the assignment: a revoked one is dropped, one whose unit became active here waits for its restore', { timeout: 120_000 }, async () => {
  const JOB = jobOf('memory');
  const replicas = new StandbyReplicas({ jobId: JOB, clock: systemClock, vertices: [{ uid: 'op', parallelism: 2 }] });
  try {
    replicas.attach({ bootstrapBrokers: [env.bootstrap] });
    replicas.assign([0, 1], []);
    await eventually(() => replicas.info().caughtUp.length === 2, 60_000, 'both replicas to catch up');
    // Unit 0 becomes active here, unit 1 goes elsewhere.
    replicas.assign([], [0]);
    assert.deepEqual(replicas.info().standbys, []);
    assert.equal(replicas.take('op', [4, 5, 6, 7]), undefined, 'the revoked replica is gone');
    const parked = replicas.take('op', UNIT0);
    assert.ok(parked !== undefined && parked.size > 0, 'the replica of the unit that became active is handed to its restore');
    // A replica not taken by the next assignment's restore is dropped then.
    replicas.assign([1], []);
    await eventually(() => replicas.info().caughtUp.includes(1), 60_000, 'replica of unit 1 again');
    replicas.assign([], [1]);
    replicas.assign([], []);
    assert.equal(replicas.take('op', [4, 5, 6, 7]), undefined);
  } finally {
    await replicas.close();
  }
});
