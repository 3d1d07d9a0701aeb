import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { Database, RootDatabase } from 'lmdb';
import type { ChangelogEntry } from '../../kafka/changelog-reader.ts';
import { decodeChangelogRecord, type ChangelogChange } from '../../kafka/changelog-codec.ts';
import { processAlive } from '../../util/process-alive.ts';

/** The entries of one replicated key group: the last record per record key. */
export interface ReplicaEntries {
  readonly size: number;
  /** A record: `change` is its decoded form (value undefined = a tombstone). */
  apply(id: string, key: Buffer, value: Buffer | null, change: ChangelogChange, offset: bigint): void;
  /** The entries, for a restore. */
  values(): Iterable<ChangelogEntry>;
  /** Forgets the entries (a revoked or handed-over replica). */
  drop(): void;
}

/** Where replicas keep their entries: on the heap, or in local LMDB files (state larger than memory). */
export interface ReplicaStore {
  readonly kind: 'memory' | 'lmdb';
  entries(group: string, keyGroup: number): ReplicaEntries;
  /** Runs `fn`, which applies records, as one local transaction (LMDB) or directly (memory). */
  batch(fn: () => void): void;
  close(): Promise<void>;
}

/** Replicas on the heap, decoded: a takeover hands them over without decoding. */
export function memoryReplicaStore(): ReplicaStore {
  return {
    kind: 'memory',
    entries: (_group, keyGroup) => {
      const map = new Map<string, ChangelogEntry>();
      return {
        get size() {
          return map.size;
        },
        apply(id, _key, _value, change, offset) {
          if (change.value === undefined) map.delete(id);
          else map.set(id, { ...change, keyGroup, offset });
        },
        values: () => map.values(),
        drop: () => map.clear(),
      } satisfies ReplicaEntries;
    },
    batch: (fn) => fn(),
    close: async () => {},
  };
}

/**
 * Replicas in an LMDB environment of their own under `dir` (one directory per process and thread,
 * emptied at start: a replica does not outlive its worker), raw record bytes, one database per
 * key group (dropped at once when the replica goes). For jobs on the LMDB backend, whose state may
 * not fit in memory; a takeover decodes the entries as it reads them.
 */
export function lmdbReplicaStore(dir: string): ReplicaStore {
  const path = join(dir, `${process.pid}-${threadId}`);
  removeStale(dir);
  rmSync(path, { recursive: true, force: true });
  let root: RootDatabase | undefined;
  const open = (): RootDatabase => {
    if (root === undefined) {
      mkdirSync(path, { recursive: true });
      const { open: openLmdb } = createRequire(import.meta.url)('lmdb') as typeof import('lmdb');
      root = openLmdb({ path, maxDbs: 100_000, noSync: true, compression: false });
    }
    return root;
  };
  let dbs = 0;
  return {
    kind: 'lmdb',
    entries: (group, keyGroup) => {
      let db: Database<Buffer, Buffer> | undefined;
      const name = `${group}#${dbs++}`;
      // Keys are the record keys' bytes as they are (no ordered-binary interpretation of them).
      const dbOf = (): Database<Buffer, Buffer> => (db ??= open().openDB<Buffer, Buffer>({ name, encoding: 'binary', keyEncoding: 'binary' }));
      let size = 0;
      return {
        get size() {
          return size;
        },
        apply(_id, key, value, change) {
          const d = dbOf();
          const had = d.doesExist(key);
          if (change.value === undefined || value === null) {
            if (had) {
              d.removeSync(key);
              size--;
            }
            return;
          }
          d.putSync(key, value);
          if (!had) size++;
        },
        *values() {
          if (db === undefined) return;
          for (const { key, value } of db.getRange()) {
            // LMDB hands out views of its own memory, reused by the next read: decode copies.
            yield { ...decodeChangelogRecord(Buffer.from(key), Buffer.from(value)), keyGroup, offset: 0n };
          }
        },
        drop() {
          db?.dropSync();
          db = undefined;
          size = 0;
        },
      } satisfies ReplicaEntries;
    },
    batch: (fn) => {
      open().transactionSync(fn);
    },
    close: async () => {
      await root?.close();
      root = undefined;
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/**
 * The store for a job's state backend: LMDB files next to the backend's own (`<path>/standby-replicas`)
 * when the job keeps its state in LMDB, else the heap.
 */
export function replicaStoreFor(backend: unknown): ReplicaStore {
  const b = backend as { name?: string; options?: { path?: unknown } } | undefined;
  return b?.name === 'lmdb' && typeof b.options?.path === 'string' ? lmdbReplicaStore(join(b.options.path, 'standby-replicas')) : memoryReplicaStore();
}

/** Directories of processes that are gone (killed before they could remove theirs). */
function removeStale(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    if (!Number.isInteger(pid) || pid === process.pid || processAlive(pid)) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
  }
}
