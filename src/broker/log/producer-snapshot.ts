import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isControl, isTransactional } from '../../protocol/records/index.ts';
import { ProducerStateTable } from '../txn/producer-state.ts';
import { markerTypeOf, COMMIT_MARKER } from '../txn/control-records.ts';
import { fileIO, isStorageFailure } from './file-io.ts';
import type { Segment } from './segment.ts';
import type { StoredBatch } from './batch-scan.ts';
import { logger } from '../../util/logger.ts';

/** The producer table a clean shutdown leaves in each partition directory. */
export const PRODUCER_SNAPSHOT = 'producer-state.json';

/**
 * The producer table of a log: the snapshot of the last clean shutdown (when `hasSnapshot` and it
 * covers no more than the log), then the log replayed after it; the whole log without one. The
 * snapshot is removed once read: it is stale as soon as anything is appended.
 */
export function loadProducerState(dir: string, segments: readonly Segment[], logEndOffset: number, hasSnapshot: boolean): ProducerStateTable {
  const file = join(dir, PRODUCER_SNAPSHOT);
  let table = new ProducerStateTable();
  let from = segments[0]!.baseOffset;
  if (hasSnapshot && existsSync(file)) {
    try {
      const snap = JSON.parse(readFileSync(file, 'utf8')) as { offset: number; state: unknown };
      if (snap.offset <= logEndOffset) {
        table = ProducerStateTable.fromJSON(snap.state);
        from = snap.offset;
      }
    } catch {
      // unreadable snapshot: rebuild from the whole log
    }
    rmSync(file, { force: true });
  }
  for (const seg of segments) {
    if (seg.nextOffset <= from) continue;
    seg.scanFrom(from, (b: StoredBatch) => {
      if (b.baseOffset < from) return;
      if (isControl(b.attributes)) {
        if (b.recordCount === 0) return; // a marker the cleaner emptied: its transaction is gone (as Kafka)
        const type = markerTypeOf(seg.readAt(b.pos, b.size));
        table.onMarker(b.producerId, b.producerEpoch, type === COMMIT_MARKER, b.baseOffset);
      } else {
        table.onAppend(
          { producerId: b.producerId, producerEpoch: b.producerEpoch, baseSequence: b.baseSequence, recordCount: b.lastOffset - b.baseOffset + 1, transactional: isTransactional(b.attributes) },
          b.baseOffset,
          b.lastOffset,
        );
      }
    });
  }
  return table;
}

/** Saves the table for a fast restart, without fsync: a lost snapshot only means a replay. */
export function saveProducerState(dir: string, offset: number, table: ProducerStateTable): void {
  try {
    fileIO().replaceFile(join(dir, PRODUCER_SNAPSHOT), JSON.stringify({ offset, state: table.toJSON() }));
  } catch (err) {
    if (!isStorageFailure(err)) throw err;
    logger.warn({ dir, err: (err as Error).message }, 'could not save producer state; it will be rebuilt from the log');
  }
}
