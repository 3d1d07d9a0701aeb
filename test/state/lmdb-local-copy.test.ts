import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbStateBackend, ValueStateDescriptor, assignToKeyGroup } from 'sluice';
import { ManualClock } from 'sluice/testing';
import { voidNamespaceSerializer } from '../../src/core/state/namespace.ts';
import type { LmdbKeyedStateBackend } from '../../src/state/lmdb/lmdb-backend.ts';

// The LMDB backend's local copy (issue 10, Recovery): stamped only by `stampLocalCopy` (after a
// committed checkpoint), unstamped by the first later write in the same LMDB transaction, reused
// only when asked, emptied otherwise.

const keyGroupOf = (k: unknown): number => assignToKeyGroup(k, 128);
const STAMP = { jobId: 'j', checkpointId: 7, lineage: 'line-1', maxParallelism: 128, keyGroups: [0, 127] as const };

function open(path: string, cached = 100): { owner: LmdbStateBackend; b: LmdbKeyedStateBackend } {
  const owner = new LmdbStateBackend({ path, cachedEntriesPerState: cached });
  const b = owner.createKeyedStateBackend({ operatorUid: 'count', subtaskIndex: 0, clock: new ManualClock(0), trackChanges: true, maxParallelism: 128, keyGroupOf });
  return { owner, b };
}

function countState(b: LmdbKeyedStateBackend) {
  return b.getOrCreateState(new ValueStateDescriptor<number>('n', 0), voidNamespaceSerializer);
}

test('LMDB local copy: a stamped copy survives a restart and is reused with its data, side records and epoch', async () => {
  const path = mkdtempSync(join(tmpdir(), 'sluice-local-'));
  {
    const { owner, b } = open(path);
    const n = countState(b);
    for (let k = 0; k < 50; k++) {
      b.setCurrentKey(`k${k}`);
      n.update(k);
    }
    b.changesPersisted();
    b.stampLocalCopy(STAMP, [{ id: 't1', value: { state: 's', key: 'k1', namespace: [null, 5] } }, { id: 't2', value: 2 }]);
    b.stampLocalCopy({ ...STAMP, checkpointId: 8 }, [{ id: 't2', value: undefined }]);
    b.dispose(); // a graceful stop keeps the files
    await owner.close();
  }
  const { owner, b } = open(path);
  const copy = b.readLocalCopy();
  assert.ok(copy !== undefined, 'the stamp is there after a restart');
  assert.equal(copy.stamp.checkpointId, 8);
  assert.equal(copy.stamp.jobId, 'j');
  assert.deepEqual(copy.records, [{ id: 't1', value: { state: 's', key: 'k1', namespace: [null, 5] } }]);
  b.useLocalCopy(copy.stamp);
  const n = countState(b);
  b.setCurrentKey('k42');
  assert.equal(n.value(), 42, 'the reused copy keeps the state');
  assert.deepEqual(b.changesSinceLastSnapshot(), [], 'reused entries are not changes (the epoch continues after the stamp)');
  b.setCurrentKey('k1');
  n.update(100);
  assert.deepEqual(b.changesSinceLastSnapshot().map((c) => [c.key, c.value]), [['k1', 100]]);
  b.dispose();
  await owner.close();
});

test('LMDB local copy: the first write after the stamp (a cache eviction between checkpoints) removes it', async () => {
  const path = mkdtempSync(join(tmpdir(), 'sluice-local-'));
  const { owner, b } = open(path, 3);
  const n = countState(b);
  b.setCurrentKey('a');
  n.update(1);
  b.changesPersisted();
  b.stampLocalCopy(STAMP, []);
  assert.equal(b.readLocalCopy()?.stamp.checkpointId, 7);
  b.setCurrentKey('b');
  n.update(2); // cached only: the files still equal checkpoint 7
  assert.equal(b.readLocalCopy()?.stamp.checkpointId, 7);
  for (let k = 0; k < 5; k++) {
    b.setCurrentKey(`x${k}`);
    n.update(k); // the cache holds 3: evicting writes to LMDB
  }
  assert.equal(b.readLocalCopy(), undefined, 'writes of an uncommitted checkpoint reached the files: no stamp');
  b.dispose();
  await owner.close();
});

test('LMDB local copy: without useLocalCopy a restart empties the files and drops the stamp', async () => {
  const path = mkdtempSync(join(tmpdir(), 'sluice-local-'));
  {
    const { owner, b } = open(path);
    const n = countState(b);
    b.setCurrentKey('a');
    n.update(1);
    b.changesPersisted();
    b.stampLocalCopy(STAMP, [{ id: 't', value: 1 }]);
    b.dispose();
    await owner.close();
  }
  const { owner, b } = open(path);
  const n = countState(b);
  b.setCurrentKey('a');
  assert.equal(n.value(), 0, 'emptied');
  assert.equal(b.readLocalCopy(), undefined, 'stamp and side records gone');
  b.dispose();
  await owner.close();
});

test('LMDB backend: the changes since the last checkpoint include entries the cache evicted, and only those of the current epoch', async () => {
  const path = mkdtempSync(join(tmpdir(), 'sluice-local-'));
  const { owner, b } = open(path, 3);
  const n = countState(b);
  for (let k = 0; k < 20; k++) {
    b.setCurrentKey(`k${k}`);
    n.update(k);
  }
  assert.equal(b.changesSinceLastSnapshot().length, 20, 'written in this epoch, most of them evicted to LMDB');
  b.changesPersisted();
  assert.deepEqual(b.changesSinceLastSnapshot(), []);
  for (const k of [3, 17]) {
    b.setCurrentKey(`k${k}`);
    n.update(100 + k);
  }
  for (let k = 0; k < 20; k++) {
    b.setCurrentKey(`k${k}`);
    n.value(); // reads cycle the cache: the two changed entries get evicted
  }
  b.setCurrentKey('k5');
  n.clear();
  const changes = b.changesSinceLastSnapshot().map((c) => [c.key, c.value]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
  assert.deepEqual(changes, [['k17', 117], ['k3', 103], ['k5', undefined]]);
  b.dispose();
  await owner.close();
});
