import assert from 'node:assert/strict';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { TopicConfig } from '../../../src/broker/log/topic-config.ts';
import { cleanLog, type CleanResult } from '../../../src/broker/log/cleaner/index.ts';
import {
  buildBatch,
  decodeBatchRecords,
  forEachStoredBatch,
  readBatchHeader,
  validateBatches,
  type BatchHeader,
  type BatchInput,
} from '../../../src/protocol/records/index.ts';
import type { ManualClock } from '../../../src/util/clock.ts';

/** Small segments, a one-second segment.ms (for forced rolls) and a one-hour delete.retention.ms. */
export const COMPACT = { 'cleanup.policy': 'compact', 'segment.bytes': '1024', 'segment.ms': '1000', 'delete.retention.ms': '3600000' };
export const HOUR = 3_600_000;

export function openLog(dir: string, clock: ManualClock, overrides: Record<string, string> = {}): PartitionLog {
  return PartitionLog.open(dir, new TopicConfig({ ...COMPACT, ...overrides }), clock);
}

export type Rec = { key: string | null; value: string | null };

/** Appends one batch; `opts` may make it compressed, idempotent or transactional. */
export function put(log: PartitionLog, clock: ManualClock, recs: Rec[], opts: Partial<BatchInput> = {}): number {
  const batch = buildBatch({
    ...opts,
    records: recs.map((r) => ({
      key: r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      timestamp: BigInt(clock.now()),
    })),
  });
  const spans = validateBatches(batch);
  assert.ok(Array.isArray(spans));
  return log.append(batch, spans).baseOffset;
}

export interface SeenBatch {
  header: BatchHeader;
  records: Array<{ offset: number; key: string | null; value: string | null }>;
}

/** Every batch from the log start, as a consumer would fetch them. */
export function readBatches(log: PartitionLog): SeenBatch[] {
  const out: SeenBatch[] = [];
  let offset = log.logStartOffset;
  for (;;) {
    const data = log.read(offset, 64 * 1024);
    if (!data) return out;
    forEachStoredBatch(data, (pos, size) => {
      const buf = data.subarray(pos, pos + size);
      const header = readBatchHeader(buf);
      const last = Number(header.baseOffset) + header.lastOffsetDelta;
      if (last < offset) return;
      out.push({
        header,
        records: decodeBatchRecords(buf).map((r) => ({
          offset: Number(r.offset),
          key: r.key ? r.key.toString() : null,
          value: r.value ? r.value.toString() : null,
        })),
      });
      offset = last + 1;
    });
  }
}

/** Data records (not control records) in offset order. */
export function dataRecords(log: PartitionLog): Array<{ offset: number; key: string | null; value: string | null }> {
  return readBatches(log)
    .filter((b) => (b.header.attributes & 0x20) === 0)
    .flatMap((b) => b.records);
}

/** One cleaning round over everything before the active segment (or `until`). */
export function cleanAll(log: PartitionLog, clock: ManualClock, from = 0, until?: number): Promise<CleanResult> {
  const segments = log.segmentsForCleaning();
  const active = segments[segments.length - 1]!.baseOffset;
  return cleanLog(
    log,
    { firstDirtyOffset: Math.max(from, log.logStartOffset), firstUncleanableOffset: Math.min(until ?? active, active, log.lastStableOffset) },
    { now: clock.now(), mapCapacity: 100_000, sliceBatches: 10, yieldTurn: () => new Promise((r) => setImmediate(r)) },
  );
}

/** Forces a roll so everything written so far leaves the active segment. */
export function roll(log: PartitionLog, clock: ManualClock): void {
  clock.advance(1001); // past segment.ms
  put(log, clock, [{ key: 'zz-roll', value: 'x' }]);
}
