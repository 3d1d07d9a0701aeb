import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodePortable } from '../../kafka/portable-codec.ts';
import type { JobSnapshot } from '../executor/job-client.ts';
import { METADATA_FILE, SAVEPOINT_FORMAT, SAVEPOINT_VERSION, STATE_FILE_MAGIC, type SavepointFileEntry, type SavepointMetadata, type SavepointOperatorEntry } from './savepoint-format.ts';

/** What the writer needs besides the snapshot. */
export interface SavepointDescription {
  readonly jobId: string;
  readonly timestamp: number;
  /** Name, parallelism and per-subtask watermarks of each operator uid in the snapshot. */
  readonly operators: ReadonlyMap<string, { name: string; parallelism: number; watermarks: number[] }>;
}

/**
 * Writes `snapshot` as a new savepoint under `parentDir` and returns its path. Everything goes to
 * a hidden temp directory first, every file fsynced, `_metadata` last; then one rename makes it
 * visible. A crash before the rename leaves only the temp directory (no `_metadata` under the
 * final name), which no restore loads.
 */
export function writeSavepoint(parentDir: string, snapshot: JobSnapshot, d: SavepointDescription): string {
  const parent = resolve(parentDir);
  mkdirSync(parent, { recursive: true });
  const suffix = randomBytes(6).toString('hex');
  const name = `savepoint-${d.jobId}-${snapshot.checkpointId}-${suffix}`;
  const tmp = join(parent, `.${name}.inprogress`);
  const final = join(parent, name);
  mkdirSync(join(tmp, 'operators'), { recursive: true });
  try {
    const operators: SavepointOperatorEntry[] = [];
    let n = 0;
    for (const [uid, snaps] of Object.entries(snapshot.operators)) {
      const file = writeStateFile(tmp, `operators/${n++}.state`, snaps);
      const info = d.operators.get(uid);
      const maxParallelism = snaps.find((s) => s.keyed !== undefined)?.keyed?.maxParallelism;
      operators.push({ uid, name: info?.name ?? uid, parallelism: info?.parallelism ?? snaps.length, ...(maxParallelism !== undefined && { maxParallelism }), watermarks: info?.watermarks ?? [], ...file });
    }
    const uids = Object.fromEntries(Object.entries(snapshot.sources).map(([uid, states]) => [uid, states.length]));
    const sources = { ...writeStateFile(tmp, 'sources.state', snapshot.sources), uids };
    const metadata: SavepointMetadata = {
      format: SAVEPOINT_FORMAT,
      version: SAVEPOINT_VERSION,
      savepointId: `${d.jobId}-${snapshot.checkpointId}-${suffix}`,
      jobId: d.jobId,
      jobName: snapshot.jobName,
      checkpointId: snapshot.checkpointId,
      timestamp: d.timestamp,
      operators,
      sources,
    };
    writeDurably(join(tmp, METADATA_FILE), Buffer.from(`${JSON.stringify(metadata, null, 2)}\n`));
    fsyncDir(join(tmp, 'operators'));
    fsyncDir(tmp);
    renameSync(tmp, final);
    fsyncDir(parent);
    return final;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function writeStateFile(dir: string, file: string, content: unknown): SavepointFileEntry {
  const data = Buffer.concat([STATE_FILE_MAGIC, encodePortable(content)]);
  writeDurably(join(dir, file), data);
  return { file, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

function writeDurably(path: string, data: Buffer): void {
  const fd = openSync(path, 'wx', 0o644);
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
