import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Database, RootDatabase } from 'lmdb';
import type { KeyedBackendOptions, SnapshotEntry, StateBackend } from '../backend.ts';
import type { StateKind } from '../../core/state/descriptors.ts';
import { HeapKeyedStateBackend } from '../heap/heap-backend.ts';
import type { StateTableLike } from '../heap/state-table.ts';
import type { NamespaceSerializer } from '../../core/state/namespace.ts';
import type { LocalCopyRecord, LocalCopyStamp, LocalStateCopy } from '../local-copy.ts';
import { LmdbStateTable } from './lmdb-table.ts';

/** The database of the stamps, one per operator subtask (never a state's: those start with the uid). */
const STAMPS_DB = 'sluice:local-copy';

export interface LmdbStateBackendOptions {
  /** Directory of the LMDB environment (created if missing). */
  path: string;
  /** Entries kept in memory per state before dirty ones are written out (default 100,000). */
  cachedEntriesPerState?: number;
  /** Maximum number of (operator subtask, state) databases (default 10,000). */
  maxDbs?: number;
}

/**
 * Keyed state in LMDB (memory-mapped, on disk), for state larger than memory. Same semantics as
 * the heap backend — the same state handles run over an LMDB table with a write-back cache —
 * and synchronous reads. The local files are a working copy: durability comes from checkpoints
 * and the changelog, so the environment is opened without fsync. A job that checkpoints to Kafka
 * reuses the files after a restart when they are stamped with its last committed checkpoint (the
 * stamp is written after the commit and removed by the next write), else it empties them and
 * restores from the changelog.
 *
 * @example
 * ```ts
 * import { LmdbStateBackend, StreamExecutionEnvironment } from 'sluice';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment({
 *   stateBackend: new LmdbStateBackend({ path: './state' }),
 * });
 * ```
 */
export class LmdbStateBackend implements StateBackend {
  readonly name = 'lmdb';
  readonly options: LmdbStateBackendOptions;
  #root: RootDatabase | undefined;

  constructor(options: LmdbStateBackendOptions) {
    this.options = options;
  }

  /** @internal */
  root(): RootDatabase {
    if (this.#root === undefined) {
      mkdirSync(this.options.path, { recursive: true });
      // Loaded on first use, so that jobs on the heap backend never load the native module.
      const { open } = createRequire(import.meta.url)('lmdb') as typeof import('lmdb');
      this.#root = open({ path: this.options.path, maxDbs: this.options.maxDbs ?? 10_000, noSync: true, compression: false });
    }
    return this.#root;
  }

  /** @internal The stamps of the local copies (see {@link LocalStateCopy}). */
  stamps(): Database<LocalCopyStamp, string> {
    return (this.#stamps ??= this.root().openDB<LocalCopyStamp, string>({ name: STAMPS_DB }));
  }
  #stamps: Database<LocalCopyStamp, string> | undefined;

  createKeyedStateBackend(o: KeyedBackendOptions): LmdbKeyedStateBackend {
    return new LmdbKeyedStateBackend(this, o);
  }

  /** Closes the LMDB environment (after the jobs using it finished). */
  async close(): Promise<void> {
    await this.#root?.close();
    this.#root = undefined;
    this.#stamps = undefined;
  }
}

/**
 * The keyed state of one operator subtask in LMDB: one database per state, plus the side records
 * of its stamp (the timers). Until `useLocalCopy`, the first use of each database empties it (a
 * fresh start, or a restore from the changelog).
 */
export class LmdbKeyedStateBackend extends HeapKeyedStateBackend implements LocalStateCopy {
  readonly #owner: LmdbStateBackend;
  readonly #prefix: string;
  readonly #tables: LmdbStateTable[] = [];
  #reuse = false;
  /** Restored entries of states not registered yet, staged on disk by state name (kind). */
  readonly #staged = new Map<string, { kind: StateKind; count: number }>();
  /** Whether a stamp of this subtask may be stored (a write must remove it). */
  #stamped = true;
  #wiped = false;

  constructor(owner: LmdbStateBackend, o: KeyedBackendOptions) {
    super(o);
    this.#owner = owner;
    this.#prefix = `${o.operatorUid}/${o.subtaskIndex}/`;
  }

  #records(): Database<unknown, string> {
    return this.#owner.root().openDB<unknown, string>({ name: `${STAMPS_DB}:${this.#prefix}` });
  }

  readLocalCopy(): { stamp: LocalCopyStamp; records: LocalCopyRecord[] } | undefined {
    const stamp = this.#owner.stamps().get(this.#prefix);
    if (stamp === undefined) return undefined;
    const records: LocalCopyRecord[] = [];
    for (const { key, value } of this.#records().getRange()) records.push({ id: key, value });
    return { stamp, records };
  }

  useLocalCopy(stamp: LocalCopyStamp): void {
    if (this.#tables.length > 0) throw new Error(`the local copy of '${this.#prefix}' must be chosen before its states are used`);
    this.#reuse = true;
    this.epoch = Math.max(this.epoch, stamp.epoch);
  }

  stampLocalCopy(stamp: Omit<LocalCopyStamp, 'epoch'>, changes: readonly LocalCopyRecord[]): void {
    this.#wipeOnce();
    for (const t of this.#tables) t.flush();
    const records = this.#records();
    this.#owner.root().transactionSync(() => {
      for (const c of changes) {
        if (c.value === undefined) records.removeSync(c.id);
        else void records.put(c.id, c.value);
      }
      void this.#owner.stamps().put(this.#prefix, { ...stamp, epoch: this.epoch });
    });
    this.#stamped = true;
  }

  /** Inside a flush's LMDB transaction: the files are about to differ from the stamped checkpoint. */
  #invalidate(): void {
    if (!this.#stamped) return;
    this.#owner.stamps().removeSync(this.#prefix);
    this.#stamped = false;
  }

  /** A fresh start: no stamp, no side records (each state's database is emptied at its first use). */
  #wipeOnce(): void {
    if (this.#reuse || this.#wiped) return;
    this.#wiped = true;
    const records = this.#records();
    this.#owner.root().transactionSync(() => {
      this.#owner.stamps().removeSync(this.#prefix);
      records.clearSync();
    });
    this.#stamped = false;
  }

  #stagingDb(name: string): Database<SnapshotEntry, number> {
    return this.#owner.root().openDB<SnapshotEntry, number>({ name: `sluice:restore:${this.#prefix}${name}` });
  }

  /** Restored entries wait on disk, not on the heap, until their state is registered. */
  protected override keepRestored(name: string, kind: StateKind, entries: readonly SnapshotEntry[]): void {
    this.#wipeOnce();
    const db = this.#stagingDb(name);
    let staged = this.#staged.get(name);
    if (staged === undefined) {
      db.clearSync(); // left by a process that died while restoring
      this.#staged.set(name, (staged = { kind, count: 0 }));
    }
    const first = staged.count;
    this.#owner.root().transactionSync(() => {
      entries.forEach((e, i) => void db.put(first + i, e));
    });
    staged.count += entries.length;
  }

  /**
   * The staged entries in chunks, each read in a fresh read transaction and deleted once loaded:
   * one long read transaction over millions of entries would keep LMDB from reusing any page
   * freed meanwhile (the file and the resident memory would grow by the whole state).
   */
  protected override *takeRestored(name: string): Iterable<readonly SnapshotEntry[]> {
    const staged = this.#staged.get(name);
    if (staged === undefined) return;
    this.#staged.delete(name);
    const db = this.#stagingDb(name);
    const root = this.#owner.root();
    const CHUNK = 10_000;
    for (let from = 0; from < staged.count; from += CHUNK) {
      root.resetReadTxn();
      const end = Math.min(from + CHUNK, staged.count);
      yield [...db.getRange({ start: from, end })].map((e) => e.value);
      root.transactionSync(() => {
        for (let k = from; k < end; k++) db.removeSync(k);
      });
    }
    db.clearSync();
  }

  protected override *restoredEntries(): Iterable<[name: string, kind: StateKind, entry: SnapshotEntry]> {
    for (const [name, { kind }] of this.#staged) for (const { value } of this.#stagingDb(name).getRange()) yield [name, kind, value];
  }

  protected override createTable(name: string, ns: NamespaceSerializer<unknown>): StateTableLike {
    this.#wipeOnce();
    const db = this.#owner.root().openDB<never, never>({ name: this.#prefix + name });
    if (!this.#reuse) db.clearSync(); // a fresh job starts empty; restores load snapshots explicitly
    const table = new LmdbStateTable(db as never, ns, this, this.#owner.options.cachedEntriesPerState ?? 100_000, () => this.#invalidate());
    this.#tables.push(table);
    return table;
  }

  /** Bytes of this subtask's state in LMDB, as of the last write-out (every checkpoint writes the cache out). */
  stateSizeBytes(): number {
    let n = 0;
    for (const t of this.#tables) n += t.sizeBytes();
    return n;
  }

  protected override nextEpoch(): void {
    for (const t of this.#tables) {
      t.flush();
      t.epochEnded();
    }
    super.nextEpoch();
  }

  /** Drops the caches but keeps the files: they may be a stamped local copy. */
  protected override disposeTable(table: StateTableLike): void {
    (table as LmdbStateTable).dropCache();
  }

  override dispose(): void {
    super.dispose();
    this.#tables.length = 0;
  }
}
