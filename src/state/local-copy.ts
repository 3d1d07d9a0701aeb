/**
 * What a keyed state backend that keeps its state in local files (LMDB) records about them: the
 * checkpoint the files equal. The runtime reuses the files at start only when this stamp names the
 * job's last committed checkpoint; otherwise it wipes them and restores from the changelog.
 */
export interface LocalCopyStamp {
  /** The job whose checkpoint the files hold. */
  readonly jobId: string;
  /** The committed checkpoint the files equal. */
  readonly checkpointId: number;
  /**
   * The line of checkpoints that checkpoint belongs to (a random id the job record carries; a new
   * one when a job starts without checkpoints or from a savepoint, whose checkpoint ids start
   * again): checkpoint ids alone repeat across lines.
   */
  readonly lineage: string;
  /** Key groups of the operator (its max parallelism) and the range this subtask owned. */
  readonly maxParallelism: number;
  readonly keyGroups: readonly [start: number, end: number];
  /** The backend's write epoch after the stamp: entries in the files carry older epochs. */
  readonly epoch: number;
}

/** A change of the side records a stamp carries (the timers): a value, or undefined to delete. */
export interface LocalCopyRecord {
  readonly id: string;
  readonly value: unknown;
}

/**
 * A keyed state backend whose state outlives the process in local files. The files are a working
 * copy: between two stamps they may hold writes of a checkpoint that never committed, so a write
 * to them removes the stamp in the same local transaction.
 */
export interface LocalStateCopy {
  /** The stamp of the files and their side records, or undefined when they are not stamped. */
  readLocalCopy(): { stamp: LocalCopyStamp; records: LocalCopyRecord[] } | undefined;
  /** Keep the files (they equal the stamped checkpoint) instead of emptying them at first use. */
  useLocalCopy(stamp: LocalCopyStamp): void;
  /**
   * Called once the checkpoint is committed: writes out the state (it equals the checkpoint), then
   * the side-record changes and the stamp in one local transaction.
   */
  stampLocalCopy(stamp: Omit<LocalCopyStamp, 'epoch'>, changes: readonly LocalCopyRecord[]): void;
}

/** Whether a keyed backend keeps a local copy. */
export function hasLocalCopy(backend: unknown): backend is LocalStateCopy {
  return typeof (backend as Partial<LocalStateCopy> | undefined)?.stampLocalCopy === 'function';
}
