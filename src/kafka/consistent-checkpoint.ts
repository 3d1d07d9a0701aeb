import { redistributeOperatorState, type OperatorStateSnapshot } from '../state/operator/redistribution.ts';
import type { CheckpointRecord } from './checkpoint-log.ts';

/**
 * What one task's checkpoint record holds (its value in `<jobId>-checkpoints`). `generation`,
 * `parallelism` and `uids` are absent in records of Sluice versions before rescale generations.
 */
export interface TaskPayload {
  /** Reader state of the task's source, by source uid. */
  sources: Record<string, unknown>;
  /** Operator (non-keyed) state of the task's operators, by uid. */
  operators: Record<string, OperatorStateSnapshot>;
  subtask: number;
  /** The rescale generation the record was written in (see {@link RescaleRecord}); 0 before the first rescale. */
  generation?: number;
  /** The parallelism of the task's stage when the record was written. */
  parallelism?: number;
  /** Every uid of the task's stage (source and operators): the record is their state, also where it holds none. */
  uids?: string[];
}

/**
 * The checkpoint a job restored from when it restored at another parallelism: the complete state
 * of every old subtask (operator state and reader states by uid, as lists by old subtask index),
 * and the generation it starts. Task records of older generations no longer count (they may be of
 * subtasks beyond the parallelism, or of a subtask whose state was redistributed since); a subtask
 * of this generation without a record of its own restores its share of this record.
 */
export interface RescaleRecord {
  generation: number;
  checkpointId: number;
  /** The old parallelism of each uid (the length of its lists). */
  parallelism: Record<string, number>;
  /** The parallelism of each uid in the generation this record starts (absent in the first records of this kind). */
  target?: Record<string, number>;
  operators: Record<string, Array<OperatorStateSnapshot | null>>;
  sources: Record<string, unknown[]>;
}

/** The state of one consistent checkpoint, by uid, as lists by subtask index (length: the parallelism it was taken at). */
export interface ConsistentCheckpoint {
  /** The generation the job continues in (that of the rescale record, else 0). */
  generation: number;
  checkpointId: number;
  parallelism: Record<string, number>;
  /**
   * The parallelism of each uid in the current generation: that of its records, or for a uid no
   * subtask of the generation checkpointed yet, the one the rescale record started it with.
   */
  current: Record<string, number>;
  operators: Record<string, Array<OperatorStateSnapshot | undefined>>;
  sources: Record<string, unknown[]>;
  /** Number of task records taken (the rest, if any, was derived from the rescale record). */
  records: number;
  /** Uids no subtask of the current generation checkpointed yet: their lists are the rescale record's, at its parallelism. */
  asRescaled: Set<string>;
}

/** How a source maps old reader states to a parallelism (`Source.readerStatesAt`, or combined; default: as they are). */
export type ReaderStatesAt = (uid: string, states: readonly unknown[], parallelism: number) => unknown[];

const asIs: ReaderStatesAt = (_uid, states) => [...states];

/** A source whose readers restore one combined state (`Source.combineReaderStates`, later states win); undefined for others. */
export type CombineReaderStates = (uid: string, olderFirst: readonly unknown[]) => unknown;

/**
 * The one consistent checkpoint the log holds. Without a rescale record: every task's last record
 * (all of generation 0; records without `parallelism` count up to the highest subtask with one).
 * With one of generation G: the records of generation >= G, and for each uid a subtask without
 * such a record takes its share of the rescale record — the state it restored, as if it had
 * checkpointed right after restoring. A uid no subtask of generation G checkpointed yet keeps the
 * rescale record's lists as they are (at the old parallelism), which restores exactly as before.
 */
export function consistentCheckpoint(
  tasks: Iterable<CheckpointRecord>,
  rescale: RescaleRecord | undefined,
  readerStatesAt: ReaderStatesAt = asIs,
  combine: CombineReaderStates = () => undefined,
): ConsistentCheckpoint {
  const generation = rescale?.generation ?? 0;
  const records: Array<{ checkpointId: number; p: TaskPayload }> = [];
  for (const r of tasks) {
    const p = r.payload as TaskPayload;
    if ((p.generation ?? 0) >= generation) records.push({ checkpointId: r.checkpointId, p });
  }
  let checkpointId = rescale?.checkpointId ?? 0;
  const parallelism: Record<string, number> = {};
  const operators: Record<string, Array<OperatorStateSnapshot | undefined>> = {};
  const sources: Record<string, unknown[]> = {};
  /** Subtasks with a record of this generation, by uid. */
  const covered = new Map<string, Set<number>>();
  const asRescaled = new Set<string>();
  const current: Record<string, number> = {};
  for (const { checkpointId: id, p } of records) {
    checkpointId = Math.max(checkpointId, id);
    const uids = new Set([...(p.uids ?? []), ...Object.keys(p.operators ?? {}), ...Object.keys(p.sources ?? {})]);
    for (const uid of uids) {
      const set = covered.get(uid) ?? new Set<number>();
      covered.set(uid, set.add(p.subtask));
      parallelism[uid] = Math.max(parallelism[uid] ?? 0, p.parallelism ?? p.subtask + 1);
    }
    for (const [uid, fs] of Object.entries(p.operators ?? {})) (operators[uid] ??= [])[p.subtask] = fs;
    for (const [uid, state] of Object.entries(p.sources ?? {})) (sources[uid] ??= [])[p.subtask] = state;
  }
  if (rescale !== undefined) {
    for (const [uid, n] of Object.entries(rescale.parallelism)) {
      const mine = covered.get(uid);
      const oldOps = rescale.operators[uid]?.map((s) => s ?? undefined);
      const oldSources = rescale.sources[uid];
      if (mine === undefined) {
        // No subtask of this generation checkpointed this uid: the rescale record as it is.
        parallelism[uid] = n;
        current[uid] = rescale.target?.[uid] ?? n;
        asRescaled.add(uid);
        if (oldOps !== undefined) operators[uid] = oldOps;
        if (oldSources !== undefined) sources[uid] = [...oldSources];
        continue;
      }
      // Some did: the others restore their share of the rescale record at this generation's parallelism.
      const p = parallelism[uid]!;
      const derivedSources = oldSources === undefined ? undefined : readerStatesAt(uid, oldSources, p);
      for (let s = 0; s < p; s++) {
        if (mine.has(s)) continue;
        if (oldOps !== undefined) (operators[uid] ??= [])[s] = redistributeOperatorState(oldOps, s, p);
        if (derivedSources !== undefined) (sources[uid] ??= [])[s] = derivedSources[s];
      }
      // A combining source: every subtask gets the old states combined with the newer ones last, so
      // that a later rescale, which combines the list in subtask order, never lets an old position
      // of a derived subtask override a newer one.
      const merged = oldSources === undefined || mine.size === p ? undefined : combine(uid, [...oldSources, ...[...mine].sort((a, b) => a - b).map((s) => sources[uid]?.[s])]);
      if (merged !== undefined) sources[uid] = Array.from({ length: p }, () => merged);
    }
  }
  // Lists as long as their parallelism (subtasks beyond it are not part of this checkpoint).
  for (const lists of [operators, sources] as Array<Record<string, unknown[]>>) {
    for (const [uid, list] of Object.entries(lists)) {
      const n = parallelism[uid] ?? list.length;
      lists[uid] = Array.from({ length: n }, (_, i) => list[i]);
    }
  }
  for (const [uid, n] of Object.entries(parallelism)) current[uid] ??= n;
  return { generation, checkpointId, parallelism, current, operators, sources, records: records.length, asRescaled };
}

/** The rescale record that starts generation `generation + 1` at parallelism `target` (by uid) from `checkpoint` (holes as null: portable form). */
export function rescaleRecordOf(checkpoint: ConsistentCheckpoint, target: Record<string, number>): RescaleRecord {
  const operators: Record<string, Array<OperatorStateSnapshot | null>> = {};
  for (const [uid, list] of Object.entries(checkpoint.operators)) operators[uid] = list.map((s) => s ?? null);
  return { generation: checkpoint.generation + 1, checkpointId: checkpoint.checkpointId, parallelism: { ...checkpoint.parallelism }, target, operators, sources: checkpoint.sources };
}
