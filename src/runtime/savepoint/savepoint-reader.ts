import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SavepointFormatError } from '../../core/errors/savepoint-errors.ts';
import { decodePortable } from '../../kafka/portable-codec.ts';
import type { JobSnapshot } from '../executor/job-client.ts';
import type { OperatorSnapshot } from '../operators/operator.ts';
import { METADATA_FILE, SAVEPOINT_FORMAT, SAVEPOINT_VERSION, STATE_FILE_MAGIC, type SavepointFileEntry, type SavepointMetadata } from './savepoint-format.ts';

/** A loaded savepoint: what `_metadata` says and the snapshot to restore. */
export interface LoadedSavepoint {
  readonly path: string;
  readonly metadata: SavepointMetadata;
  readonly snapshot: JobSnapshot;
}

/**
 * Loads the savepoint at `path` (its directory, or its `_metadata` file): checks the format and
 * version, that every listed file is there with the recorded size and SHA-256, and decodes the
 * state. Anything else is a {@link SavepointFormatError}; nothing half-loaded is returned.
 */
export function readSavepoint(path: string): LoadedSavepoint {
  let dir = resolve(path);
  if (basename(dir) === METADATA_FILE) dir = dirname(dir);
  const fail = (what: string, cause?: unknown): never => {
    throw new SavepointFormatError(dir, `cannot restore from savepoint ${dir}: ${what}`, cause);
  };
  if (!existsSync(dir) || !statSync(dir).isDirectory()) fail('no such directory; give the path `sluice savepoint` printed');
  const metaPath = join(dir, METADATA_FILE);
  if (!existsSync(metaPath)) {
    fail(`it has no ${METADATA_FILE} file: the savepoint never completed (a crash while it was written) or this is not a savepoint directory. Use another savepoint`);
  }
  let metadata: SavepointMetadata;
  try {
    metadata = JSON.parse(readFileSync(metaPath, 'utf8')) as SavepointMetadata;
  } catch (e) {
    return fail(`${METADATA_FILE} is not valid JSON (the file is damaged)`, e);
  }
  if (metadata === null || typeof metadata !== 'object' || metadata.format !== SAVEPOINT_FORMAT) fail(`${METADATA_FILE} is not a Sluice savepoint's`);
  if (metadata.version !== SAVEPOINT_VERSION) {
    fail(`its format version is ${String(metadata.version)}; this Sluice reads version ${SAVEPOINT_VERSION}. Use the Sluice version that wrote it, or a newer one`);
  }
  if (!Array.isArray(metadata.operators) || typeof metadata.sources !== 'object' || metadata.sources === null || typeof metadata.checkpointId !== 'number') {
    fail(`${METADATA_FILE} lacks its operators, sources or checkpoint id (the file is damaged)`);
  }
  const operators: Record<string, OperatorSnapshot[]> = {};
  for (const op of metadata.operators) {
    const snaps = readStateFile(dir, op, fail);
    if (!Array.isArray(snaps) || snaps.some((s) => s === null || typeof s !== 'object' || (s as OperatorSnapshot).uid !== op.uid)) {
      fail(`${op.file} does not hold the state of operator '${op.uid}'`);
    }
    operators[op.uid] = snaps as OperatorSnapshot[];
  }
  const sources = readStateFile(dir, metadata.sources, fail);
  if (sources === null || typeof sources !== 'object' || Array.isArray(sources)) fail(`${metadata.sources.file} does not hold reader positions`);
  return { path: dir, metadata, snapshot: { jobName: metadata.jobName, checkpointId: metadata.checkpointId, operators, sources: sources as Record<string, unknown[]> } };
}

function readStateFile(dir: string, entry: SavepointFileEntry, fail: (what: string, cause?: unknown) => never): unknown {
  if (typeof entry?.file !== 'string' || entry.file.includes('\\') || entry.file.split('/').some((part) => part === '..' || part === '' || part === '.')) {
    fail(`${METADATA_FILE} lists a file name that is not inside the savepoint: ${JSON.stringify(entry?.file)}`);
  }
  const path = join(dir, ...entry.file.split('/'));
  if (!existsSync(path)) fail(`${entry.file} is missing (the savepoint is incomplete; copy the whole directory)`);
  const data = readFileSync(path);
  if (data.length !== entry.bytes || createHash('sha256').update(data).digest('hex') !== entry.sha256) {
    fail(`${entry.file} is damaged: its size or SHA-256 differs from what ${METADATA_FILE} recorded`);
  }
  if (!data.subarray(0, STATE_FILE_MAGIC.length).equals(STATE_FILE_MAGIC)) fail(`${entry.file} is not a savepoint state file`);
  try {
    return decodePortable(data.subarray(STATE_FILE_MAGIC.length));
  } catch (e) {
    return fail(`${entry.file} cannot be decoded`, e);
  }
}
