import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../util/atomic-file.ts';

/**
 * Where the last cleaning round of a partition ended (Kafka's cleaner-offset-checkpoint, kept per
 * partition directory here): the first dirty offset, and the earliest delete horizon the round
 * left behind, after which a round can drop tombstones and markers even with nothing dirty.
 */
export interface CleanerCheckpoint {
  firstDirtyOffset: number;
  nextHorizon: number | null;
}

export const CHECKPOINT_FILE = 'cleaner-offset-checkpoint';

export function readCheckpoint(dir: string): CleanerCheckpoint | null {
  const file = join(dir, CHECKPOINT_FILE);
  if (!existsSync(file)) return null;
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as Partial<CleanerCheckpoint>;
    if (typeof json.firstDirtyOffset !== 'number') return null;
    return { firstDirtyOffset: json.firstDirtyOffset, nextHorizon: typeof json.nextHorizon === 'number' ? json.nextHorizon : null };
  } catch {
    return null; // unreadable: the whole log is treated as dirty, which is always safe
  }
}

export function writeCheckpoint(dir: string, checkpoint: CleanerCheckpoint): void {
  writeFileAtomic(join(dir, CHECKPOINT_FILE), JSON.stringify(checkpoint));
}
