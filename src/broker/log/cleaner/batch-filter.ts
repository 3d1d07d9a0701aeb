import { crc32c } from '@node-rs/crc32';
import {
  ATTRIBUTES,
  BASE_TIMESTAMP,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH,
  CONTROL_BIT,
  CRC,
  DELETE_HORIZON_BIT,
  LOG_OVERHEAD,
  PARTITION_LEADER_EPOCH,
  RECORD_COUNT,
  TIMESTAMP_TYPE_BIT,
  TRANSACTIONAL_BIT,
  buildBatch,
  compressionOf,
  decodeBatchRecords,
  isControl,
  isTransactional,
  readBatchHeader,
  type BatchHeader,
  type KafkaRecord,
} from '../../../protocol/records/index.ts';
import type { OffsetMap } from './offset-map.ts';
import { controlTypeOf, type CleanedTxnState, type LastRecord } from './txn-state.ts';

/** Everything one cleaning pass decides with. */
export interface FilterContext {
  map: OffsetMap;
  txn: CleanedTxnState;
  /** The last record of every producer, kept so its idempotence state survives. */
  lastRecords: ReadonlyMap<number, LastRecord>;
  /** The first offset the round may not clean; the batch ending just before it is kept. */
  upperBoundOffset: number;
  now: number;
  deleteRetentionMs: number;
}

/** What the filter did to one batch (for stats and for scheduling the next round). */
export interface FilterStats {
  recordsRead: number;
  recordsKept: number;
  /** Smallest delete horizon still pending in the output, Infinity when none. */
  nextHorizon: number;
}

export function newFilterStats(): FilterStats {
  return { recordsRead: 0, recordsKept: 0, nextHorizon: Infinity };
}

/**
 * Decides what of one stored batch survives cleaning, as Kafka's cleaner does:
 * - a record survives if it is the latest for its key in the offset map (or lies past the map),
 *   has a key, and is not a tombstone whose batch's delete horizon has passed;
 * - records of aborted transactions go; markers go once their transaction's data is gone and,
 *   for markers, their own delete horizon has passed;
 * - the batch holding a producer's last data (or its last marker) stays, emptied if need be, so
 *   producer state can be rebuilt from the log; so does the batch ending the cleaning round;
 * - a batch that keeps tombstones or an emptied transaction's marker gets a delete horizon
 *   (now + delete.retention.ms) the first time it is cleaned.
 * Returns the original bytes when nothing changes, rebuilt bytes (same codec, same base and last
 * offset, same producer fields) otherwise, or null when the batch disappears.
 */
export function filterBatch(batch: Buffer, ctx: FilterContext, stats: FilterStats): Buffer | null {
  const h = readBatchHeader(batch);
  const control = isControl(h.attributes);
  const lastOffset = Number(h.baseOffset) + h.lastOffsetDelta;
  const horizon = (h.attributes & DELETE_HORIZON_BIT) !== 0 ? Number(h.baseTimestamp) : null;
  const controlType = control && h.recordCount > 0 ? controlTypeOf(batch) : -1;
  const canDiscard = control ? ctx.txn.onControlBatch(h, controlType) : ctx.txn.onDataBatch(h);
  const discardRecords = control ? canDiscard && horizon !== null && horizon <= ctx.now : canDiscard;
  const pid = Number(h.producerId);
  const last = pid >= 0 ? ctx.lastRecords.get(pid) : undefined;
  const lastOfProducer =
    last !== undefined &&
    (last.lastDataOffset !== null ? lastOffset === last.lastDataOffset : control && h.producerEpoch === last.producerEpoch);
  const retainEmpty = lastOfProducer || lastOffset + 1 === ctx.upperBoundOffset;
  if (discardRecords && !retainEmpty) {
    stats.recordsRead += h.recordCount;
    return null;
  }
  const markerForEmptyTxn = canDiscard && control;

  let records: KafkaRecord[] = [];
  let kept: KafkaRecord[] = [];
  if (h.recordCount > 0 && !discardRecords) {
    records = decodeBatchRecords(batch);
    kept = control ? records : records.filter((r) => retainRecord(r, horizon, ctx));
  } else if (h.recordCount > 0) {
    records = new Array(h.recordCount);
  }
  stats.recordsRead += h.recordCount;
  stats.recordsKept += kept.length;

  if (kept.length > 0) {
    const tombstones = !control && kept.some((r) => r.value === null);
    const needHorizon = (tombstones || markerForEmptyTxn) && horizon === null;
    const newHorizon = needHorizon ? ctx.now + ctx.deleteRetentionMs : horizon;
    // A horizon still ahead will let a later round drop these (one already passed means the
    // records lie past the offset map, and the next dirty round will reach them).
    if ((tombstones || control) && newHorizon !== null && newHorizon > ctx.now) stats.nextHorizon = Math.min(stats.nextHorizon, newHorizon);
    if (kept.length === records.length && !needHorizon) return batch;
    return rebuild(batch, h, kept, newHorizon);
  }
  return retainEmpty ? emptyBatch(batch, h) : null;
}

function retainRecord(r: KafkaRecord, horizon: number | null, ctx: FilterContext): boolean {
  const offset = Number(r.offset);
  if (offset > ctx.map.latestOffset) return true;
  if (r.key === null) return false; // a compacted topic's record needs a key
  if (offset < ctx.map.get(r.key)) return false;
  return r.value !== null || horizon === null || ctx.now < horizon;
}

/** The kept records in a batch like the original: codec, offsets, producer fields, timestamp type. */
function rebuild(original: Buffer, h: BatchHeader, kept: KafkaRecord[], horizon: number | null): Buffer {
  const logAppendTime = (h.attributes & TIMESTAMP_TYPE_BIT) !== 0;
  return buildBatch({
    baseOffset: h.baseOffset,
    compression: compressionOf(h.attributes),
    transactional: isTransactional(h.attributes),
    control: isControl(h.attributes),
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    partitionLeaderEpoch: original.readInt32BE(PARTITION_LEADER_EPOCH),
    logAppendTime,
    maxTimestamp: logAppendTime ? h.maxTimestamp : undefined,
    deleteHorizonMs: horizon === null ? undefined : BigInt(horizon),
    lastOffsetDelta: h.lastOffsetDelta,
    records: kept.map((r) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: logAppendTime ? h.maxTimestamp : r.timestamp,
      offsetDelta: Number(r.offset - h.baseOffset),
    })),
  });
}

/** A record-less batch that keeps the offsets, producer fields and max timestamp (Kafka's empty header). */
export function emptyBatch(original: Buffer, h: BatchHeader): Buffer {
  const buf = Buffer.from(original.subarray(0, BATCH_HEADER_SIZE));
  buf.writeInt32BE(BATCH_HEADER_SIZE - LOG_OVERHEAD, BATCH_LENGTH);
  buf.writeInt16BE(h.attributes & (TIMESTAMP_TYPE_BIT | TRANSACTIONAL_BIT | CONTROL_BIT), ATTRIBUTES);
  buf.writeBigInt64BE(h.maxTimestamp, BASE_TIMESTAMP);
  buf.writeInt32BE(0, RECORD_COUNT);
  buf.writeUInt32BE(crc32c(buf.subarray(ATTRIBUTES)), CRC);
  return buf;
}
