import { ChangelogReader, type ChangelogEntry } from '../../kafka/changelog-reader.ts';
import type { WorkerConsumer } from '../../kafka/client-supplier.ts';
import type { Clock } from '../../util/clock.ts';
import { logger } from '../../util/logger.ts';
import type { JobVertex } from '../graph/job-graph.ts';
import type { AbstractStreamOperator } from '../operators/operator.ts';
import type { TimersSnapshot } from '../timers/internal-timer-service.ts';
import { ChangelogSnapshotBuilder } from './changelog-snapshot.ts';
import type { StandbySource } from './standby-replica.ts';

/** Restore progress, record by record: `restored` for each changelog record of `vertex` in `keyGroup`. */
export interface RestoreListener {
  started(now: number): void;
  restored(vertex: JobVertex, keyGroup: number): void;
  finished(now: number): void;
}

export interface ChangelogRestore {
  readonly jobId: string;
  readonly clock: Clock;
  readonly topic: string;
  readonly vertex: JobVertex;
  /** The operator's subtasks this worker runs. */
  readonly ops: readonly AbstractStreamOperator<unknown>[];
  readonly consumer: WorkerConsumer;
  readonly checkpointId: number;
  readonly listener?: RestoreListener | undefined;
  readonly standby?: StandbySource | undefined;
}

/** What the restore of one keyed operator read. */
export interface ChangelogRestored {
  /** Entries loaded: changelog records read plus entries a standby replica handed over. */
  readonly records: number;
  /** The timers (kept on the heap by every backend). */
  readonly timers: Record<string, TimersSnapshot>;
  /** When a standby replica was taken: its entries, and the tail records read after it. */
  readonly standby?: { standbyEntries: number; tailRecords: number };
}

/**
 * Reads one keyed operator's changelog read_committed — the partitions of the key groups this
 * worker's subtasks own — a slice of key groups at a time, and loads each slice into the subtasks
 * that own its key groups: the heap holds one slice, not the
 * whole state (the LMDB backend stages what its states do not hold yet on disk). Key groups of
 * which this worker holds a warm standby replica start from the replica's entries and read only
 * the changelog tail after it.
 */
export async function restoreFromChangelog(o: ChangelogRestore): Promise<ChangelogRestored> {
  const { jobId, clock, topic, vertex: v, ops, consumer, checkpointId, listener } = o;
  const slice = Math.max(1, Math.ceil(v.maxParallelism / 32));
  const started = clock.now();
  const seconds = (): number => (clock.now() - started) / 1000;
  const timers: Record<string, TimersSnapshot> = {};
  let records = 0;
  let standbyEntries = 0;
  let tailRecords = 0;
  let fromStandby = false;
  let logged = started;
  const owned = (kg: number): boolean => ops.some((op) => op.keyGroupRange().contains(kg));
  for (let from = 0; from < v.maxParallelism; from += slice) {
    const builder = new ChangelogSnapshotBuilder(v.uid, v.maxParallelism);
    // Only the key groups of the subtasks this worker runs (with several workers, a part of the changelog).
    const partitions = Array.from({ length: Math.min(slice, v.maxParallelism - from) }, (_, i) => from + i).filter(owned);
    if (partitions.length === 0) continue;
    // A warm standby replica of these key groups: its entries first, then only the changelog tail after it.
    const warm = o.standby?.take(v.uid, partitions);
    if (warm !== undefined) {
      fromStandby = true;
      for (const e of warm.entries) builder.apply(e);
      standbyEntries += warm.size;
    }
    const apply = (e: ChangelogEntry): void => {
      builder.apply(e);
      listener?.restored(v, e.keyGroup);
      if (warm?.from.has(e.keyGroup) === true) tailRecords++;
    };
    const done = await new ChangelogReader(consumer, { clock }).restore(topic, partitions, apply, undefined, warm?.from);
    records += done.records;
    if (done.records === 0 && (warm === undefined || warm.size === 0)) continue;
    const built = builder.build(checkpointId);
    for (const op of ops) {
      const range = op.keyGroupRange();
      op.backend!.restore([built.keyed], (kg) => range.contains(kg));
    }
    for (const [service, t] of Object.entries(built.timers)) {
      const acc = (timers[service] ??= { eventTime: [], processingTime: [] });
      for (const x of t.eventTime) acc.eventTime.push(x);
      for (const x of t.processingTime) acc.processingTime.push(x);
    }
    if (clock.now() - logged >= 5_000) {
      logged = clock.now();
      logger.info({ job: jobId, operator: v.uid, source: 'changelog', records, keyGroups: `${from + partitions.length}/${v.maxParallelism}`, seconds: seconds() }, 'restoring keyed state from the changelog');
    }
  }
  if (!fromStandby) {
    logger.info({ job: jobId, operator: v.uid, source: 'changelog', topic, records, seconds: seconds() }, 'keyed state restored from the changelog');
    return { records, timers };
  }
  // Key groups without a replica here (e.g. the worker's own, after an eager rebalance) are read in full.
  const otherRecords = records - tailRecords;
  logger.info({ job: jobId, operator: v.uid, source: 'standby', topic, standbyEntries, tailRecords, otherRecords, seconds: seconds() }, 'keyed state restored from the warm standby replica and the changelog tail after it');
  return { records: records + standbyEntries, timers, standby: { standbyEntries, tailRecords } };
}
