import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangelogWriter } from '../../src/kafka/changelog-writer.ts';
import { ChangelogReader, type ChangelogEntry, type RestoreProgress } from '../../src/kafka/changelog-reader.ts';
import { encodeChangelogKey, type ChangelogChange } from '../../src/kafka/changelog-codec.ts';
import { decodePortable, encodePortable } from '../../src/kafka/portable-codec.ts';
import { keyGroupOf } from '../../src/kafka/key-groups.ts';
import { TransactionalCommitter } from '../../src/kafka/transactional-committer.ts';
import { AtLeastOnceCommitter } from '../../src/kafka/at-least-once-committer.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { kafkaTestEnv, kcatRead } from './helpers.ts';
import type { ClientSupplier } from '../../src/kafka/client-supplier.ts';

const MAX_P = 8;
const COMPACT_FAST = {
  'cleanup.policy': 'compact',
  'segment.bytes': '2048',
  'min.cleanable.dirty.ratio': '0.01',
  'min.compaction.lag.ms': '0',
  'delete.retention.ms': '0',
};

const env = kafkaTestEnv({ cleaner: { intervalMs: 50 } }, [
  { name: 'job-counter-changelog', partitions: MAX_P, configs: COMPACT_FAST },
  { name: 'job-alo-changelog', partitions: MAX_P, configs: { 'cleanup.policy': 'compact' } },
]);
const supplier = (transactionalId?: string): ClientSupplier => env.supplier(transactionalId);

/** The reference model: a map of (state, key, namespace) → entry, applied change by change. */
const idOf = (c: ChangelogChange) => encodeChangelogKey(c.state, c.key, c.namespace).toString('hex');
function applyTo(model: Map<string, ChangelogChange>, changes: readonly ChangelogChange[]): void {
  for (const c of changes) {
    if (c.value === undefined) model.delete(idOf(c));
    else model.set(idOf(c), c);
  }
}
/**
 * Portable-encoded form of a model, for comparison independent of object identity (namespaces
 * compare canonically: they are identities, and come back with sorted properties).
 */
function canonical(model: Map<string, ChangelogChange>): Map<string, string> {
  return new Map([...model].map(([k, c]) => [k, `${encodePortable(c.namespace, true).toString('hex')}:${encodePortable([c.state, c.key, c.value, c.ttlTimestamp ?? null]).toString('hex')}`]));
}
/** Asserts two models equal, with a short message instead of a dump of both. */
function sameState(actual: Map<string, ChangelogChange>, expected: Map<string, ChangelogChange>, what: string): void {
  const a = canonical(actual);
  const e = canonical(expected);
  const missing = [...e.keys()].filter((k) => !a.has(k)).length;
  const extra = [...a.keys()].filter((k) => !e.has(k)).length;
  const differ = [...e.keys()].filter((k) => a.has(k) && a.get(k) !== e.get(k)).length;
  assert.ok(missing === 0 && extra === 0 && differ === 0, `${what}: ${missing} missing, ${extra} extra, ${differ} different of ${e.size}`);
}

async function restoreAll(topic: string, keyGroups = Array.from({ length: MAX_P }, (_, i) => i)): Promise<{ model: Map<string, ChangelogChange>; entries: ChangelogEntry[]; progress: RestoreProgress[] }> {
  const model = new Map<string, ChangelogChange>();
  const entries: ChangelogEntry[] = [];
  const progress: RestoreProgress[] = [];
  const reader = new ChangelogReader(supplier().consumer('restore'), { progressEvery: 50 });
  await reader.restore(topic, keyGroups, (e) => {
    entries.push(e);
    const { keyGroup: _g, offset: _o, ...change } = e;
    applyTo(model, [change]);
  }, (p) => progress.push(p));
  return { model, entries, progress };
}

/** Checkpoint i's changes: counts per user, window sums, list state, deletes of some earlier keys. */
function checkpointChanges(i: number): ChangelogChange[] {
  const out: ChangelogChange[] = [];
  for (let u = 0; u < 40; u++) {
    const user = `user-${u}`;
    out.push({ state: 'count', key: user, namespace: null, value: i * 100 + u });
    out.push({ state: 'window-sum', key: user, namespace: { start: i * 10_000, end: (i + 1) * 10_000 }, value: { sum: BigInt(u) * 3n, n: i }, ttlTimestamp: 1_000 * i + u });
    if (u % 7 === i % 7) out.push({ state: 'window-sum', key: user, namespace: { start: (i - 1) * 10_000, end: i * 10_000 }, value: undefined });
  }
  out.push({ state: 'tuple', key: ['eu', 7], namespace: null, value: new Map([['a', [1, 2]]]) });
  out.push({ state: 'object-key', key: { user: 'u1', region: 'eu' }, namespace: null, value: [i] });
  // A key written then deleted in the same checkpoint: the delete wins.
  out.push({ state: 'count', key: 'ephemeral', namespace: null, value: 1 });
  out.push({ state: 'count', key: 'ephemeral', namespace: null, value: undefined });
  return out;
}

test('changelog round trip through transactions: committed checkpoints restore exactly, an aborted one leaves no trace, compaction changes nothing', async () => {
  const writer = new ChangelogWriter({ topic: 'job-counter-changelog', maxParallelism: MAX_P, clock: new ManualClock(1_700_000_000_000) });
  const committer = new TransactionalCommitter(supplier('job-worker-0'));
  await committer.init();
  const model = new Map<string, ChangelogChange>();
  let committedRecords = 0;
  for (let i = 1; i <= 6; i++) {
    const changes = checkpointChanges(i);
    const result = await writer.write(changes, committer);
    assert.ok(result.records < changes.length, 'one record per (state, key, namespace) per checkpoint');
    if (i === 4) {
      await committer.abort(); // a failed checkpoint: its changes must never be restored
      continue;
    }
    await committer.commit();
    committedRecords += result.records;
    applyTo(model, changes);
  }

  const first = await restoreAll('job-counter-changelog');
  sameState(first.model, model, 'restored state = committed changes, last write wins, tombstones delete');
  for (const e of first.entries) assert.equal(e.keyGroup, keyGroupOf(e.key, MAX_P), 'each record sits in its key group');
  const last = first.progress.at(-1)!;
  assert.equal(last.done, true);
  assert.equal(last.records, first.entries.length);
  assert.ok(last.bytes > 0 && last.seconds >= 0);
  assert.ok(first.progress.length > 1, 'progress is reported while restoring');

  // An object key comes back as it was written (property order), so user functions see the same key.
  const objectKey = first.entries.find((e) => e.state === 'object-key')!.key as object;
  assert.deepEqual(Object.keys(objectKey), ['user', 'region']);

  // The log cleaner (running every 50 ms) compacts and drops tombstones: restore again once it
  // has, and get the same state from fewer records.
  let second = await restoreAll('job-counter-changelog');
  for (let i = 0; i < 200 && second.entries.length >= committedRecords; i++) {
    await new Promise((r) => setTimeout(r, 100));
    second = await restoreAll('job-counter-changelog');
  }
  assert.ok(second.entries.length < committedRecords, `the cleaner compacted the changelog (${committedRecords} committed records → ${second.entries.length})`);
  sameState(second.model, model, 'compaction does not change the restored state');

  // librdkafka reading read_committed agrees on what is there. The cleaner may still be working
  // between the two reads (each round compacts a bit more), so compare once both reads agree on a
  // log that stopped changing; a real disagreement persists and fails.
  let kcatLines: string[] = [];
  let ours: string[] = [];
  for (let i = 0; i < 20; i++) {
    kcatLines = (await kcatRead(env.bootstrap, 'job-counter-changelog', 'read_committed', '%p %o\\n')).sort();
    ours = (await restoreAll('job-counter-changelog')).entries.map((e) => `${e.keyGroup} ${e.offset}`).sort();
    if (JSON.stringify(kcatLines) === JSON.stringify(ours)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.deepEqual(kcatLines, ours, 'same records, same partitions and offsets');
});

test('restoring a subset of key groups yields exactly the entries of those key groups', async () => {
  const owned = [1, 4, 6];
  const all = await restoreAll('job-counter-changelog');
  const some = await restoreAll('job-counter-changelog', owned);
  const expected = new Map([...all.model].filter(([, c]) => owned.includes(keyGroupOf(c.key, MAX_P))));
  sameState(some.model, expected, 'subset restore');
  assert.ok(some.model.size > 0 && some.model.size < all.model.size);
});

test('at-least-once changelog writes (idempotent producer) restore the same way', async () => {
  const writer = new ChangelogWriter({ topic: 'job-alo-changelog', maxParallelism: MAX_P });
  const committer = new AtLeastOnceCommitter(supplier());
  const model = new Map<string, ChangelogChange>();
  for (let i = 1; i <= 3; i++) {
    const changes = checkpointChanges(i);
    await writer.write(changes, committer);
    applyTo(model, changes);
  }
  const restored = await restoreAll('job-alo-changelog');
  sameState(restored.model, model, 'at-least-once restore');
});

test('a large checkpoint is chunked and fully acknowledged (50,000 changes)', async () => {
  const writer = new ChangelogWriter({ topic: 'job-alo-changelog', maxParallelism: MAX_P, chunkBytes: 64 * 1024 });
  const committer = new TransactionalCommitter(supplier('job-big'));
  await committer.init();
  const changes: ChangelogChange[] = Array.from({ length: 50_000 }, (_, i) => ({ state: 'big', key: `k${i}`, namespace: null, value: { i, pad: 'x'.repeat(20) } }));
  const result = await writer.write(changes, committer);
  await committer.commit();
  assert.equal(result.records, 50_000);
  const restored = await restoreAll('job-alo-changelog');
  const big = [...restored.model.values()].filter((c) => c.state === 'big');
  assert.equal(big.length, 50_000);
  assert.deepEqual(decodePortable(encodePortable(big.find((c) => c.key === 'k49999')!.value)), { i: 49_999, pad: 'x'.repeat(20) });
});
