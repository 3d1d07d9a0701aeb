import type { JobVertex } from '../graph/job-graph.ts';
import { SavepointRestoreError } from '../../core/errors/job-errors.ts';
import type { AbstractStreamOperator, OperatorSnapshot } from '../operators/operator.ts';
import type { JobSnapshot } from './job-client.ts';

/** The max parallelism each operator's keyed state was written with (adopted when none is configured). */
export function restoredMaxParallelism(snapshot: JobSnapshot | undefined): ((uid: string) => number | undefined) | undefined {
  if (snapshot === undefined) return undefined;
  return (uid) => snapshot.operators[uid]?.find((s) => s.keyed !== undefined)?.keyed?.maxParallelism;
}

/**
 * Restores the subtasks of one operator from a savepoint taken at any parallelism: each subtask
 * gets the snapshots of every old subtask (in subtask order) and keeps its share — the key groups
 * it owns, its part of list state, the union and broadcast state. Keyed state split into another
 * number of key groups than this operator has cannot be divided that way and is refused (Flink
 * refuses it too); a max parallelism nobody configured adopts the savepoint's at compile time.
 */
export function restoreOperator(v: JobVertex, ops: readonly AbstractStreamOperator<unknown>[], snapshot: JobSnapshot): void {
  const snaps: OperatorSnapshot[] = [...(snapshot.operators[v.uid] ?? [])].sort((a, b) => a.subtaskIndex - b.subtaskIndex);
  for (const s of snaps) {
    if (s.keyed === undefined) continue;
    if (!Array.isArray((s.keyed as { keyGroups?: unknown }).keyGroups)) {
      throw new SavepointRestoreError(
        v.uid,
        `the savepoint's keyed state of operator '${v.uid}' was written by an older Sluice without key groups; it cannot be restored by this version`,
      );
    }
    if (s.keyed.maxParallelism !== v.maxParallelism) {
      throw new SavepointRestoreError(
        v.uid,
        `operator '${v.name}' (uid '${v.uid}') has max parallelism ${v.maxParallelism}, but its state in the savepoint was split into ` +
          `${s.keyed.maxParallelism} key groups (the max parallelism it ran with). The max parallelism cannot change across a savepoint: ` +
          `set it back to ${s.keyed.maxParallelism} (setMaxParallelism / env.setMaxParallelism), or leave it unset to adopt the savepoint's`,
      );
    }
  }
  for (const op of ops) op.restoreState(snaps, snapshot.checkpointId);
}
