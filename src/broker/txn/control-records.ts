import { buildBatch, decodeBatchRecords } from '../../protocol/records/index.ts';

/** Control record types (the `type` in a control record's key). */
export const ABORT_MARKER = 0;
export const COMMIT_MARKER = 1;

/**
 * A transaction marker batch: one control record whose key is `version int16 | type int16`
 * and whose value is `version int16 | coordinatorEpoch int32`, in a batch flagged both
 * transactional and control, carrying the producer id and epoch it ends.
 */
export function buildMarkerBatch(producerId: bigint, producerEpoch: number, commit: boolean, timestamp: bigint, coordinatorEpoch = 0): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(commit ? COMMIT_MARKER : ABORT_MARKER, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return buildBatch({
    transactional: true,
    control: true,
    producerId,
    producerEpoch,
    baseSequence: -1,
    records: [{ key, value, timestamp }],
  });
}

/** The marker type of a control batch (ABORT_MARKER / COMMIT_MARKER), or -1 if unreadable. */
export function markerTypeOf(batch: Buffer): number {
  try {
    const key = decodeBatchRecords(batch)[0]?.key;
    return key && key.length >= 4 ? key.readInt16BE(2) : -1;
  } catch {
    return -1;
  }
}
