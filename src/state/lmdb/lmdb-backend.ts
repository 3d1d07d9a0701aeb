import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RootDatabase } from 'lmdb';
import type { KeyedBackendOptions, StateBackend } from '../backend.ts';
import { HeapKeyedStateBackend } from '../heap/heap-backend.ts';
import type { StateTableLike } from '../heap/state-table.ts';
import type { NamespaceSerializer } from '../../core/state/namespace.ts';
import { LmdbStateTable } from './lmdb-table.ts';

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
 * (and later the changelog), so the environment is opened without fsync.
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

  createKeyedStateBackend(o: KeyedBackendOptions): LmdbKeyedStateBackend {
    return new LmdbKeyedStateBackend(this, o);
  }

  /** Closes the LMDB environment (after the jobs using it finished). */
  async close(): Promise<void> {
    await this.#root?.close();
    this.#root = undefined;
  }
}

/** The keyed state of one operator subtask in LMDB: one database per state. */
export class LmdbKeyedStateBackend extends HeapKeyedStateBackend {
  readonly #owner: LmdbStateBackend;
  readonly #prefix: string;
  readonly #tables: LmdbStateTable[] = [];

  constructor(owner: LmdbStateBackend, o: KeyedBackendOptions) {
    super(o);
    this.#owner = owner;
    this.#prefix = `${o.operatorUid}/${o.subtaskIndex}/`;
  }

  protected override createTable(name: string, ns: NamespaceSerializer<unknown>): StateTableLike {
    const db = this.#owner.root().openDB<never, never>({ name: this.#prefix + name });
    db.clearSync(); // a fresh job starts empty; restores load snapshots explicitly
    const table = new LmdbStateTable(db as never, ns, this, this.#owner.options.cachedEntriesPerState ?? 100_000);
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
    for (const t of this.#tables) t.flush();
    super.nextEpoch();
  }

  override dispose(): void {
    super.dispose();
    this.#tables.length = 0;
  }
}
