/**
 * The on-disk savepoint format, version 1 (documented in docs/internals/savepoint-format.md).
 * A savepoint is a directory `savepoint-<jobId>-<checkpointId>-<random>` holding one state file
 * per operator uid (`operators/<n>.state`), the readers' positions (`sources.state`), both in the
 * portable value encoding, and `_metadata` (JSON), written last, which lists every file with its
 * size and SHA-256. Nothing in it depends on the state backend or on the parallelism: keyed
 * state is split by key group.
 */
export const SAVEPOINT_FORMAT = 'sluice-savepoint';
export const SAVEPOINT_VERSION = 1;
export const METADATA_FILE = '_metadata';
/** The first bytes of every state file (then the portable encoding of its content). */
export const STATE_FILE_MAGIC = Buffer.from('SLSP1\n');

/** One state file as `_metadata` lists it. */
export interface SavepointFileEntry {
  /** Relative to the savepoint directory, '/'-separated. */
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** What `_metadata` says about one operator. */
export interface SavepointOperatorEntry extends SavepointFileEntry {
  readonly uid: string;
  readonly name: string;
  /** Subtasks that wrote state (the parallelism it ran with). */
  readonly parallelism: number;
  /** Key groups of its keyed state (its max parallelism); absent for operators without keyed state. */
  readonly maxParallelism?: number;
  /** The event-time watermark of each subtask when the savepoint was taken (informational). */
  readonly watermarks: readonly number[];
}

/** The content of `_metadata`. */
export interface SavepointMetadata {
  readonly format: typeof SAVEPOINT_FORMAT;
  readonly version: number;
  /** Unique id of this savepoint (a job remembers the savepoint it started from). */
  readonly savepointId: string;
  readonly jobId: string;
  readonly jobName: string;
  readonly checkpointId: number;
  /** Job clock time the savepoint was taken at (ms since the epoch). */
  readonly timestamp: number;
  readonly operators: readonly SavepointOperatorEntry[];
  /** Reader positions by source uid, one per subtask (`sources.state`). */
  readonly sources: SavepointFileEntry & { readonly uids: Readonly<Record<string, number>> };
}
